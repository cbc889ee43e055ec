"""What the chat layer shows of attendance right now: an agent's state, a change, the board."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from attendance.machine import is_checked_in
from attendance.models import Event, Status


@dataclass(frozen=True, slots=True)
class AgentState:
    """Where an agent is now (SPEC A5), with the moves to offer as buttons."""

    email: str
    name: str
    status: Status  # Check Out for an agent who never checked in
    since: datetime | None  # when the current status began (None: never checked in)
    session_started: datetime | None  # the check-in of the open session
    auto_check_out_at: datetime | None  # when the 24-hour rule will check them out
    worked_today: timedelta  # Online time since local midnight in the zone asked for
    allowed: list[Status] = field(default_factory=list)

    @property
    def checked_in(self) -> bool:
        return is_checked_in(self.status.id)


@dataclass(frozen=True, slots=True)
class Change:
    """A stored status change and the state it led to."""

    event: Event
    state: AgentState


@dataclass(frozen=True, slots=True)
class BoardColumn:
    status: Status
    agents: list[AgentState]


@dataclass(frozen=True, slots=True)
class Board:
    """Every agent's current status, grouped in columns by status (SPEC A6)."""

    columns: list[BoardColumn]
