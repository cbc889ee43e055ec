"""The one clock: every component that needs "now" takes a Clock, so tests can freeze time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Protocol
from zoneinfo import ZoneInfo, available_timezones

MAX_ZONE_NAME = 64
"""Longer names are not looked up at all (the longest IANA name has 32 characters)."""


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware, in UTC."""
        ...


class SystemClock:
    """Wall-clock time."""

    def now(self) -> datetime:
        """The current time, timezone-aware, in UTC."""
        return datetime.now(UTC)


class FrozenClock:
    """A clock that moves only when told to: deterministic tests without sleeps."""

    def __init__(self, start: datetime | str = "2026-01-05T09:00:00+00:00") -> None:
        """`start` is an aware datetime or an ISO 8601 string; a naive one is taken as UTC."""
        self._now = _aware(datetime.fromisoformat(start) if isinstance(start, str) else start)

    def now(self) -> datetime:
        """The frozen instant (UTC); it changes only through `set` and `advance`."""
        return self._now

    def set(self, when: datetime | str) -> None:
        """Jump to `when` (an aware datetime or ISO 8601 string), forward or back."""
        self._now = _aware(datetime.fromisoformat(when) if isinstance(when, str) else when)

    def advance(self, delta: timedelta | None = None, **kwargs: float) -> datetime:
        """Move forward by `delta` or by timedelta keyword arguments (`minutes=5`)."""
        self._now += delta if delta is not None else timedelta(**kwargs)
        return self._now


@cache
def _zone_names() -> dict[str, str]:
    """Every IANA zone name, case-folded → as spelt in the tz database (a fixed set)."""
    return {name.casefold(): name for name in available_timezones()}


def zone_named(name: object) -> ZoneInfo | None:
    """The IANA zone called `name`, matched case-insensitively (Cliq sends `Asia/calcutta`),
    or None when `name` is not a zone name.

    Only names of the tz database reach `ZoneInfo` (whose own cache is then bounded by that
    set), so however many different strings callers send, memory does not grow with them."""
    if not isinstance(name, str) or len(name) > MAX_ZONE_NAME:
        return None
    real = _zone_names().get(name.strip().casefold())
    return ZoneInfo(real) if real else None


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
