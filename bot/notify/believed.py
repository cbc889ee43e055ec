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
    `prevState` by the `known` state (all compared fields), or, with none known, by the event's
    own `prevState` for the fields it names. Other events than Ticket_Update only get Desk's
    current values."""
    payload = {**event.payload, **current}
    if event.event_type != "Ticket_Update":
        return event.model_copy(update={"payload": payload})
    if known is not None:
        before = {key: known.get(key) for key in TRACKED}
    else:
        claimed = event.prev_state or {}
        before = {key: claimed[key] for key in TRACKED if key in claimed}
    return event.model_copy(update={"payload": payload, "prev_state": before})
