"""SPEC D1-D4 (channels, channel notifications, no self-notification, DMs) as people meet them:
Maria and Aiko work on tickets in Desk, Aiko reads Deskbot in her chat with the bot, the admin
maps channels and switches kinds; each test asserts on the text a person sees."""

from __future__ import annotations

from typing import Any

from tests.deskbot.conftest import Deskbot
from tests.deskbot.test_notifications import change, comment, installed, settle

BILLING = "5000000000002"


def seen(message: dict[str, Any]) -> str:
    """A post as a person reads it (the invisible word joiners Deskbot puts into people's text
    so Cliq does not read it as markup are not seen)."""
    return str(message["body"]["text"]).replace("\u2060", "")


def buttons(message: dict[str, Any]) -> list[str]:
    return [b["label"] for b in message["body"].get("buttons", [])]


async def inbox(deskbot: Deskbot, email: str) -> list[dict[str, Any]]:
    """Everything new in that person's chat with the bot (DMs), after Desk's events are worked."""
    before = len(deskbot.cliq_messages)
    await settle(deskbot)
    return [m for m in deskbot.cliq_messages[before:] if m["target"] == email]


async def posts_in(deskbot: Deskbot, channel: str) -> list[dict[str, Any]]:
    before = len(deskbot.cliq_messages)
    await settle(deskbot)
    return [m for m in deskbot.cliq_messages[before:] if m["target"] == channel]


async def in_desk(deskbot: Deskbot, method: str, path: str, body: dict[str, Any]) -> Any:
    """Someone does something in Desk itself (the sandbox's admin API acts like Desk's UI)."""
    sandbox = deskbot.parts.sandboxes
    assert sandbox is not None
    call = getattr(deskbot.client.session, method)
    async with call(f"{sandbox.urls['desk']}{path}", json=body) as response:
        assert response.status < 300, await response.text()
        return await response.json()


async def test_d4_the_owner_reads_what_happened_to_their_ticket_in_their_own_time(
    deskbot: Deskbot,
) -> None:
    """Aiko (in Tokyo, says Cliq) looks at her ticket; Maria closes it in Desk; Aiko's chat with
    the bot says so, with the same clock time she saw, named; she reopens it from the message
    and nobody is told of her own change."""
    await installed(deskbot)
    aiko = deskbot.chat("agent")
    card = await aiko.command("ticket", "115")
    assert "due in 40 min (10:40)" in card.text

    await change(deskbot, 115, actor="maria@example.com", status="Closed")
    [closed] = await inbox(deskbot, "agent@example.com")
    text = seen(closed)
    assert text.startswith("*Ticket closed* by Maria Garcia")
    assert "Status: Open → Closed" in text
    assert "closed 10:00 JST" in text and "due" not in text.split("Status:")[1]
    assert buttons(closed) == ["Status", "Assign", "Reply", "Comment"]

    await deskbot.connect("agent@example.com")
    form = await aiko.click(closed["body"]["buttons"][0])  # Status, from the notification
    assert form.kind == "form"
    edited = await aiko.submit({"status": "Open"}, form=form.output)
    assert "Status → Open by Aiko" in edited.text
    assert await inbox(deskbot, "agent@example.com") == []  # her own change (SPEC D3)


async def test_d4_comments_mentions_ratings_and_blueprint_steps_reach_the_owner(
    deskbot: Deskbot,
) -> None:
    await installed(deskbot)
    kenji = await deskbot.parts.directory.by_email("kenji@example.com")
    assert kenji is not None
    await comment(
        deskbot, 115, actor="maria@example.com", content=f"zsu[@user:{kenji.zuid}]zsu please call"
    )
    [to_aiko] = await inbox(deskbot, "agent@example.com")
    assert "*Comment added* by Maria Garcia" in seen(to_aiko)
    assert "Private comment: “@Kenji Watanabe please call”" in seen(to_aiko)
    kenjis = [m for m in deskbot.cliq_messages if m["target"] == "kenji@example.com"]
    # Kenji's Desk profile is Japanese (ja_JP): his DM is, with the same names
    assert [seen(m).split("\n")[0] for m in kenjis] == ["*メンション*(操作: Maria Garcia)"]

    await change(deskbot, 115, actor="maria@example.com", status="Escalated")
    [escalated] = await inbox(deskbot, "agent@example.com")
    assert "Blueprint step waiting" in seen(escalated)
    assert "Waiting on you: Resolve" in seen(escalated)

    assert await deskbot.parts.scheduler.ratings() == 0  # from now on
    deskbot.clock.advance(minutes=1)
    await in_desk(deskbot, "post", "/sandbox/tickets/115/rating", {"rating": "good"})
    deskbot.clock.advance(minutes=1)
    await deskbot.parts.scheduler.ratings()
    [rated] = await inbox(deskbot, "agent@example.com")
    assert "*Happiness rating*" in seen(rated) and "Rating: Good" in seen(rated)
    assert "Feedback" not in seen(rated)  # the customer wrote none


async def test_d4_a_ticket_moved_to_someone_else_tells_both(deskbot: Deskbot) -> None:
    await installed(deskbot)
    await change(deskbot, 115, actor="maria@example.com", assignee="kenji@example.com")
    [to_aiko] = await inbox(deskbot, "agent@example.com")
    assert "*Owner changed* by Maria Garcia" in seen(to_aiko)
    assert "Owner: Aiko Tanaka → Kenji Watanabe" in seen(to_aiko)
    to_kenji = [m for m in deskbot.cliq_messages if m["target"] == "kenji@example.com"]
    assert "担当者: Aiko Tanaka → Kenji Watanabe" in seen(to_kenji[-1])  # his Desk: ja_JP


async def test_d3_nobody_is_told_of_what_they_did(deskbot: Deskbot) -> None:
    """Aiko works on her own ticket in Desk: comments (mentioning herself), gives herself a
    task, escalates it. Her chat with the bot stays quiet, and so does #desk."""
    await installed(deskbot)
    me = await deskbot.parts.directory.by_email("agent@example.com")
    assert me is not None
    await comment(deskbot, 115, actor="agent@example.com", content=f"zsu[@user:{me.zuid}]zsu todo")
    task = {"actor": "agent@example.com", "subject": "Call back", "owner": "agent@example.com"}
    await in_desk(deskbot, "post", "/sandbox/tickets/115/tasks", task)
    await change(deskbot, 115, actor="agent@example.com", status="Escalated")
    assert await settle(deskbot) == []
    await comment(deskbot, 115, actor="maria@example.com", content="I had a look too")
    [told] = await inbox(deskbot, "agent@example.com")  # someone else: told
    assert "Private comment: “I had a look too”" in seen(told)


async def test_d1_d2_an_admin_maps_a_department_and_chooses_what_is_posted(
    deskbot: Deskbot,
) -> None:
    """With DMs off, notifications go to the org channel; the admin gives Billing its own
    channel, switches comments off for channels, and disables a department."""
    await installed(deskbot)
    admin = deskbot.chat("admin")
    await deskbot.parts.settings.put("dm_owner", False)

    await change(deskbot, 116, actor="maria@example.com", status="On Hold")  # a Billing ticket
    [in_desk_channel] = await posts_in(deskbot, "desk")
    assert "*Status changed* by Maria Garcia" in seen(in_desk_channel)
    assert "Status: Open → On Hold" in seen(in_desk_channel)

    mapped = await admin.command("deskbot", "map Billing billing create")
    assert mapped.all_text().startswith("Billing now posts to #billing.")
    await change(deskbot, 116, actor="maria@example.com", status="Open")
    [in_billing] = await posts_in(deskbot, "billing")
    assert "*Status changed* by Maria Garcia" in seen(in_billing)

    off = await admin.command("deskbot", "notify comment off channel")
    assert off.all_text().startswith("Comment added notifications in channels: off.")
    await comment(deskbot, 116, actor="maria@example.com", content="internal note")
    assert await posts_in(deskbot, "billing") == []

    task = {"actor": "maria@example.com", "subject": "Refund the customer"}
    await in_desk(
        deskbot, "post", "/sandbox/tickets/116/tasks", {**task, "owner": "tom@example.com"}
    )
    [activity] = await posts_in(deskbot, "billing")
    assert "*Activity created* by Maria Garcia" in seen(activity)
    assert "Task: Refund the customer · no due date" in seen(activity)

    await admin.command("deskbot", "unmap Billing disable")
    before = len(deskbot.cliq_messages)
    await change(deskbot, 116, actor="maria@example.com", status="On Hold")
    assert (await settle(deskbot))[before:] == []  # a disabled department posts nothing


async def test_d2_a_new_unassigned_ticket_offers_assign_to_me_in_the_channel(
    deskbot: Deskbot,
) -> None:
    await installed(deskbot)
    await in_desk(
        deskbot,
        "post",
        "/sandbox/tickets",
        {"subject": "Badge reader offline", "actor": "maria@example.com"},
    )
    [created] = await posts_in(deskbot, "desk")
    assert "*Ticket created* by Maria Garcia" in seen(created)
    assert "Badge reader offline" in seen(created)
    assert buttons(created)[-1] == "Assign to me"
