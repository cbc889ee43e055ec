"""The loop every queue worker runs: rounds back to back while work is due, then a wait.

The notifier (inbox) and the sender (outbox) share it. A round that raises is logged and the
loop goes on; while the store refuses writes (`paused()` is true) the worker looks again with a
backoff from 0.25 s to 5 s instead of at the next due time.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from bot.clock import Clock, first_of

IDLE_SECONDS = 30.0
"""The longest a worker sleeps without a wake-up, even when nothing is due."""


def retry_pause(rng: random.Random, tries: int, cap: float) -> timedelta:
    """How long a queued item waits before its next try: equal jitter up to 2, 4, 8 … seconds
    after `tries` earlier tries, capped at `cap` seconds."""
    ceiling = min(cap, 2.0 * 2**tries)
    return timedelta(seconds=rng.uniform(ceiling / 2, ceiling))


async def run_rounds(
    name: str,
    run_once: Callable[[], Awaitable[object]],
    next_due: Callable[[], Awaitable[datetime | None]],
    paused: Callable[[], bool],
    wake: asyncio.Event,
    clock: Clock,
    log: logging.Logger,
) -> None:
    """Run `run_once` forever (until cancelled).

    After each round: if `paused()`, wait the pause backoff; else ask `next_due()` (a UTC
    datetime, or None when nothing waits) and start the next round at once when it is due,
    otherwise wait until then on `clock`, at most `IDLE_SECONDS`, or until `wake` is set."""
    paused_for = 0.0
    while True:
        wake.clear()
        try:
            await run_once()
            upcoming = None if paused() else await next_due()
        except Exception:
            log.exception("%s round failed", name)
            upcoming = None
        if paused():
            paused_for = min(5.0, max(0.25, paused_for * 2))
            wait = paused_for
        else:
            paused_for = 0.0
            wait = IDLE_SECONDS if upcoming is None else (upcoming - clock.now()).total_seconds()
            if wait <= 0:
                continue  # more is due already: no pause between rounds
        await woken_or_slept(wake, clock, min(wait, IDLE_SECONDS))


async def woken_or_slept(wake: asyncio.Event, clock: Clock, seconds: float) -> None:
    """Return once `wake` is set or `clock` has moved `seconds` forward, whichever is first."""
    await first_of(wake.wait(), clock.sleep(seconds))
