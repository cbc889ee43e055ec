"""Notifications as their readers see them, end to end through the sandboxes (issue 11 items
2-4): times in each reader's zone and named; what changed, by whom, from what to what, with the
comment; the actions the reader may take; and no notice of one's own change by any path."""

from __future__ import annotations

import re
from typing import Any

import pytest

from bot.config import Config
from tests.deskbot.conftest import Deskbot
from tests.deskbot.test_notifications import change, comment, installed, settle

SUPPORT = "5000000000001"
BILLING = "5000000000002"


def seen(message: dict[str, Any]) -> str:
    """A post's text as a person sees it (the invisible word joiners that keep people's text
    from being read as Cliq markup are not seen)."""
    return str(message["body"]["text"]).replace("\u2060", "")


def to(messages: list[dict[str, Any]], target: str) -> list[dict[str, Any]]:
    return [m for m in messages if m["target"] == target]


async def desk_post(deskbot: Deskbot, path: str, body: dict[str, Any]) -> dict[str, Any]:
    sandbox = deskbot.parts.sandboxes
    assert sandbox is not None
    async with deskbot.client.session.post(f"{sandbox.urls['desk']}{path}", json=body) as r:
        assert r.status in (200, 201), await r.text()
        return dict(await r.json())


# --- item 2: every time shown to a person is in that person's zone ----------------------------


async def test_a_dm_shows_times_in_the_zone_its_reader_last_spoke_from(deskbot: Deskbot) -> None:
    """The reported case: `/ticket 115` said "(HH:MM)" in Tokyo while the DM about the same
    ticket said another, unlabelled time (the Desk profile's London). Now the DM says the same
    time as the reply, named; and follows the person when their Cliq zone changes."""
    await installed(deskbot)
    reply = await deskbot.chat("agent").command("ticket", "115")
    [local] = re.findall(r"due in \d+ min \((\d\d:\d\d)\)", reply.text)
    await change(deskbot, 115, actor="maria@example.com", status="On Hold")
    [dm] = to(await settle(deskbot), "agent@example.com")
    assert f"({local} JST)" in seen(dm)
    travelling = deskbot.chat("agent")
    travelling.user["timezone"] = "America/New_York"
    await travelling.command("ticket", "115")
    await change(deskbot, 115, actor="maria@example.com", status="Open")
    last = to(await settle(deskbot), "agent@example.com")[-1]
    assert re.search(r"\(\d\d:\d\d EST\)", seen(last)), seen(last)


async def test_someone_who_never_spoke_to_the_bot_reads_their_desk_profiles_zone(
    deskbot: Deskbot,
) -> None:
    """Kenji (Desk: Asia/Tokyo) and Aiko (Desk: Europe/London) never spoke to the bot: Kenji's
    DM is in JST, and Aiko, whose ticket it was, is told in UTC (London's
    winter time, named as every universal time is)."""
    await installed(deskbot)
    await change(deskbot, 115, actor="maria@example.com", assignee="kenji@example.com")
    posts = await settle(deskbot)
    [kenji] = to(posts, "kenji@example.com")
    [aiko] = to(posts, "agent@example.com")
    assert re.search(r"\(\d\d:\d\d JST\)", seen(kenji)), seen(kenji)
    assert re.search(r"\(\d\d:\d\d UTC\)", seen(aiko)), seen(aiko)


async def test_a_due_soon_reminder_is_in_the_owners_zone(deskbot: Deskbot) -> None:
    """The scheduler's DMs (due in 1 hour / 30 minutes, task reminders) used the digest's zone
    (UTC) for everyone."""
    await installed(deskbot)
    reply = await deskbot.chat("agent").command("ticket", "115")
    [local] = re.findall(r"due in \d+ min \((\d\d:\d\d)\)", reply.text)
    await deskbot.parts.scheduler.due_soon()
    for _ in range(10):  # every seeded ticket due within the hour: Cliq's pace, 45 a minute
        await deskbot.deliver()
        deskbot.clock.advance(minutes=1)
    [reminder] = [m for m in to(deskbot.cliq_messages, "agent@example.com") if "#115" in str(m)]
    assert "Due in" in seen(reminder) and f"({local} JST)" in seen(reminder)


async def test_a_task_reminder_names_the_task_and_its_due_time_in_the_owners_zone(
    deskbot: Deskbot,
) -> None:
    """Task reminders said "Due: 01:10 UTC" to everyone, whatever their zone."""
    await installed(deskbot)
    aiko = deskbot.chat("agent")
    aiko.user["timezone"] = "America/New_York"  # Aiko speaks to the bot from New York
    await aiko.command("ticket", "")
    task = {"actor": "maria@example.com", "subject": "Call back", "owner": "agent@example.com"}
    await desk_post(
        deskbot, "/sandbox/tickets/115/tasks", {**task, "dueDate": "2026-03-02T01:10:00Z"}
    )
    await settle(deskbot)
    await deskbot.parts.scheduler.reminders()
    for _ in range(10):  # every seeded task due soon too: Cliq's pace, 45 a minute
        await deskbot.deliver()
        deskbot.clock.advance(minutes=1)
    reminders = [m for m in to(deskbot.cliq_messages, "agent@example.com") if "reminder" in str(m)]
    [mine] = [m for m in reminders if "Call back" in seen(m)]
    assert "*Activity reminder*" in seen(mine)
    assert "Task: Call back · due in 10 min (20:10 EST)" in seen(mine)
    assert "UTC" not in seen(mine)


@pytest.mark.parametrize(
    ("command", "args", "mine", "everyone"),
    [
        ("ticket", "115", r"due in 40 min \(10:40\)", r"due in 40 min \(10:40 JST\)"),
        ("ticket", "", r"due \d+ \w+ \d\d:\d\d\b", r"due \d+ \w+ \d\d:\d\d JST\b"),
        ("deskstatus", "", r"to \d+ \w+ \d\d:\d\d\.", r"to \d+ \w+ \d\d:\d\d JST\."),
    ],
)
async def test_an_answer_posted_for_everyone_names_its_zone(
    deskbot: Deskbot, command: str, args: str, mine: str, everyone: str
) -> None:
    """Post here turns the caller's answer into a channel post: its readers may be anywhere, so
    the times it shows (the caller's) name their zone; the caller's own view does not need to."""
    sandbox = deskbot.parts.sandboxes
    assert sandbox is not None
    channel = sandbox.cliq.add_channel("Support", bots=["deskbot"], members=["agent@example.com"])
    aiko = deskbot.chat(
        "agent", id=channel["chat_id"], type="channel", channel_unique_name="support"
    )
    answer = await aiko.command(command, args)
    assert re.search(mine, answer.text) and "JST" not in answer.text, answer.text
    posted = await aiko.click("Post here")
    assert posted.output["text"] == "Posted to #support."
    [message] = deskbot.cliq_messages
    assert re.search(everyone, seen(message)), seen(message)


@pytest.fixture
def config(config: Config) -> Config:
    """Support's own channel reads Tokyo time; the org channel the default (UTC)."""
    notifications = config.notifications.model_copy(
        update={"digest_zone": "UTC", "department_zones": {SUPPORT: "Asia/Tokyo"}}
    )
    return config.model_copy(update={"notifications": notifications})


async def test_a_channel_post_names_the_places_zone(deskbot: Deskbot) -> None:
    await installed(deskbot)
    await deskbot.parts.settings.put("dm_owner", False)
    await change(deskbot, 115, actor="maria@example.com", status="On Hold")
    [org] = await settle(deskbot)
    assert org["target"] == "desk" and re.search(r"\(\d\d:\d\d UTC\)", seen(org)), seen(org)
    await deskbot.parts.cliq.create_channel("support")
    await deskbot.parts.cliq.add_bot_to_channel("support")
    await deskbot.parts.settings.map_department(SUPPORT, "support", at=deskbot.clock.now())
    await change(deskbot, 115, actor="maria@example.com", status="Open")
    mapped = (await settle(deskbot))[-1]
    assert mapped["target"] == "support" and re.search(r"\(\d\d:\d\d JST\)", seen(mapped))


# --- item 3: each notification says what changed, by whom, from what to what ------------------


async def test_a_comment_and_a_mention_show_the_comment_with_names(deskbot: Deskbot) -> None:
    await installed(deskbot)
    kenji = await deskbot.parts.directory.by_email("kenji@example.com")
    assert kenji is not None
    content = f"zsu[@user:{kenji.zuid}]zsu could you call the customer?\nThey are in Osaka."
    await comment(deskbot, 115, actor="maria@example.com", content=content)
    posts = await settle(deskbot)
    said = "@Kenji Watanabe could you call the customer? They are in Osaka."
    for who, expected in (  # Kenji's Desk profile is Japanese (ja_JP); the comment stays as is
        ("agent@example.com", f"Private comment: “{said}”"),
        ("kenji@example.com", f"非公開コメント:「{said}」"),
    ):
        [dm] = to(posts, who)
        assert expected in seen(dm) and "zsu[" not in seen(dm)
    await comment(deskbot, 115, actor="maria@example.com", content="Done.", public=True)
    [public] = to(await settle(deskbot), "agent@example.com")[-1:]
    assert "Public comment: “Done.”" in seen(public)


async def test_an_owner_change_says_from_whom_to_whom_and_tells_the_previous_owner(
    deskbot: Deskbot,
) -> None:
    await installed(deskbot)
    await change(deskbot, 115, actor="maria@example.com", assignee="kenji@example.com")
    posts = await settle(deskbot)
    assert sorted(m["target"] for m in posts) == ["agent@example.com", "kenji@example.com"]
    [aiko] = to(posts, "agent@example.com")
    [kenji] = to(posts, "kenji@example.com")  # his Desk profile is Japanese (ja_JP)
    assert "*Owner changed* by Maria Garcia" in seen(aiko)
    assert "Owner: Aiko Tanaka → Kenji Watanabe" in seen(aiko)
    assert "*担当者の更新*(操作: Maria Garcia)" in seen(kenji)
    assert "担当者: Aiko Tanaka → Kenji Watanabe" in seen(kenji)


async def test_a_team_change_names_the_teams(deskbot: Deskbot) -> None:
    await installed(deskbot)
    [tier1, tier2] = await deskbot.parts.desk.teams(SUPPORT)
    await change(deskbot, 115, actor="maria@example.com", teamId=tier1.id)
    await settle(deskbot)
    await change(deskbot, 115, actor="maria@example.com", teamId=tier2.id)
    [first, second] = to(await settle(deskbot), "agent@example.com")
    assert f"Team: none → {tier1.name}" in seen(first)
    assert f"Team: {tier1.name} → {tier2.name}" in seen(second)


async def test_a_department_change_says_from_where_to_where(deskbot: Deskbot) -> None:
    await installed(deskbot)
    await change(deskbot, 115, actor="maria@example.com", departmentId=BILLING)
    [dm] = await settle(deskbot)
    assert "Department: Support → Billing" in seen(dm)


async def test_a_new_task_names_its_subject_and_due_time(deskbot: Deskbot) -> None:
    await installed(deskbot)
    await deskbot.chat("agent").command("ticket", "115")  # Aiko reads Tokyo time
    task = {"actor": "maria@example.com", "subject": "Call back", "owner": "agent@example.com"}
    await desk_post(
        deskbot, "/sandbox/tickets/115/tasks", {**task, "dueDate": "2026-03-02T03:00:00Z"}
    )
    await desk_post(deskbot, "/sandbox/tickets/115/tasks", {**task, "subject": "Send the part"})
    first, second = to(await settle(deskbot), "agent@example.com")
    assert "*Activity created* by Maria Garcia" in seen(first)
    assert "Task: Call back · due in 2 h (12:00 JST)" in seen(first)
    assert "Task: Send the part · no due date" in seen(second)


async def test_an_unassigned_ticket_offers_assign_to_me(deskbot: Deskbot) -> None:
    await installed(deskbot)
    await desk_post(deskbot, "/sandbox/tickets", {"subject": "Badge reader offline"})
    await change(deskbot, 115, actor="maria@example.com", assignee=None)
    posts = await settle(deskbot)
    created = next(m for m in posts if "Ticket created" in seen(m))
    assert created["target"] == "desk"
    assert [b["label"] for b in created["body"]["buttons"]][-1] == "Assign to me"
    [unassigned] = to(posts, "agent@example.com")  # the previous owner, told it left them
    assert "Owner: Aiko Tanaka → Unassigned" in seen(unassigned)
    assert "Assign to me" in [b["label"] for b in unassigned["body"]["buttons"]]


async def test_a_light_agent_is_offered_only_what_they_may_do(deskbot: Deskbot) -> None:
    await installed(deskbot)
    await change(deskbot, 115, actor="maria@example.com", assignee="light@example.com")
    await settle(deskbot)
    await change(deskbot, 115, actor="maria@example.com", status="On Hold")
    [dm] = to(await settle(deskbot), "light@example.com")[-1:]
    assert [b["label"] for b in dm["body"]["buttons"]] == ["Comment"]


@pytest.mark.parametrize("status", ["Closed", "Resolved"])
@pytest.mark.parametrize("due", ["2026-03-01T01:00:00Z", "2026-03-09T01:00:00Z"])
async def test_a_closed_ticket_never_says_it_was_due(
    deskbot: Deskbot, status: str, due: str
) -> None:
    await installed(deskbot)
    await change(deskbot, 115, actor="maria@example.com", dueDate=due)
    await settle(deskbot)
    await change(deskbot, 115, actor="maria@example.com", status=status)
    closed = to(await settle(deskbot), "agent@example.com")[-1]
    assert "Ticket closed" in seen(closed)
    assert "was due" not in seen(closed) and "overdue" not in seen(closed)
    assert re.search(r"closed \d\d:\d\d UTC", seen(closed)), seen(closed)


async def test_a_change_right_after_another_is_not_lost(deskbot: Deskbot) -> None:
    """The due date changed, then the ticket was closed, before the first event was worked on:
    re-read, Desk already says Closed. The first event speaks only of the due date, so it must
    not make "Closed" the known state, or the close would announce no change at all."""
    await installed(deskbot)
    await change(deskbot, 115, actor="maria@example.com", dueDate="2026-03-09T01:00:00Z")
    await change(deskbot, 115, actor="maria@example.com", status="Closed")
    [closed] = to(await settle(deskbot), "agent@example.com")
    assert "Ticket closed" in seen(closed) and "Status: Open → Closed" in seen(closed)


# --- item 4: no notification to the person who acted, for derived notices too -----------------


async def test_escalating_ones_own_ticket_from_a_card_sends_them_nothing(deskbot: Deskbot) -> None:
    """The reported case: the blueprint step now waiting on the agent was DMed to them."""
    await installed(deskbot)
    await deskbot.connect("agent@example.com")
    chat = deskbot.chat("agent")
    await chat.command("ticket", "115")
    await chat.click("Status")
    edited = await chat.submit({"status": "Escalated"})
    assert edited.kind == "message_edit", edited.body
    assert await settle(deskbot) == []
    await change(deskbot, 115, actor="maria@example.com", status="Open")
    await settle(deskbot)
    await change(deskbot, 115, actor="maria@example.com", status="Escalated")
    told = to(await settle(deskbot), "agent@example.com")
    assert any("Blueprint step waiting" in seen(m) for m in told)  # by someone else: told


async def test_nobody_is_told_of_what_they_did_themselves(deskbot: Deskbot) -> None:
    """Each path a derived notice takes, with the agent acting: a mention of themselves on their
    own ticket, a task they give themselves, taking a ticket (only the previous owner hears of
    it), giving their ticket away (only the new owner does)."""
    await installed(deskbot)
    me = await deskbot.parts.directory.by_email("agent@example.com")
    assert me is not None
    await comment(deskbot, 115, actor="agent@example.com", content=f"zsu[@user:{me.zuid}]zsu note")
    mine = {"actor": "agent@example.com", "subject": "Call back", "owner": "agent@example.com"}
    await desk_post(deskbot, "/sandbox/tickets/115/tasks", mine)
    assert await settle(deskbot) == []
    await change(deskbot, 115, actor="maria@example.com", assignee="maria@example.com")
    [taken] = await settle(deskbot)
    assert taken["target"] == "agent@example.com"
    await change(deskbot, 115, actor="maria@example.com", assignee="kenji@example.com")
    [given] = (await settle(deskbot))[1:]
    assert given["target"] == "kenji@example.com"
