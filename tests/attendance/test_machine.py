"""Every transition of the state machine, allowed and refused, through the service."""

from __future__ import annotations

import pytest

from attendance import AttendanceService, EventKind, MoveRefused, UnknownStatus
from bot.clock import FrozenClock

AGENT = "agent@example.com"
STATES = ["never", "Check In", "Check Out", "Meal Break", "Short Break", "Desk work", "Training"]
TARGETS = ["Check In", "Check Out", "Meal Break", "Short Break", "Desk work", "Training"]


def expected(state: str, target: str) -> bool:
    if state in ("never", "Check Out"):
        return target == "Check In"
    return target != state


async def put_in(svc: AttendanceService, clock: FrozenClock, state: str) -> None:
    if state == "never":
        return
    await svc.check_in(AGENT)
    clock.advance(minutes=5)
    if state != "Check In":
        await svc.move(AGENT, state)
        clock.advance(minutes=5)


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("target", TARGETS)
async def test_transition(
    svc: AttendanceService, clock: FrozenClock, state: str, target: str
) -> None:
    await svc.add_status("Desk work", "online")
    await svc.add_status("Training", "offline")
    await put_in(svc, clock, state)
    before = len(await svc.log.events(AGENT))
    allowed = [s.name for s in (await svc.status(AGENT)).allowed]
    assert (target in allowed) is expected(state, target)
    if expected(state, target):
        change = await svc.move(AGENT, target)
        assert change.state.status.name == target
        assert change.event.kind is EventKind.NORMAL and change.event.actor == AGENT
        assert change.event.at == clock.now()
    else:
        with pytest.raises(MoveRefused) as refused:
            await svc.move(AGENT, target)
        assert [s.name for s in refused.value.allowed] == allowed
        assert "Allowed now: " + ", ".join(allowed) in str(refused.value)
        assert len(await svc.log.events(AGENT)) == before  # nothing stored


@pytest.mark.parametrize(
    ("state", "target", "message"),
    [
        ("never", "Check Out", "You are not checked in. Allowed now: Check In."),
        ("Check Out", "Meal Break", "Check in first"),
        ("Check In", "Check In", "You are already in Check In."),
        ("Meal Break", "Meal Break", "already in Meal Break"),
    ],
)
async def test_refusals_say_why(
    svc: AttendanceService, clock: FrozenClock, state: str, target: str, message: str
) -> None:
    await put_in(svc, clock, state)
    with pytest.raises(MoveRefused, match=message):
        await svc.move(AGENT, target)


async def test_a_deleted_status_cannot_be_entered_but_can_be_left(
    svc: AttendanceService, clock: FrozenClock
) -> None:
    await put_in(svc, clock, "Meal Break")
    await svc.delete_status("Meal Break")
    state = await svc.status(AGENT)
    assert state.status.name == "Meal Break" and state.status.deleted
    assert [s.name for s in state.allowed] == ["Check In", "Check Out", "Short Break"]
    await svc.check_in(AGENT)
    with pytest.raises(MoveRefused, match="no longer in use"):
        await svc.move(AGENT, 3)  # a button on an old card
    with pytest.raises(UnknownStatus):
        await svc.move(AGENT, "Meal Break")


async def test_break_helpers_and_emails_are_case_insensitive(
    svc: AttendanceService, clock: FrozenClock
) -> None:
    await svc.check_in(" Agent@Example.com ")
    assert (await svc.break_(AGENT, "meal")).state.status.name == "Meal Break"
    assert (await svc.break_("AGENT@example.com", "short")).state.status.name == "Short Break"
    assert (await svc.check_out(AGENT)).state.checked_in is False
    await svc.delete_status("Short Break")
    await svc.check_in(AGENT)
    with pytest.raises(Exception, match="Short Break is no longer in use"):
        await svc.break_(AGENT, "short")


async def test_two_concurrent_check_ins_store_one(svc: AttendanceService) -> None:
    import asyncio

    results = await asyncio.gather(svc.check_in(AGENT), svc.check_in(AGENT), return_exceptions=True)
    assert sum(isinstance(r, MoveRefused) for r in results) == 1
    assert len(await svc.log.events(AGENT)) == 1
