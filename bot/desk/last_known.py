"""What was last read from Desk, kept while Desk cannot be read: one rule for the org's agents
(bot.identity.directory), departments and ticket statuses (bot.desk.org_data).

A value is read at most every `ttl`. When a read fails with a DeskError (Desk down, or our own
token refused) the value known is kept and Desk is asked again at most every `retry` (a minute);
only a value never read, or a read the caller asked for explicitly (`fresh`), raises the
DeskError. Reads are single-flight: callers that wait while another reads get its result.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Generic, TypeVar

from bot.clock import Clock
from bot.desk.errors import DeskError

log = logging.getLogger(__name__)

T = TypeVar("T")

RETRY = timedelta(minutes=1)
"""While Desk cannot be read, how long the value known is used before asking again."""


class LastKnown(Generic[T]):
    """`read()` (e.g. the org's Desk client's `departments`), kept as the module says; `what`
    names the value in the log line of a failed re-read."""

    def __init__(
        self,
        read: Callable[[], Awaitable[T]],
        clock: Clock,
        *,
        ttl: timedelta,
        what: str,
        retry: timedelta = RETRY,
    ) -> None:
        self._read = read
        self._clock = clock
        self._ttl = ttl
        self._retry = retry
        self._what = what
        self._value: T | None = None
        self._next: datetime | None = None  # when to read again
        self._lock = asyncio.Lock()
        self.read_at: datetime | None = None
        """When the value kept was read (None before the first read)."""

    def due(self) -> bool:
        """Whether the next `get()` reads Desk: never read yet, or the ttl (or, after a failed
        read, the retry pause) has passed."""
        return self._next is None or self._clock.now() >= self._next

    async def get(self, *, fresh: bool = False) -> T:
        """The value: read now if `due()` or `fresh`, else the one kept. DeskError when the read
        fails and nothing was read before, or the read was `fresh`."""
        if self._value is not None and not fresh and not self.due():
            return self._value
        started = self.read_at
        async with self._lock:
            if self._value is not None and self.read_at != started:
                return self._value  # another caller read while this one waited
            if self._value is not None and not fresh and not self.due():
                return self._value
            now = self._clock.now()
            try:
                value = await self._read()
            except DeskError as error:
                if self._value is None:
                    raise
                self._next = now + self._retry
                if fresh:
                    raise
                log.warning("%s not re-read, keeping those known: %s", self._what, error)
                return self._value
            self._value, self.read_at, self._next = value, now, now + self._ttl
            return value
