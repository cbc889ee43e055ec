"""SPEC A3: checked out automatically at exactly 24 hours, even if nothing ran at that moment."""

from __future__ import annotations

from datetime import timedelta

import pytest

from attendance import AttendanceService, EventKind, MoveRefused
from attendance.models import CHECK_OUT
from bot.clock import FrozenClock

AGENT = "agent@example.com"
DAY = timedelta(hours=24)


async def test_process_down_at_the_deadline_then_a_read_checks_out_at_the_mark(
    svc: AttendanceService, clock: FrozenClock
) -> None:
    start = clock.now()
    await svc.check_in(AGENT)
    clock.advance(hours=2)
    await svc.break_(AGENT, "meal")
    clock.advance(minutes=30)
    await svc.check_in(AGENT)  # back from the break: the session still began at `start`
    clock.advance(hours=70)  # nothing ran for days
    state = await svc.status(AGENT)
    assert state.status.id == CHECK_OUT and state.since == start + DAY
    last = (await svc.log.events(AGENT))[-1]
    assert (last.at, last.kind, last.actor, last.status_id) == (
        start + DAY,
        EventKind.AUTOMATIC,
        "system",
        CHECK_OUT,
    )
    assert "24 hours" in last.reason
    # worked time stops at the mark, not at the read
    report = await svc.report([AGENT], start.date(), (start + DAY * 3).date(), "UTC")
    assert report.agents[0].worked == DAY - timedelta(minutes=30)
    assert sum(1 for e in await svc.log.events(AGENT) if e.kind is EventKind.AUTOMATIC) == 1


async def test_one_millisecond_before_the_mark_still_checked_in(
    svc: AttendanceService, clock: FrozenClock
) -> None:
    start = clock.now()
    await svc.check_in(AGENT)
    clock.set(start + DAY - timedelta(milliseconds=1))
    state = await svc.status(AGENT)
    assert state.checked_in and state.auto_check_out_at == start + DAY
    clock.set(start + DAY)
    assert not (await svc.status(AGENT)).checked_in


async def test_at_the_mark_a_late_check_out_is_refused_and_the_automatic_one_kept(
    svc: AttendanceService, clock: FrozenClock
) -> None:
    await svc.check_in(AGENT)
    clock.advance(DAY)
    with pytest.raises(MoveRefused, match="not checked in"):
        await svc.check_out(AGENT)
    # the refusal rolled nothing back: the due automatic check-out is stored
    assert [e.kind for e in await svc.log.events(AGENT)][-1] is EventKind.AUTOMATIC


async def test_sweep_stores_due_check_outs_once_for_everyone(
    svc: AttendanceService, clock: FrozenClock
) -> None:
    start = clock.now()
    await svc.check_in("a@example.com")
    clock.advance(hours=5)
    await svc.check_in("b@example.com")
    await svc.check_in("c@example.com")
    await svc.check_out("c@example.com")
    assert await svc.next_auto_checkout() == start + DAY
    clock.advance(hours=20)  # a is past 24 h, b is not
    assert await svc.sweep() == 1
    assert await svc.sweep() == 0
    assert await svc.next_auto_checkout() == start + DAY + timedelta(hours=5)
    clock.advance(hours=10)
    assert await svc.sweep() == 1
    assert await svc.next_auto_checkout() is None
    for agent in ("a@example.com", "b@example.com"):
        events = await svc.log.events(agent)
        assert events[-1].kind is EventKind.AUTOMATIC
        assert events[-1].at - events[0].at == DAY


async def test_checking_in_again_after_the_automatic_check_out(
    svc: AttendanceService, clock: FrozenClock
) -> None:
    await svc.check_in(AGENT)
    clock.advance(hours=30)
    change = await svc.check_in(AGENT)  # settles, then the move is allowed
    kinds = [e.kind for e in await svc.log.events(AGENT)]
    assert kinds == [EventKind.NORMAL, EventKind.AUTOMATIC, EventKind.NORMAL]
    assert change.state.session_started == clock.now()


async def test_several_missed_sessions_are_each_closed(
    svc: AttendanceService, clock: FrozenClock
) -> None:
    start = clock.now()
    await svc.check_in(AGENT)
    clock.advance(hours=100)
    await svc.correct(
        AGENT, "Check Out", start + timedelta(hours=8), "admin@example.com", "left at 5"
    )
    await svc.correct(
        AGENT, "Check In", start + timedelta(hours=30), "admin@example.com", "came back"
    )
    events = await svc.log.events(AGENT)
    assert [e.kind for e in events][-1] is EventKind.AUTOMATIC
    assert events[-1].at == start + timedelta(hours=54)
    assert await svc.sweep() == 0
