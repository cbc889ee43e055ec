"""Signed credentials already used, remembered so a signed call acts once (replays refused).

`ReplayGuard` is what the `/cliq` edge asks; `MemoryReplays` is the per-process one a bare
framework app uses. Deskbot's store (`bot.store.seen.SeenCredentials`) keeps them across
processes and falls back to `MemoryReplays` while the store cannot be written.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Protocol

from bot.clock import Clock, now_ms


class ReplayGuard(Protocol):
    async def first_use(self, credential: str, expires_at_ms: int) -> bool:
        """True the first time `credential` is seen before `expires_at_ms` (epoch ms)."""
        ...


class MemoryReplays:
    """A per-process ReplayGuard holding at most `max_entries` credentials (oldest dropped)."""

    def __init__(self, clock: Clock, max_entries: int = 100_000) -> None:
        self._clock = clock
        self._max = max_entries
        self._seen: OrderedDict[str, int] = OrderedDict()

    async def first_use(self, credential: str, expires_at_ms: int) -> bool:
        known = self._seen.get(credential)
        if known is not None:  # (only then is the clock asked: a new credential needs no now)
            if known >= now_ms(self._clock):
                return False
            self._seen.move_to_end(credential)  # a new one is added last already
        self._seen[credential] = expires_at_ms
        if len(self._seen) > self._max:
            self._seen.popitem(last=False)
        return True


__all__ = ["MemoryReplays", "ReplayGuard"]
