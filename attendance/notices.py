"""What an agent must be told about their own attendance that they did not do themselves: an
admin moved them (checked them out, SPEC A6), or the 24-hour rule checked them out (SPEC A3).

The log hands each such event to a `NoticeSink` inside the transaction that stores the event, so
the chat layer can queue its message in the same transaction: the message is stored if and only
if the event is (never lost), and keyed by the event (never doubled). After the transaction
commits, the sink's `committed()` is called (e.g. to wake whatever delivers the messages).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from attendance.models import EventKind


@dataclass(frozen=True, slots=True)
class Notice:
    """One event to tell `agent` about.

    `status_id`, `status_name`: the status the event put the agent in (`status_default`: a
    default under its default name, shown in the reader's language). `kind` is ADMIN (an admin's move, `actor` their e-mail and `actor_name` their name if
    known) or AUTOMATIC (the 24-hour rule, `session_started` the check-in it closed). `zone` is
    the agent's own time zone as last seen on one of their moves ("" if never seen). `key` is
    unique to the event, for an outbox's dedupe key."""

    event_id: int
    agent: str
    agent_name: str
    kind: EventKind
    status_id: int
    status_name: str
    at: datetime
    actor: str
    actor_name: str
    zone: str
    session_started: datetime | None = None
    status_default: bool = False

    @property
    def key(self) -> str:
        """Unique to the event, even across a purge that reuses event ids."""
        return f"attendance:{self.agent}:{self.event_id}:{int(self.at.timestamp() * 1000)}"


class NoticeSink(Protocol):
    async def record(self, tx: Any, notice: Notice) -> None:
        """Store what to tell, inside `tx` (the transaction storing the event); no network."""

    def committed(self) -> None:
        """The transactions that recorded notices have committed."""


NOTIFIED = frozenset({EventKind.ADMIN, EventKind.AUTOMATIC})
"""The kinds of event the agent is told about."""
