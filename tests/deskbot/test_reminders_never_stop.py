"""Reminders never stop for good (issue 11 item 10): one task, ticket or rating the bot cannot
read or Desk will not give is logged once and skipped; everything else is still reminded."""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from typing import Any

import pytest

from bot.desk.wire import format_time
from tests.deskbot.conftest import Deskbot
from tests.deskbot.test_notifications import installed, settle

SUPPORT = "5000000000001"
GONE_TICKET = "1166045999999999999"


def task(deskbot: Deskbot, task_id: str, **fields: Any) -> dict[str, Any]:
    """A task as Desk lists it, due in 10 minutes, on ticket 115 unless said otherwise."""
    now = deskbot.clock.now()
    sandbox = deskbot.parts.sandboxes
    assert sandbox is not None
    ticket = sandbox.desk.tasks[0]["ticketId"]
    return {
        "id": task_id,
        "subject": f"Task {task_id}",
        "status": "Not Started",
        "statusType": "Open",
        "dueDate": format_time(now + timedelta(minutes=10)),
        "ownerId": "6000000001001",
        "ticketId": ticket,
        "departmentId": SUPPORT,
        "createdTime": format_time(now),
        "modifiedTime": format_time(now),
        **fields,
    }


def due_soon(deskbot: Deskbot) -> set[str]:
    """The sandbox's open tasks (on a ticket) due in the reminders' next 15 minutes."""
    sandbox = deskbot.parts.sandboxes
    assert sandbox is not None
    now = deskbot.clock.now()
    return {
        t["id"]
        for t in sandbox.desk.tasks
        if isinstance(t.get("dueDate"), str)
        and t.get("ticketId")
        and t.get("statusType") != "Closed"
        and format_time(now) < t["dueDate"] <= format_time(now + timedelta(minutes=15))
    }


async def reminded(deskbot: Deskbot) -> set[str]:
    rows = await deskbot.parts.db.fetchall(
        "SELECT dedupe_key FROM outbox WHERE dedupe_key LIKE 'reminder:%'"
    )
    return {r["dedupe_key"].split(":")[1] for r in rows}


UNREADABLE = [
    ("a due date that is no time", {"dueDate": "tomorrow"}),
    ("a due date of the wrong type", {"dueDate": {"date": "2026-03-02"}}),
    ("an id that is a boolean", {"id": True}),
    ("no id at all", {"id": None}),
    ("a modified time that is no time", {"modifiedTime": "yesterday-ish"}),
]


async def test_unreadable_tasks_and_refused_tickets_never_stop_the_others(
    deskbot: Deskbot, caplog: pytest.LogCaptureFixture
) -> None:
    await installed(deskbot)
    sandbox = deskbot.parts.sandboxes
    assert sandbox is not None
    for n, (_, fields) in enumerate(UNREADABLE):
        sandbox.desk.tasks.append(task(deskbot, f"90000000000000{n}", **fields))
    sandbox.desk.tasks.append(task(deskbot, "900000000000100", ticketId=GONE_TICKET))  # 404
    forbidden = task(deskbot, "900000000000101", ticketId=sandbox.desk.tasks[5]["ticketId"])
    sandbox.desk.tasks.append(forbidden)
    sandbox.desk.tasks.append(task(deskbot, "900000000000102"))  # a good one among them
    for n in range(103, 107):  # and more (the seed has few due at once: a trickle)
        sandbox.desk.tasks.append(task(deskbot, f"900000000000{n}"))
    sandbox.desk.fail(403, "FORBIDDEN", count=50, path=f"/tickets/{forbidden['ticketId']}")
    sandbox.desk.fail(422, "INVALID_DATA", count=1, path="/tasks")  # one department's list
    wanted = due_soon(deskbot) - {"900000000000100", "900000000000101"}
    wanted -= {t["id"] for t in sandbox.desk.tasks if t["ticketId"] == forbidden["ticketId"]}
    wanted = {w for w in wanted if isinstance(w, str) and not w.startswith("90000000000000")}
    assert "900000000000102" in wanted and len(wanted) >= 5
    scheduler = deskbot.parts.scheduler
    with caplog.at_level(logging.WARNING):
        for _ in range(3):  # every round goes on; each skip is logged once
            await scheduler.run_once()
    assert wanted <= await reminded(deskbot)
    skipped = [r.getMessage() for r in caplog.records if "skipped" in r.getMessage()]
    assert len(skipped) == len(skipped and set(skipped)), skipped  # each once
    assert any("tomorrow" in line for line in skipped)
    assert any("900000000000100" in line for line in skipped)
    assert any("900000000000101" in line for line in skipped)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    [row] = await deskbot.parts.db.fetchall(
        "SELECT payload FROM outbox WHERE dedupe_key LIKE 'reminder:900000000000102:%'"
    )
    assert "Task: Task 900000000000102" in row["payload"]


async def test_a_task_without_a_due_date_never_stops_reminders(deskbot: Deskbot) -> None:
    """The issue's case, through Desk's own door: tasks created without a due date (optional
    in Desk), before and after the ones that are due, and reminders carry on."""
    await installed(deskbot)
    sandbox = deskbot.parts.sandboxes
    assert sandbox is not None
    base = sandbox.urls["desk"]
    due = format_time(deskbot.clock.now() + timedelta(minutes=12))
    made = []
    for body in (
        {"subject": "No date"},
        {"subject": "Due soon", "dueDate": due},
        {"subject": "Null date", "dueDate": None},
    ):
        async with deskbot.client.session.post(
            f"{base}/sandbox/tickets/115/tasks", json={"actor": "admin@example.com", **body}
        ) as response:
            assert response.status == 201
            made.append((await response.json())["id"])
    await settle(deskbot)
    for _ in range(2):
        await deskbot.parts.scheduler.reminders()
    assert due_soon(deskbot) <= await reminded(deskbot)
    assert made[1] in await reminded(deskbot)
    # later tasks keep being reminded: the poll was never stuck
    deskbot.clock.advance(minutes=5)
    async with deskbot.client.session.post(
        f"{base}/sandbox/tickets/115/tasks",
        json={
            "actor": "admin@example.com",
            "subject": "Later",
            "dueDate": format_time(deskbot.clock.now() + timedelta(minutes=5)),
        },
    ) as response:
        later = (await response.json())["id"]
    await deskbot.parts.scheduler.reminders()
    assert later in await reminded(deskbot)


async def test_a_rating_whose_ticket_is_gone_never_stops_ratings(deskbot: Deskbot) -> None:
    """A rating Desk lists for a ticket it will no longer give (deleted: 404; not allowed:
    403) is skipped, and the ratings after it still reach their owners."""
    await installed(deskbot)
    scheduler = deskbot.parts.scheduler
    assert await scheduler.ratings() == 0
    sandbox = deskbot.parts.sandboxes
    assert sandbox is not None
    base = sandbox.urls["desk"]
    deskbot.clock.advance(minutes=1)
    for number in (115, 116, 117):
        async with deskbot.client.session.post(
            f"{base}/sandbox/tickets/{number}/rating", json={"rating": "good"}
        ) as response:
            assert response.status == 201
    gone = await deskbot.parts.desk.ticket_by_number(116)
    assert gone is not None
    sandbox.desk.fail(404, "URL_NOT_FOUND", count=50, path=f"/tickets/{gone.id}")
    deskbot.clock.advance(minutes=1)
    await scheduler.run_once()
    rows = await deskbot.parts.db.fetchall(
        "SELECT dedupe_key FROM outbox WHERE dedupe_key LIKE 'rating:%'"
    )
    assert len(rows) >= 1  # the others were told
    deskbot.clock.advance(minutes=1)
    async with deskbot.client.session.post(
        f"{base}/sandbox/tickets/118/rating", json={"rating": "bad"}
    ) as response:
        assert response.status == 201
    deskbot.clock.advance(minutes=1)
    await scheduler.run_once()
    after = await deskbot.parts.db.fetchall(
        "SELECT dedupe_key FROM outbox WHERE dedupe_key LIKE 'rating:%'"
    )
    assert len(after) == len(rows) + 1  # and ratings did not stop


async def test_an_unreadable_ticket_never_stops_due_soon_reminders(
    deskbot: Deskbot, caplog: pytest.LogCaptureFixture
) -> None:
    """Tickets due within the hour, one of them with fields the bot cannot read (as if Desk
    sent a shape its documents do not allow): the others are reminded, the one is logged once."""
    await installed(deskbot)
    sandbox = deskbot.parts.sandboxes
    assert sandbox is not None
    db = sandbox.desk.db
    now = deskbot.clock.now()
    rows = await db.fetchall(
        "SELECT id, doc FROM sd_tickets WHERE status_type != 'Closed' AND due > ? AND due <= ?"
        " ORDER BY due",
        (format_time(now), format_time(now + timedelta(hours=1))),
    )
    assert len(rows) >= 4
    broken = {rows[0]["id"]: {"createdTime": "a while ago"}, rows[2]["id"]: {"id": True}}
    for ticket_id, fields in broken.items():
        doc = {**json.loads(next(r["doc"] for r in rows if r["id"] == ticket_id)), **fields}
        await db.execute("UPDATE sd_tickets SET doc = ? WHERE id = ?", (json.dumps(doc), ticket_id))
    with caplog.at_level(logging.WARNING):
        first = await deskbot.parts.scheduler.due_soon()
        assert await deskbot.parts.scheduler.due_soon() == 0
    assert first >= len(rows) - len(broken)
    keys = {k.split(":")[1] for k in await _keys(deskbot, "due_%")}
    assert {r["id"] for r in rows} - set(broken) <= keys
    skipped = [r.getMessage() for r in caplog.records if "skipped" in r.getMessage()]
    assert len(skipped) == len(broken), skipped
    assert any("a while ago" in line for line in skipped)


async def _keys(deskbot: Deskbot, like: str) -> list[str]:
    rows = await deskbot.parts.db.fetchall(
        "SELECT dedupe_key FROM outbox WHERE dedupe_key LIKE ?", (like,)
    )
    return [r["dedupe_key"] for r in rows]
