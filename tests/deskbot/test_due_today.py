"""Due Today / 今日が期限 means the open tickets (not in a Closed status) due today in the
reader's time zone; Overdue the open tickets past due (a support agent's words, SPEC D7)."""

from __future__ import annotations

import pytest

from tests.deskbot.conftest import Deskbot

# the clock: 2026-03-02T01:00Z, 10:00 on 2 March in Tokyo (the test chats' zone): Tokyo's
# today is 2026-03-01T15:00Z to 2026-03-02T15:00Z


async def no_seeded_due_dates(deskbot: Deskbot) -> None:
    """The seeded tickets out of the way: only this test's tickets have a due date."""
    await deskbot.parts.sandboxes.desk.db.execute("UPDATE sd_tickets SET due = NULL")


async def ticket(deskbot: Deskbot, subject: str, due: str, status: str = "Open") -> str:
    desk = deskbot.parts.sandboxes.desk
    actor = desk.agents[1]
    made = await desk.create_ticket({"subject": subject, "dueDate": due}, actor)
    if status != "Open":
        await desk.change_ticket(made["id"], {"status": status}, actor)
    return f"#{made['ticketNumber']}"


@pytest.mark.parametrize("said", ["Due Today", "今日が期限"])
async def test_due_today_is_the_readers_day_and_open_tickets_only(
    deskbot: Deskbot, said: str
) -> None:
    await no_seeded_due_dates(deskbot)
    tomorrow_in_tokyo = await ticket(deskbot, "Due early tomorrow", "2026-03-02T20:00:00.000Z")
    closed = await ticket(deskbot, "Closed today", "2026-03-02T05:00:00.000Z", "Closed")
    early_today = await ticket(deskbot, "Due at 05:00 Tokyo", "2026-03-01T20:00:00.000Z")
    on_hold = await ticket(deskbot, "On hold, due 15:00", "2026-03-02T06:00:00.000Z", "On Hold")
    deskbot.clock.advance(minutes=3)  # Desk's search index lags new tickets (zoho-contract.md)
    answer = await deskbot.chat().say(said)
    shown = answer.all_text()
    assert early_today in shown and on_hold in shown, shown  # UTC's yesterday, Tokyo's today
    assert tomorrow_in_tokyo not in shown and closed not in shown, shown


async def test_overdue_lists_no_closed_ticket(deskbot: Deskbot) -> None:
    await no_seeded_due_dates(deskbot)
    closed = await ticket(deskbot, "Closed late", "2026-03-01T00:00:00.000Z", "Closed")
    late = await ticket(deskbot, "Still late", "2026-03-01T00:00:00.000Z")
    shown = (await deskbot.chat().say("Overdue Tickets")).all_text()
    assert late in shown and closed not in shown
