"""A settings change never replays the past (issue 11 item 6): remapping departments, switching
DMs or kinds off and on, choosing a place's language re-sends no due-soon reminder, task
reminder or digest already sent."""

from __future__ import annotations

from datetime import timedelta

from bot.desk.wire import format_time
from bot.sandbox.desk.seed import DEPARTMENTS
from tests.deskbot.conftest import Deskbot
from tests.deskbot.test_notifications import installed


async def many_due_soon(deskbot: Deskbot, per_department: int = 6) -> None:
    """Make open tickets of every department due within the hour (the seed itself brings only
    a few at once), before install, so no events fire."""
    sandbox = deskbot.parts.sandboxes
    assert sandbox is not None
    for n, (department, _) in enumerate(DEPARTMENTS):
        tickets = await sandbox.desk.find(
            [("status_type != ?", "Closed"), ("department_id = ?", department)],
            limit=per_department,
        )
        for k, ticket in enumerate(tickets):
            due = deskbot.clock.now() + timedelta(minutes=20 + 5 * k + n)
            async with deskbot.client.session.patch(
                f"{sandbox.urls['desk']}/sandbox/tickets/{ticket['ticketNumber']}",
                json={"actor": "admin@example.com", "dueDate": format_time(due)},
            ) as response:
                assert response.status == 200, await response.text()


async def queued_keys(deskbot: Deskbot) -> list[str]:
    rows = await deskbot.parts.db.fetchall("SELECT dedupe_key FROM outbox ORDER BY id")
    return [r["dedupe_key"] for r in rows]


async def test_remapping_and_switching_sends_nothing_already_sent(deskbot: Deskbot) -> None:
    await many_due_soon(deskbot)
    await installed(deskbot)
    scheduler = deskbot.parts.scheduler
    assert await scheduler.due_soon() >= 16  # many reminders, in every department
    assert await scheduler.reminders() > 0
    before = await queued_keys(deskbot)
    admin = deskbot.chat("admin")
    for change in (
        "map Support support create",
        'map "Japan Support" support-jp create',
        "map Billing billing create",
        "map Support support-jp",  # moved again
        "notify due_1h off dm",  # owner DMs of these now go to the channel
        "notify due_30m off dm",
        "notify activity_reminder off dm",
        "notify due_1h off",
        "notify due_1h on",  # off and on again
        "unmap Billing",
        "unmap Japan Support disable",
        "map Japan Support support-jp",
        "language Support ja",  # a place's language changes what comes, not what came
        "language Japan Support ja",
        "language Support default",
    ):
        answer = await admin.command("deskbot", change)
        assert answer.kind in ("banner", "message") and "Usage" not in answer.text, change
        assert await scheduler.due_soon() == 0, change
        assert await scheduler.reminders() == 0, change
        assert await scheduler.digests() == 0, change
    assert await queued_keys(deskbot) == before
    # what becomes due later is still reminded, where the settings now say
    deskbot.clock.advance(minutes=20)
    assert await scheduler.due_soon() > 0
    new = (await queued_keys(deskbot))[len(before) :]
    assert new and not set(new) & set(before)
