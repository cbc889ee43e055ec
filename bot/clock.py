"""The one clock: every component that needs "now" takes a Clock, so tests can freeze time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware, in UTC."""
        ...


class SystemClock:
    """Wall-clock time."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FrozenClock:
    """A clock that moves only when told to: deterministic tests without sleeps."""

    def __init__(self, start: datetime | str = "2026-01-05T09:00:00+00:00") -> None:
        self._now = _aware(datetime.fromisoformat(start) if isinstance(start, str) else start)

    def now(self) -> datetime:
        return self._now

    def set(self, when: datetime | str) -> None:
        self._now = _aware(datetime.fromisoformat(when) if isinstance(when, str) else when)

    def advance(self, delta: timedelta | None = None, **kwargs: float) -> datetime:
        """Move forward by `delta` or by timedelta keyword arguments (`minutes=5`)."""
        self._now += delta if delta is not None else timedelta(**kwargs)
        return self._now


def epoch_ms(when: datetime) -> int:
    return int(when.timestamp() * 1000)


def _aware(when: datetime) -> datetime:
    if when.tzinfo is None:
        raise ValueError("FrozenClock needs a timezone-aware time")
    return when.astimezone(UTC)


class OffsetClock:
    """Another clock moved forward by an adjustable offset: the sandbox's "move the clock"."""

    def __init__(self, base: Clock) -> None:
        self._base = base
        self.offset = timedelta(0)

    def now(self) -> datetime:
        return self._base.now() + self.offset

    def advance(self, delta: timedelta | None = None, **kwargs: float) -> datetime:
        self.offset += delta if delta is not None else timedelta(**kwargs)
        return self.now()
