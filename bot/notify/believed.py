"""An event as Desk's own data says it happened (issue 10 item 8).

Desk's webhook JWT does not cover the body, so a ticket event is re-read and judged against the
ticket as Desk shows it now: the current values come from Desk, the values before from the last
state the notifier knows (or, the first time it sees a ticket, from the event's `prevState`).
A body announcing a change Desk never made ("closed" while Desk says Open) then means nothing.

What remains: the first event the notifier sees for a ticket takes its "before" values from the
body, so a forged first body can still claim where a ticket came from (not where it is).
"""

from __future__ import annotations

from typing import Any

from bot.desk.events import DeskEvent
from bot.desk.tickets import Ticket

TRACKED = ("status", "statusType", "assigneeId", "teamId", "departmentId", "isEscalated")
"""The fields `bot/notify/classify.py` compares, by their wire names."""


def ticket_state(ticket: Ticket) -> dict[str, Any]:
    """The compared fields of a ticket as Desk shows it, keyed by wire name."""
    return {
        "status": ticket.status,
        "statusType": ticket.status_type,
        "assigneeId": ticket.assignee_id,
        "teamId": ticket.team_id,
        "departmentId": ticket.department_id,
        "isEscalated": bool(ticket.is_escalated),
    }


def believed(event: DeskEvent, current: dict[str, Any], known: dict[str, Any] | None) -> DeskEvent:
    """`event` with its payload's compared fields replaced by Desk's `current` values and its
    `prevState` by the `known` state of each field known, or, for a field not known yet, by the
    event's own `prevState` if it names it. Other events than Ticket_Update only get Desk's
    current values."""
    payload = {**event.payload, **current}
    if event.event_type != "Ticket_Update":
        return event.model_copy(update={"payload": payload})
    known, claimed = known or {}, event.prev_state or {}
    before = {
        key: known[key] if key in known else claimed[key]
        for key in TRACKED
        if key in known or key in claimed
    }
    return event.model_copy(update={"payload": payload, "prev_state": before})


def now_known(
    event: DeskEvent, current: dict[str, Any], known: dict[str, Any] | None
) -> dict[str, Any]:
    """What is known of a ticket once `event` (as `believed` returns it) is worked on: the fields
    it accounted for (those with a value before) at Desk's `current` value, the rest as known.

    A field the event did not speak of keeps its last known value (or stays unknown), so a
    change Desk made after this event (a status changed right after the due date) is still
    seen as a change by the event that announces it."""
    accounted = event.prev_state or {}
    return {**(known or {}), **{key: current[key] for key in TRACKED if key in accounted}}
