"""Counts and happiness ratings: the numbers behind dashboards and digests (desk.md §3.5-3.6)."""

from __future__ import annotations

from bot.desk.people import AgentRef, Contact
from bot.desk.wire import Count, DeskId, DeskModel, DeskTime, Number


class TicketCount(DeskModel):
    """`/ticketsCount` → `{"count": 200}` (the count may arrive as a string)."""

    count: Number


class FieldValueCount(DeskModel):
    """One value's count; `value` is null for tickets without one (TicketCount.json:
    `["string", "null"]` for status, priority and channel)."""

    value: str | None = None
    count: Count


class TicketsCountByFieldValues(DeskModel):
    """`/ticketsCountByFieldValues?field=…`: lists per value, plain numbers for the flags.

    Values come in Desk's own case (`OPEN`, `open`): `count_of` compares case-insensitively
    and ignores spaces, so `count_of("statusType", "On Hold")` finds `ONHOLD`.
    """

    status_type: list[FieldValueCount] | None = None
    status: list[FieldValueCount] | None = None
    priority: list[FieldValueCount] | None = None
    channel: list[FieldValueCount] | None = None
    over_due: Number | None = None
    escalated: Number | None = None
    spam: Number | None = None

    def count_of(self, field: str, value: str) -> int:
        """The count for one value of a listed field (`statusType`, `status`, …); 0 if absent."""
        attribute = {
            "statusType": "status_type",
            "status_type": "status_type",
            "status": "status",
            "priority": "priority",
            "channel": "channel",
        }.get(field)
        if attribute is None:
            raise ValueError(f"{field!r} is not a per-value field")
        wanted = _key(value)
        rows: list[FieldValueCount] = getattr(self, attribute) or []
        return sum(row.count for row in rows if row.value is not None and _key(row.value) == wanted)


def _key(value: str) -> str:
    return "".join(value.split()).casefold()


class TicketRef(DeskModel):
    id: DeskId
    ticket_number: DeskId | None = None
    subject: str | None = None


class HappinessRating(DeskModel):
    """A customer happiness (CSAT) rating from `/customerHappiness`.

    Beyond `id`, `rating` (`GOOD`/`OK`/`BAD`) and `ratedTime` the shape is unverified
    (desk.md §9.6), so everything else is optional.
    """

    id: DeskId
    rating: str
    rated_time: DeskTime | None = None
    feedback: str | None = None
    ticket_id: DeskId | None = None
    ticket: TicketRef | None = None
    agent_id: DeskId | None = None
    agent: AgentRef | None = None
    contact_id: DeskId | None = None
    contact: Contact | None = None
    department_id: DeskId | None = None

    @property
    def of_ticket(self) -> str | None:
        """The rated ticket's id: `ticketId`, or the nested `ticket.id` (the record's shape is
        unpublished, desk.md §9.6)."""
        return self.ticket_id or (self.ticket.id if self.ticket else None)

    @property
    def level(self) -> str:
        """`GOOD`, `OK` or `BAD`, whatever case Desk used."""
        return self.rating.upper()
