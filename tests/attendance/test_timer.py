"""SPEC A2, A5, A6: the timer runs only in Online statuses; admin check-out and corrections."""

from __future__ import annotations

from datetime import timedelta

import pytest

from attendance import (
    AlreadyCheckedOut,
    AttendanceService,
    CorrectionError,
    EventKind,
)
from bot.clock import FrozenClock

AGENT = "agent@example.com"


async def test_worked_time_counts_only_online_statuses(
    svc: AttendanceService, clock: FrozenClock
) -> None:
    await svc.add_status("Desk work", "online")
    await svc.add_status("Customer meeting", "offline")
    day = clock.now().date()
    await svc.check_in(AGENT)
    clock.advance(hours=1)
    await svc.move(AGENT, "Customer meeting")  # Offline: the timer stops
    clock.advance(minutes=45)
    await svc.move(AGENT, "Desk work")  # a custom Online status: it runs again
    clock.advance(minutes=30)
    await svc.break_(AGENT, "short")
    clock.advance(minutes=10)
    await svc.check_in(AGENT)
    clock.advance(minutes=20)
    state = await svc.status(AGENT)
    assert state.worked_today == timedelta(hours=1, minutes=50)
    report = await svc.report([AGENT], day, day, "UTC")
    today = report.agents[0].days[0]
    names = {s.id: s.name for s in report.statuses}
    assert {names[k]: v for k, v in today.per_status.items()} == {
        "Check In": timedelta(minutes=80),
        "Customer meeting": timedelta(minutes=45),
        "Desk work": timedelta(minutes=30),
        "Short Break": timedelta(minutes=10),
    }
    assert today.away == timedelta(minutes=55) and today.off == timedelta(0)


async def test_retyping_a_status_does_not_rewrite_past_time(
    svc: AttendanceService, clock: FrozenClock
) -> None:
    await svc.add_status("Training", "offline")
    day = clock.now().date()
    await svc.check_in(AGENT)
    await svc.move(AGENT, "Training")
    clock.advance(hours=2)
    await svc.retype_status("Training", "online")
    await svc.check_in(AGENT)
    await svc.move(AGENT, "Training")
    clock.advance(hours=1)
    report = await svc.report([AGENT], day, day, "UTC")
    assert report.agents[0].days[0].worked == timedelta(hours=1)
    assert report.agents[0].days[0].away == timedelta(hours=2)


async def test_admin_check_out_is_recorded_with_the_admins_name(
    svc: AttendanceService, clock: FrozenClock
) -> None:
    await svc.check_in(AGENT, name="Aiko")
    clock.advance(hours=9)
    change = await svc.admin_checkout(AGENT, "Admin@Example.com", reason="forgot")
    assert change.event.kind is EventKind.ADMIN
    assert change.event.actor == "admin@example.com" and change.event.reason == "forgot"
    assert not change.state.checked_in
    for _ in range(2):  # said to the admin about the agent, however often repeated
        with pytest.raises(AlreadyCheckedOut, match=r"^Aiko is already checked out") as out:
            await svc.admin_checkout(AGENT, "admin@example.com")
        assert out.value.since == change.event.at
    never = "never@example.com"
    with pytest.raises(AlreadyCheckedOut, match=r"never@example\.com is already checked out"):
        await svc.admin_checkout(never, "admin@example.com")
    # an admin checking themselves out is an ordinary move
    await svc.check_in("admin@example.com")
    own = await svc.admin_checkout("admin@example.com", "admin@example.com")
    assert own.event.kind is EventKind.NORMAL


@pytest.mark.parametrize("before", [[], ["Check In", "Check Out"], ["Check In", "Meal Break"]])
async def test_an_admin_checking_herself_out_is_refused_as_anyone_else_is(
    svc: AttendanceService, before: list[str]
) -> None:
    admin = "admin@example.com"
    for status in before:
        await svc.move(admin, status)
    checked_in = bool(before) and before[-1] != "Check Out"
    for who in (admin, AGENT):  # herself or another agent in the same state: the same refusal
        if who == AGENT:
            for status in before:
                await svc.move(AGENT, status)
        if checked_in:
            assert not (await svc.admin_checkout(who, "Admin@Example.com")).state.checked_in
        with pytest.raises(AlreadyCheckedOut, match="is already checked out") as out:
            await svc.admin_checkout(who, "Admin@Example.com")
        assert out.value.email == who
        assert (out.value.since is None) == (not before)


async def test_a_correction_is_a_new_event_that_changes_derived_time(
    svc: AttendanceService, clock: FrozenClock
) -> None:
    start = clock.now()
    await svc.check_in(AGENT)
    clock.advance(hours=12)
    before = list(await svc.log.events(AGENT))
    change = await svc.correct(
        AGENT, "Check Out", start + timedelta(hours=8), "admin@example.com", "left at 17:00"
    )
    after = await svc.log.events(AGENT)
    assert after[: len(before)] == before  # nothing rewritten
    assert change.event.kind is EventKind.CORRECTION
    assert (change.event.actor, change.event.reason) == ("admin@example.com", "left at 17:00")
    assert not change.state.checked_in
    report = await svc.report([AGENT], start.date(), start.date(), "UTC")
    assert report.agents[0].days[0].worked == timedelta(hours=8)
    assert report.agents[0].days[0].last_check_out == start + timedelta(hours=8)


async def test_a_later_correction_at_the_same_instant_wins(
    svc: AttendanceService, clock: FrozenClock
) -> None:
    start = clock.now()
    await svc.check_in(AGENT)
    clock.advance(hours=1)
    await svc.break_(AGENT, "meal")
    clock.advance(hours=1)
    await svc.check_in(AGENT)
    clock.advance(hours=1)
    # "that was no break": at the break's instant, the agent was checked in
    await svc.correct(AGENT, "Check In", start + timedelta(hours=1), "admin@example.com", "no")
    report = await svc.report([AGENT], start.date(), start.date(), "UTC")
    assert report.agents[0].days[0].worked == timedelta(hours=3)


@pytest.mark.parametrize(
    ("hours", "actor", "reason", "message"),
    [
        (1, "admin@example.com", "", "needs a reason"),
        (1, " ", "why", "who made it"),
        (-1, "admin@example.com", "why", "future"),
    ],
)
async def test_bad_corrections_are_refused(
    svc: AttendanceService, clock: FrozenClock, hours: int, actor: str, reason: str, message: str
) -> None:
    await svc.check_in(AGENT)
    with pytest.raises(CorrectionError, match=message):
        await svc.correct(AGENT, "Check Out", clock.now() - timedelta(hours=hours), actor, reason)
    assert len(await svc.log.events(AGENT)) == 1


async def test_the_board_groups_agents_by_current_status(
    svc: AttendanceService, clock: FrozenClock
) -> None:
    await svc.add_status("Training", "offline")
    await svc.check_in("a@example.com", name="A")
    await svc.check_in("b@example.com")
    await svc.break_("b@example.com", "meal")
    await svc.check_in("c@example.com")
    await svc.move("c@example.com", "Training")
    await svc.check_in("d@example.com")
    await svc.check_out("d@example.com")
    board = await svc.board()
    columns = {c.status.name: [a.email for a in c.agents] for c in board.columns}
    assert columns == {
        "Check In": ["a@example.com"],
        "Check Out": ["d@example.com"],
        "Meal Break": ["b@example.com"],
        "Short Break": [],
        "Training": ["c@example.com"],
    }
    assert board.columns[0].agents[0].name == "A"
    # agents from Desk who never used attendance are shown as checked out
    board = await svc.board(["a@example.com", "new@example.com"])
    assert [a.email for a in board.columns[1].agents] == ["new@example.com"]
    assert board.columns[1].agents[0].since is None
    # a status change shows at once (A9), and the 24-hour rule applies on the board too
    clock.advance(hours=25)
    board = await svc.board()
    assert [len(c.agents) for c in board.columns] == [0, 4, 0, 0, 0]


async def test_purge_deletes_everything_and_restores_defaults(
    svc: AttendanceService, clock: FrozenClock
) -> None:
    await svc.add_status("Training", "offline")
    await svc.rename_status("Check In", "In")
    await svc.check_in(AGENT, name="Aiko")
    await svc.purge()
    assert await svc.log.events(AGENT) == []
    assert await svc.log.known_agents() == []
    assert [s.name for s in await svc.statuses(include_deleted=True)] == [
        "Check In",
        "Check Out",
        "Meal Break",
        "Short Break",
    ]
    await svc.check_in(AGENT)


async def test_an_agent_never_seen_is_checked_out_with_only_check_in_offered(
    svc: AttendanceService,
) -> None:
    state = await svc.status("new@example.com")
    assert state.status.name == "Check Out" and state.since is None
    assert state.session_started is None and state.worked_today == timedelta(0)
    assert [s.name for s in state.allowed] == ["Check In"]


async def test_todays_time_is_counted_from_midnight_in_the_readers_zone(
    svc: AttendanceService, clock: FrozenClock
) -> None:
    clock.set(clock.now().replace(hour=13, minute=0))  # 22:00 in Tokyo
    await svc.check_in(AGENT)
    clock.advance(hours=4)  # 02:00 the next day in Tokyo, 17:00 in UTC
    assert (await svc.status(AGENT, "Asia/Tokyo")).worked_today == timedelta(hours=2)
    assert (await svc.status(AGENT, "UTC")).worked_today == timedelta(hours=4)
    change = await svc.break_(AGENT, "meal", tz="Asia/Tokyo")
    assert change.state.worked_today == timedelta(hours=2)
