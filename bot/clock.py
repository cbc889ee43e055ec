"""The one clock: every component that needs "now" takes a Clock, so tests can freeze time.

Workers wait on the same clock (`Clock.sleep`): on the system clock that is a real pause; on a
test's `FrozenClock` it ends when the test moves the clock past it, so tests move time instead
of sleeping; on the sandbox world's `MovableClock` it ends when real time or a move gets there.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Protocol
from zoneinfo import ZoneInfo, available_timezones

log = logging.getLogger(__name__)

MAX_ZONE_NAME = 64
"""Longer names are not looked up at all (the longest IANA name has 32 characters)."""


class Clock(Protocol):
    """Where all "now" comes from (`Bot(clock=...)`, `ctx.clock`): `SystemClock` in production,
    `FrozenClock` in tests, or any object with these two methods."""

    def now(self) -> datetime:
        """The current time, timezone-aware, in UTC."""
        ...

    async def sleep(self, seconds: float) -> None:
        """Return once this clock has moved `seconds` forward (at once if ≤ 0)."""
        ...


class SystemClock:
    """Wall-clock time."""

    def now(self) -> datetime:
        """The current time, timezone-aware, in UTC."""
        return datetime.now(UTC)

    async def sleep(self, seconds: float) -> None:
        """A real pause of `seconds`."""
        await asyncio.sleep(max(0.0, seconds))


class FrozenClock:
    """A clock that moves only when told to: deterministic tests without sleeps."""

    def __init__(self, start: datetime | str = "2026-01-05T09:00:00+00:00") -> None:
        """`start` is an aware datetime or an ISO 8601 string; a naive one is taken as UTC."""
        self._now = _aware(datetime.fromisoformat(start) if isinstance(start, str) else start)
        self._sleepers: list[tuple[datetime, asyncio.Future[None]]] = []

    def now(self) -> datetime:
        """The frozen instant (UTC); it changes only through `set` and `advance`."""
        return self._now

    def set(self, when: datetime | str) -> None:
        """Jump to `when` (an aware datetime or ISO 8601 string), forward or back; the sleeps
        it reaches end."""
        self._now = _aware(datetime.fromisoformat(when) if isinstance(when, str) else when)
        self._wake_sleepers()

    def advance(self, delta: timedelta | None = None, **kwargs: float) -> datetime:
        """Move forward by `delta` or by timedelta keyword arguments (`minutes=5`); the sleeps
        it reaches end."""
        self._now += delta if delta is not None else timedelta(**kwargs)
        self._wake_sleepers()
        return self._now

    @property
    def wakes(self) -> list[datetime]:
        """When the sleeps waiting on this clock now end (tests wait until a worker sleeps)."""
        return sorted(at for at, woken in self._sleepers if not woken.done())

    async def sleep(self, seconds: float) -> None:
        """Return once the clock has been moved `seconds` forward (never by itself)."""
        until = self._now + timedelta(seconds=seconds)
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        woken: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._sleepers.append((until, woken))
        try:
            await woken
        finally:
            self._sleepers = [(at, f) for at, f in self._sleepers if f is not woken]

    def _wake_sleepers(self) -> None:
        for until, woken in self._sleepers:
            if until <= self._now and not woken.done() and not woken.get_loop().is_closed():
                woken.set_result(None)


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
    """`when` in milliseconds since the Unix epoch (truncated)."""
    return int(when.timestamp() * 1000)


async def first_of(*waits: Awaitable[object]) -> None:
    """Return once the first of `waits` has finished; the others are cancelled and reaped
    (their results and errors dropped) before it returns, also when the caller is cancelled."""
    tasks = [asyncio.ensure_future(wait) for wait in waits]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


def now_ms(clock: Clock) -> int:
    """`clock`'s now in epoch milliseconds: `epoch_ms(clock.now())`, the system clock read
    without building a datetime (a tenth of the cost; asked on every signed call)."""
    if type(clock) is SystemClock:
        return time.time_ns() // 1_000_000
    return epoch_ms(clock.now())


def epoch_ns_reader(clock: Clock) -> Callable[[], int]:
    """A function giving `clock`'s now in epoch nanoseconds: for the system clock its own
    `time.time_ns` (no Python frame: what the edge asks on every signed call costs the least
    there), else `clock.now()` converted (milliseconds, in nanoseconds)."""
    if type(clock) is SystemClock:
        return time.time_ns
    return lambda: epoch_ms(clock.now()) * 1_000_000


def _aware(when: datetime) -> datetime:
    if when.tzinfo is None:
        raise ValueError("FrozenClock needs a timezone-aware time")
    return when.astimezone(UTC)


class MovableClock:
    """Another clock (`base`) plus an offset that only grows: the sandbox world's one movable
    clock (`POST /sandbox/clock`), shared by the bot and its sandboxes.

    Whoever must act when time jumps registers a listener (`on_move`); `move` and `follow`
    return only once every listener has run, so the work that fell due is done (or queued)
    when they return: tests wait on that, never on a sleep."""

    def __init__(self, base: Clock, offset: timedelta = timedelta(0)) -> None:
        """`offset` is where a saved world left the clock (never negative)."""
        if offset < timedelta(0):
            raise ValueError("a movable clock only moves forward")
        self.base = base
        self._offset = offset
        self.version = 0
        self._listeners: list[Callable[[], Awaitable[None]]] = []
        self._moved = asyncio.Condition()

    def now(self) -> datetime:
        """The base clock's time plus the offset (UTC)."""
        return self.base.now() + self._offset

    @property
    def offset(self) -> timedelta:
        """How far ahead of its base clock this clock runs."""
        return self._offset

    def on_move(self, listener: Callable[[], Awaitable[None]]) -> Callable[[], None]:
        """Call `listener` (awaited) after each move; returns the function that removes it."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    STEP = timedelta(minutes=10)
    """The longest stride of a move: the listeners run after each, so work due in between runs
    as the clock passes its time, as if the time had passed (a digest on time, not "late"; a
    reminder before its due time, not after)."""

    async def move(self, delta: timedelta) -> datetime:
        """Move forward by `delta` (ValueError if negative) in strides of at most `STEP`; the
        new time, once every listener has run after every stride."""
        if delta < timedelta(0):
            raise ValueError("a movable clock only moves forward")
        target = self._offset + delta
        while True:
            stride = min(target, self._offset + self.STEP)
            await self.follow(stride)
            if stride >= target:
                return self.now()

    async def follow(self, offset: timedelta) -> None:
        """Take `offset` (another clock's, e.g. the sandbox's) and run the listeners; an offset
        behind ours is ignored (the clock never goes back)."""
        if offset < self._offset:
            return
        self._offset = offset
        self.version += 1
        async with self._moved:
            self._moved.notify_all()
        for listener in list(self._listeners):
            try:
                await listener()
            except Exception:
                log.exception("a listener of the movable clock failed")

    async def sleep(self, seconds: float) -> None:
        """Return once this clock has reached `seconds` from now: as its base clock's time
        passes, or at once when a move gets there."""
        until = self.now() + timedelta(seconds=seconds)
        while (left := (until - self.now()).total_seconds()) > 0:
            await first_of(self.base.sleep(left), self.wait_moved(self.version))

    async def wait_moved(self, after: int) -> int:
        """Wait until `version` is other than `after` (the clock moved since, or it is another
        clock's count); the version then. Callers bound the wait (`asyncio.timeout`)."""
        async with self._moved:
            await self._moved.wait_for(lambda: self.version != after)
        return self.version
