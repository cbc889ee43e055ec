"""Webhooks: the subscription object (desk.md §5.2) and the events Desk delivers (§5.4)."""

from __future__ import annotations

from typing import Any

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from bot.desk.conversation import Comment
from bot.desk.tickets import Ticket
from bot.desk.wire import (
    DeskId,
    DeskModel,
    DeskTime,
    EpochMsTime,
    Map,
    format_epoch_ms,
    ticket_id_in,
)


class Webhook(DeskModel):
    """A webhook; its `id` is the `aud` (`webhookId:<id>`) of the JWTs it delivers."""

    id: DeskId
    name: str | None = None
    url: str | None = None
    description: str | None = None
    subscriptions: Map[dict[str, Any] | None] = Field(default_factory=dict)
    is_enabled: bool | None = None
    type: str | None = None
    include_events_from: list[str] | None = None
    ignore_source_id: str | None = None
    created_by: DeskId | None = None
    created_time: DeskTime | None = None
    modified_by: DeskId | None = None
    modified_time: DeskTime | None = None


class DeskEvent(DeskModel):
    """One element of a delivery's JSON array.

    `payload` is the resource's current state and `prevState` (only on `*_Update` events
    subscribed with `includePrevState`) the changed keys before. The JWT does not cover the
    body, so act on a re-read ticket rather than on `payload` alone.
    """

    event_type: str
    event_time: EpochMsTime
    org_id: DeskId
    payload: dict[str, Any] = Field(default_factory=dict)
    prev_state: dict[str, Any] | None = None

    @model_validator(mode="after")
    def _names_its_record(self) -> DeskEvent:
        """An event names the record it is about (`payload.id`: part of the dedupe key, desk.md
        §5.4), and a comment event its ticket (`ticketId` or `ticket.id`): the notifier judges
        an event against Desk's own record, never the body alone (the JWT does not sign it), so
        one that does not say which record is refused (a validation error naming the field)."""
        value = self.payload.get("id")
        if isinstance(value, bool) or not isinstance(value, str | int) or str(value).strip() == "":
            raise _unnamed("payload.id: the event does not say which record it is about")
        if self.module.startswith("Ticket_Comment"):
            try:
                ticket = ticket_id_in(self.payload)
            except ValueError as exc:
                raise _unnamed(f"payload.ticketId: {exc}") from None
            if ticket is None:
                raise _unnamed("payload.ticketId: a comment event says which ticket it is on")
        return self

    @property
    def resource_id(self) -> str | None:
        value = self.payload.get("id")
        return None if value is None else str(value)

    @property
    def dedupe_key(self) -> str:
        """Deliveries are at-least-once with no delivery id: (type, resource id, time)."""
        return f"{self.event_type}:{self.resource_id}:{format_epoch_ms(self.event_time)}"

    @property
    def module(self) -> str:
        """`Ticket`, `Ticket_Comment`, `Task`…: the event type without `_Add`/`_Update`/…"""
        return self.event_type.rsplit("_", 1)[0]

    def ticket(self) -> Ticket:
        """The payload as a ticket (Ticket_Add / Ticket_Update / Ticket_Delete)."""
        return Ticket.model_validate(self.payload)

    def comment(self) -> Comment:
        """The payload as a comment (Ticket_Comment_Add / _Update)."""
        return Comment.model_validate(self.payload)

    def changed(self) -> set[str]:
        """The keys of `prevState` whose value differs from the current `payload`."""
        if not self.prev_state:
            return set()
        return {k for k, v in self.prev_state.items() if self.payload.get(k) != v}


def _unnamed(reason: str) -> PydanticCustomError:
    """A DeskEvent validation error whose text names the field it is about."""
    return PydanticCustomError("unnamed_record", reason)
