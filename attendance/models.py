"""Value types shared across the attendance domain: status definitions and logged events."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum


class StatusType(StrEnum):
    """Online statuses accrue worked time; Offline ones stop the timer (SPEC A2)."""

    ONLINE = "online"
    OFFLINE = "offline"


class EventKind(StrEnum):
    NORMAL = "normal"  # the agent's own move
    AUTOMATIC = "automatic"  # the 24-hour check-out, actor "system"
    ADMIN = "admin"  # an admin acting on the agent's behalf
    CORRECTION = "correction"  # a back-dated fix with its reason


# The four defaults have fixed ids, so the machine and reports can name them without a lookup
# and they survive renaming. Custom statuses get ids after these.
CHECK_IN = 1
CHECK_OUT = 2
MEAL_BREAK = 3
SHORT_BREAK = 4

SYSTEM_ACTOR = "system"
AUTO_CHECKOUT_AFTER = timedelta(hours=24)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Status:
    id: int
    name: str
    type: StatusType
    builtin: bool  # one of the four defaults
    deleted: bool = False
    renamed: bool = False  # a default an admin renamed: its name is shown as written

    @property
    def default_name(self) -> bool:
        """A default status still under its default name: shown in the reader's language
        (`name` holds the English one); any other name is shown exactly as written."""
        return self.builtin and not self.renamed

    @property
    def online(self) -> bool:
        return self.type is StatusType.ONLINE

    @property
    def deletable(self) -> bool:
        return self.id not in (CHECK_IN, CHECK_OUT)

    @property
    def retypable(self) -> bool:
        return self.id not in (CHECK_IN, CHECK_OUT)


@dataclass(frozen=True, slots=True)
class Event:
    """One row of the append-only log. `online` is the status type when the event was made, so
    retyping a status later does not rewrite past worked time."""

    id: int
    agent: str
    status_id: int
    at: datetime
    actor: str
    kind: EventKind
    reason: str
    online: bool


def to_ms(when: datetime) -> int:
    """Epoch milliseconds of an aware datetime (exact integer arithmetic)."""
    if when.tzinfo is None:
        raise ValueError("attendance times must be timezone-aware")
    return (when - EPOCH) // timedelta(milliseconds=1)


def from_ms(ms: int) -> datetime:
    return EPOCH + timedelta(milliseconds=ms)


def agent_key(email: str) -> str:
    """Agents are keyed by e-mail, compared case-insensitively."""
    key = email.strip().lower()
    if not key or "@" not in key:
        raise ValueError(f"not an agent e-mail: {email!r}")
    return key
