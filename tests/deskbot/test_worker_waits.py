"""The time-driven workers wait on the injected clock (bot/clock.py `Clock.sleep`), not on
wall time: a test moves the clock and the next round runs at once, never before its interval.
The Desk poller's own test (it finds the change) is in test_polling.py."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import pytest

from bot.clock import FrozenClock
from bot.workers.attendance_sweep import EVERY_SECONDS, sweep_attendance
from bot.workers.leader import CHECK_SECONDS, lead
from bot.workers.rounds import run_rounds
from tests.deskbot.conftest import Deskbot, Parts


async def asleep(clock: FrozenClock, seconds: float) -> None:
    """Until a worker sleeps on `clock` for `seconds` from now (only task switches in between:
    no time passes)."""
    until = clock.now() + timedelta(seconds=seconds)
    for _ in range(1000):
        if until in clock.wakes:
            return
        await asyncio.sleep(0)
    raise AssertionError(f"nothing sleeps on the clock until {until}: {clock.wakes}")


# worker → (the part whose method is counted, that method, how to run the worker, interval)
WORKERS: dict[str, tuple[str, str, Callable[[Parts], Awaitable[None]], float]] = {
    "scheduler": ("scheduler", "run_once", lambda p: p.scheduler.run_forever(60), 60),
    "desk poller": ("poller", "run_once", lambda p: p.poller.run_forever(60), 60),
    "attendance sweep": (
        "attendance",
        "sweep",
        lambda p: sweep_attendance(p.attendance, p.clock),
        EVERY_SECONDS,
    ),
    "scheduler lease": (
        "scheduler_lease",
        "held",
        lambda p: lead(p.scheduler_lease, [], p.clock),
        CHECK_SECONDS,
    ),
}


@pytest.mark.parametrize("worker", sorted(WORKERS))
async def test_a_worker_runs_its_next_round_when_the_clock_has_moved_its_interval(
    deskbot: Deskbot, monkeypatch: pytest.MonkeyPatch, worker: str
) -> None:
    part_name, method, run, interval = WORKERS[worker]
    part = getattr(deskbot.parts, part_name)
    rounds: list[Any] = []
    ran = asyncio.Event()
    real = getattr(part, method)

    async def counted(*args: Any, **kwargs: Any) -> Any:
        rounds.append(await real(*args, **kwargs))
        ran.set()
        return rounds[-1]

    monkeypatch.setattr(part, method, counted)
    running = asyncio.ensure_future(run(deskbot.parts))
    try:
        await asyncio.wait_for(ran.wait(), 30)  # the first round, at once
        ran.clear()
        await asleep(deskbot.clock, interval)
        deskbot.clock.advance(seconds=interval - 1)
        await asleep(deskbot.clock, 1)  # asleep still, for the last second
        assert len(rounds) == 1  # not before its interval
        deskbot.clock.advance(seconds=1)  # no real time passes: the clock moved
        await asyncio.wait_for(ran.wait(), 30)
        assert len(rounds) == 2
    finally:
        running.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await running


async def test_a_queue_workers_next_round_waits_on_the_clock_or_a_wake_up(
    clock: FrozenClock,
) -> None:
    """The sender's and notifier's loop (bot/workers/rounds.py): the next round when the clock
    reaches the next due time, or at once when woken; never before."""
    rounds: list[int] = []
    ran, wake = asyncio.Event(), asyncio.Event()

    async def run_once() -> None:
        rounds.append(len(rounds))
        ran.set()

    async def next_due() -> Any:
        return clock.now() + timedelta(seconds=10)

    running = asyncio.ensure_future(
        run_rounds("test", run_once, next_due, lambda: False, wake, clock, logging.getLogger())
    )
    try:
        await asyncio.wait_for(ran.wait(), 30)
        ran.clear()
        await asleep(clock, 10)
        clock.advance(seconds=9)
        await asleep(clock, 1)
        assert rounds == [0]
        clock.advance(seconds=1)  # due
        await asyncio.wait_for(ran.wait(), 30)
        ran.clear()
        await asleep(clock, 10)
        wake.set()  # something was queued: at once, the clock unmoved
        await asyncio.wait_for(ran.wait(), 30)
        assert rounds == [0, 1, 2]
    finally:
        running.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await running
