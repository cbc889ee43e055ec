"""What falls due when the sandbox world's clock jumps (`POST /sandbox/clock`, bot/clock.py
`MovableClock`): the scheduler's round (digests, due-soon and task reminders, ratings) and the
attendance sweep (24-hour check-outs), run before the move answers; then the sender and the
notifier are woken for what that queued. The workers' own loops would get there too, but only
at their next tick of wall time."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from attendance.service import AttendanceService
from bot.desk.errors import DeskError
from bot.store.db import Lease, StoreUnavailable
from bot.workers.scheduler import Scheduler

log = logging.getLogger(__name__)


def due_work(
    scheduler: Scheduler,
    attendance: AttendanceService,
    wake: list[Callable[[], None]],
    *,
    lease: Lease | None = None,
) -> Callable[[], Awaitable[None]]:
    """The listener to register with `MovableClock.on_move`. With `lease` (the scheduler's,
    bot/workers/leader.py), only the process holding it runs the time-driven work, as its
    workers do; the others only wake their sender and notifier."""

    async def run() -> None:
        if lease is not None and not await lease.held():
            for step in wake:
                step()
            return
        try:
            await scheduler.run_once()
        except (DeskError, StoreUnavailable) as exc:  # the workers' next rounds catch up
            log.warning("due work after a clock move waits: %s", exc)
        try:
            await attendance.sweep()
        except StoreUnavailable as exc:
            log.warning("attendance sweep after a clock move waits: %s", exc.reason)
        for step in wake:
            step()

    return run
