"""The time-driven workers (scheduler, Desk poller, attendance sweep) run in exactly one process
among all those sharing a store: the one holding the store's `scheduler` lease (DESIGN §8).

The others ask for the lease every `CHECK_SECONDS`; a holder that dies loses it when the store
sees its connection close (PostgreSQL's session advisory lock), so another process takes over
within one check. Everything the workers do is still once per place per day by itself (the
outbox's dedupe keys), so a round cut short by a takeover repeats nothing. On SQLite the one
serving process always holds it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence

from bot.clock import Clock
from bot.store.db import Lease

log = logging.getLogger(__name__)

LEASE = "scheduler"
CHECK_SECONDS = 5.0
"""How often a process asks for the lease, and checks it still holds it (the takeover bound)."""


async def lead(
    lease: Lease,
    loops: Sequence[Callable[[], Awaitable[None]]],
    clock: Clock,
    *,
    every: float = CHECK_SECONDS,
) -> None:
    """Run `loops` (each a worker's run-forever) while this process holds `lease`, asking every
    `every` seconds of `clock`; wait for it while another process does; stop them if it is
    lost. Runs until cancelled (then gives the lease up)."""
    running: list[asyncio.Future[None]] = []
    try:
        while True:
            held = await lease.held()
            if held and not running:
                log.info("this process runs the scheduler (it holds the %s lease)", LEASE)
                running = [asyncio.ensure_future(loop()) for loop in loops]
            elif not held and running:
                log.warning("the %s lease was lost: another process runs the scheduler", LEASE)
                await _stop(running)
                running = []
            await clock.sleep(every)
    finally:
        await _stop(running)
        await lease.release()


async def _stop(tasks: list[asyncio.Future[None]]) -> None:
    for task in tasks:
        task.cancel()
    for task in tasks:
        with contextlib.suppress(asyncio.CancelledError):
            await task
