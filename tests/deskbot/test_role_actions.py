"""Issue 11 item 8: each reader is offered only the actions their role allows, on every card
that carries ticket actions (a command's card, a list's ticket, a card redrawn after an action),
and every action they may use is offered within Cliq's 5 buttons."""

from __future__ import annotations

from typing import Any

import pytest

from tests.deskbot.conftest import Deskbot

CHANGES = ["Status", "Assign", "Reply", "Comment"]


def labels(answer: Any) -> list[str]:
    return [b["label"] for b in answer.buttons]


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("agent", [*CHANGES, "Post here"]),  # the owner of #115
        ("admin", [*CHANGES, "Post here"]),  # Assign to me is in the Assign form (below)
        ("light", ["Comment", "Post here"]),
    ],
)
async def test_a_commands_card_offers_what_the_reader_may_use(
    deskbot: Deskbot, who: str, expected: list[str]
) -> None:
    card = await deskbot.chat(who).command("ticket", "115")
    assert labels(card) == expected


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("agent", CHANGES),
        ("admin", [*CHANGES, "Assign to me"]),
        ("light", ["Comment"]),
    ],
)
async def test_a_lists_ticket_card_offers_what_the_reader_may_use(
    deskbot: Deskbot, who: str, expected: list[str]
) -> None:
    chat = deskbot.chat(who)
    listed = await chat.command("ticket", "watanabe@abc-corp.com")
    ticket = await deskbot.parts.desk.ticket_by_number(115)
    assert ticket is not None
    card = await chat.click({**listed.buttons[0], "label": "#115", "key": f"show:{ticket.id}"})
    assert card.title.startswith("#115 ") and labels(card) == expected


async def test_a_redrawn_card_keeps_to_the_readers_role(deskbot: Deskbot) -> None:
    for who in ("light", "admin", "agent"):
        await deskbot.connect(f"{who}@example.com")
    light = deskbot.chat("light")
    form = await light.click((await light.command("ticket", "115")).button("Comment"))
    redrawn = await light.submit({"content": "Seen it"}, form=form.output)
    assert redrawn.kind == "message_edit" and labels(redrawn) == ["Comment"]

    admin = deskbot.chat("admin")
    form = await admin.click((await admin.command("ticket", "115")).button("Status"))
    redrawn = await admin.submit({"status": "On Hold"}, form=form.output)
    assert labels(redrawn) == [*CHANGES, "Assign to me"]

    agent = deskbot.chat("agent")
    form = await agent.click((await agent.command("ticket", "115")).button("Reply"))
    redrawn = await agent.submit({"content": "On it", "then_status": "-"}, form=form.output)
    assert labels(redrawn) == CHANGES  # the owner: nothing to take


async def test_assign_to_me_is_offered_where_the_card_has_no_room(deskbot: Deskbot) -> None:
    """Post here takes the fifth button: the Assign form then offers the reader first."""
    await deskbot.connect("admin@example.com")
    chat = deskbot.chat("admin")
    card = await chat.command("ticket", "115")
    assert "Assign to me" not in labels(card)
    form = await chat.click(card.button("Assign"))
    first = form.output["inputs"][0]["options"][0]
    assert first["label"] == "Me (Ada Admin)"
    assigned = await chat.submit({"owner": first["value"]}, form=form.output)
    assert "Assigned → Ada Admin by Ada" in assigned.text
    ticket = await deskbot.parts.desk.ticket_by_number(115)
    me = await deskbot.parts.directory.by_email("admin@example.com")
    assert ticket is not None and me is not None and ticket.assignee_id == me.id
    assert labels(assigned) == CHANGES  # now the owner


async def test_an_unassigned_tickets_assign_form_has_the_reader_chosen(deskbot: Deskbot) -> None:
    sandbox = deskbot.parts.sandboxes
    assert sandbox is not None
    async with deskbot.client.session.post(
        f"{sandbox.urls['desk']}/sandbox/tickets", json={"subject": "Nobody's yet"}
    ) as response:
        number = (await response.json())["ticketNumber"]
    await deskbot.connect("agent@example.com")
    chat = deskbot.chat("agent")
    card = await chat.command("ticket", str(number))
    form = await chat.click(card.button("Assign"))
    owner = form.output["inputs"][0]
    assert owner["options"][0]["label"] == "Me (Aiko Tanaka)"
    assert owner["value"] == owner["options"][0]["value"]
    taken = await chat.submit({}, form=form.output)
    assert "Assigned → Aiko Tanaka" in taken.text


async def test_a_light_agent_is_never_offered_public_comments(deskbot: Deskbot) -> None:
    await deskbot.connect("light@example.com")
    chat = deskbot.chat("light")
    form = await chat.click((await chat.command("ticket", "115")).button("Comment"))
    shown = str(form.output)
    assert "Public" not in shown and "public" not in shown.replace("A private comment", "")


async def test_a_dm_offers_what_its_reader_may_use_and_a_channel_post_everything(
    deskbot: Deskbot,
) -> None:
    """Cards in notifications: a DM has one reader (the owner, or the person mentioned), so its
    actions are theirs; a channel post's readers vary, so it offers every action."""
    from tests.deskbot.test_notifications import change, comment, installed, settle

    await installed(deskbot)
    await change(deskbot, 115, actor="maria@example.com", assignee="light@example.com")
    to_lee = next(p for p in await settle(deskbot) if p["target"] == "light@example.com")
    assert [b["label"] for b in to_lee["body"]["buttons"]] == ["Comment"]

    await change(deskbot, 115, actor="maria@example.com", assignee="agent@example.com")
    sandbox = deskbot.parts.sandboxes
    assert sandbox is not None
    ada = sandbox.desk.agent_by_email("admin@example.com")
    assert ada is not None
    await comment(
        deskbot, 115, actor="maria@example.com", content=f"zsu[@user:{ada['zuid']}]zsu have a look"
    )
    posts = await settle(deskbot)
    to_ada = next(p for p in posts if p["target"] == "admin@example.com")
    assert [b["label"] for b in to_ada["body"]["buttons"]] == CHANGES  # owned: not to take
    to_aiko = [p for p in posts if p["target"] == "agent@example.com"]
    assert to_aiko and all([b["label"] for b in p["body"]["buttons"]] == CHANGES for p in to_aiko)

    await deskbot.parts.settings.put("dm_owner", False)
    await change(deskbot, 115, actor="maria@example.com", assignee="light@example.com")
    channel = (await settle(deskbot))[-1]
    assert channel["target_kind"] == "channel"
    assert [b["label"] for b in channel["body"]["buttons"]] == CHANGES


@pytest.mark.parametrize("who", ["light", "agent", "admin"])
async def test_a_card_posted_to_a_channel_offers_everyone_every_action(
    deskbot: Deskbot, who: str
) -> None:
    """Post here: the channel's readers vary, whoever drew the card."""
    sandbox = deskbot.parts.sandboxes
    assert sandbox is not None
    channel = sandbox.cliq.add_channel("Support", bots=["deskbot"], members=[f"{who}@example.com"])
    chat = deskbot.chat(who, id=channel["chat_id"], type="channel", channel_unique_name="support")
    card = await chat.command("ticket", "115")
    assert (await chat.click(card.button("Post here"))).output["text"] == "Posted to #support."
    [posted] = deskbot.cliq_messages
    assert [b["label"] for b in posted["body"]["buttons"]] == CHANGES
    keys = {b["key"].partition(":")[2] for b in posted["body"]["buttons"]}
    assert len(keys) == 1  # the same ticket, as drawn


@pytest.mark.parametrize(
    ("who", "listed", "left_out"),
    [
        ("agent", ["/checkin", "/ticket", "check in", "Open Tickets"], []),
        ("light", ["/ticket", "Open Tickets"], ["/checkin", "/checkout", "/break", "check in"]),
        ("stranger", ["/help", "/deskbot"], ["/ticket", "/checkin", "Open Tickets"]),
    ],
)
async def test_help_lists_what_the_reader_may_use(
    deskbot: Deskbot, who: str, listed: list[str], left_out: list[str]
) -> None:
    shown = (await deskbot.chat(who).command("help")).all_text().casefold()
    for item in listed:
        assert item.casefold() in shown, item
    for item in left_out:
        assert item.casefold() not in shown, item


async def test_a_light_agent_is_refused_attendance_by_the_guard_everywhere(
    deskbot: Deskbot,
) -> None:
    lee = deskbot.chat("light")
    for answer in (
        await lee.command("checkin"),
        await lee.say("check in"),
        await lee.menu("Attendance", "Check In"),
    ):
        assert "attendance" in str(answer.output).casefold() or "light" in str(answer.output)
        assert answer.kind in ("banner", "message") and not answer.buttons
