"""The /cliq deadline: one shared timer answers each overrunning call at its own deadline."""

from __future__ import annotations

import asyncio

from bot.handlers.cliq import DeadlineWatch


class _Call:
    """Stands for a call in flight: notes when its "working on it" answer goes out."""

    def __init__(self, name: str, fired: list[str], done: asyncio.Event) -> None:
        self.name, self.fired, self.done, self.due = name, fired, done, 0.0

    def answer_working(self) -> None:
        self.fired.append(self.name)
        self.done.set()


async def test_each_overrun_is_answered_at_its_own_deadline_in_deadline_order() -> None:
    """A later call with a shorter deadline (a bot's deadline changed meanwhile) is answered
    first; a call that finished in time is never answered "working"."""
    watch = DeadlineWatch()
    fired: list[str] = []
    slow_done, quick_done = asyncio.Event(), asyncio.Event()
    slow = _Call("slow", fired, slow_done)
    finished = _Call("finished", fired, asyncio.Event())
    quick = _Call("quick", fired, quick_done)
    loop = asyncio.get_running_loop()
    started = loop.time()
    watch.start(slow, 0.2)  # type: ignore[arg-type]
    watch.start(finished, 0.01)  # type: ignore[arg-type]
    watch.start(quick, 0.05)  # type: ignore[arg-type]
    watch.finish(finished)  # type: ignore[arg-type]
    await asyncio.wait_for(quick_done.wait(), 5)
    assert fired == ["quick"] and loop.time() - started >= 0.05 - DeadlineWatch.SLACK
    await asyncio.wait_for(slow_done.wait(), 5)
    assert fired == ["quick", "slow"] and loop.time() - started >= 0.2 - DeadlineWatch.SLACK
    assert watch._timer is None  # nothing in flight: no timer left behind


async def test_calls_finished_in_time_leave_one_timer_not_one_each() -> None:
    """Many calls in time share the one timer, and none of them is answered "working"."""
    watch = DeadlineWatch()
    fired: list[str] = []
    calls = [_Call(str(n), fired, asyncio.Event()) for n in range(100)]
    loop = asyncio.get_running_loop()
    before = len(loop._scheduled)  # type: ignore[attr-defined]
    for call in calls:
        watch.start(call, 10)  # type: ignore[arg-type]
    assert len(loop._scheduled) - before == 1  # type: ignore[attr-defined]
    for call in calls:
        watch.finish(call)  # type: ignore[arg-type]
    watch._fire()  # the timer's moment, reached early: nobody is left to answer
    assert fired == [] and watch._timer is None


def test_a_watch_bound_again_to_another_loop_answers_there() -> None:
    """An app served again on a new loop (a restart in tests, `deskbot chat`) binds its watch to
    the new loop at start-up: an overrun there is answered, and the calls still watched on the
    old loop are forgotten. A watch never bound binds itself to the loop it is first used on."""
    watch = DeadlineWatch()
    fired: list[str] = []

    async def overrun(name: str, bind: bool) -> None:
        if bind:
            watch.bind(asyncio.get_running_loop())
        done = asyncio.Event()
        watch.start(_Call(name, fired, done), 0.01)  # type: ignore[arg-type]
        await asyncio.wait_for(done.wait(), 5)

    async def abandon() -> None:  # a call still in flight when its loop stops
        watch.bind(asyncio.get_running_loop())
        watch.start(_Call("abandoned", fired, asyncio.Event()), 0.01)  # type: ignore[arg-type]

    asyncio.run(overrun("first", bind=False))
    asyncio.run(abandon())
    asyncio.run(overrun("second", bind=True))
    assert fired == ["first", "second"]
