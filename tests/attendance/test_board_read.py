"""The board reads every agent in a few batched queries (`EventLog.tails`, `EventLog.windows`):
each agent's state on it is exactly what `status()` reads for that agent alone, whatever the
log holds (sessions open or closed, a 24-hour check-out due, corrections at the same instant,
agents who never used attendance, a session that began yesterday), and a due 24-hour
check-out is stored by the board as by `status()`."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from attendance import AttendanceService, MoveRefused
from attendance.models import CHECK_IN, CHECK_OUT, EventKind
from bot.clock import FrozenClock

ZONES = ["Asia/Tokyo", "UTC", "America/New_York"]


async def _random_org(svc: AttendanceService, clock: FrozenClock, rng: random.Random) -> list[str]:
    await svc.add_status("Training", "online")
    await svc.add_status("Errand", "offline")
    statuses = [s.id for s in await svc.statuses()]
    agents = [f"a{i:02d}@example.com" for i in range(24)]
    for _ in range(160):
        clock.advance(minutes=rng.randint(1, 400))
        agent = rng.choice(agents[:20])  # the last four never use attendance
        if rng.random() < 0.1:
            at = clock.now() - timedelta(minutes=rng.randint(0, 600))
            await svc.correct(agent, rng.choice(statuses), at, "admin@example.com", "fix")
            continue
        try:
            await svc.move(agent, rng.choice(statuses), name=f"Agent {agent[:3]}")
        except MoveRefused:
            pass
    # one agent checked in long ago and never again: the 24-hour rule is due on the board
    await svc.check_in("late@example.com", name="Late")
    agents.append("late@example.com")
    clock.advance(hours=30)
    return agents


async def test_the_board_shows_what_each_agents_own_status_read_shows(
    svc: AttendanceService, clock: FrozenClock
) -> None:
    agents = await _random_org(svc, clock, random.Random(15))
    for tz in ZONES:
        board = await svc.board(agents, tz=tz)
        shown = {a.email: a for column in board.columns for a in column.agents}
        assert sorted(shown) == sorted(agents)
        for email in agents:
            alone = await svc.status(email, tz=tz)
            assert shown[email] == alone.__class__(
                **{**{f: getattr(alone, f) for f in alone.__slots__}, "name": shown[email].name}
            ), email


async def test_the_board_stores_a_due_24_hour_check_out(
    svc: AttendanceService, clock: FrozenClock
) -> None:
    await svc.check_in("late@example.com")
    clock.advance(hours=25)
    board = await svc.board(["late@example.com"])
    (agent,) = [a for c in board.columns for a in c.agents]
    assert agent.status.id == CHECK_OUT and not agent.checked_in
    kinds = [e.kind for e in await svc.log.events("late@example.com")]
    assert kinds == [EventKind.NORMAL, EventKind.AUTOMATIC]


async def test_batched_tails_match_one_agent_reads(
    svc: AttendanceService, clock: FrozenClock
) -> None:
    agents = await _random_org(svc, clock, random.Random(7))
    tails = await svc.log.tails(agents)
    windows = await svc.log.windows(agents, 0, 2**62)
    start = int((clock.now() - timedelta(days=1)).timestamp() * 1000)
    recent = await svc.log.windows(agents, start, 2**62)
    for email in agents:
        assert tails[email] == await svc.log.open_tail(svc.log._db, email)
        assert windows[email] == await svc.log.window(email, 0, 2**62)
        assert recent[email] == await svc.log.window(email, start, 2**62)


async def test_a_correction_at_the_same_instant_as_the_last_check_out_is_in_the_tail(
    svc: AttendanceService, clock: FrozenClock
) -> None:
    await svc.check_in("a@example.com")
    clock.advance(hours=1)
    out = await svc.check_out("a@example.com")
    clock.advance(minutes=5)
    at: datetime = out.event.at
    await svc.correct("a@example.com", CHECK_IN, at, "admin@example.com", "still working")
    tails = await svc.log.tails(["a@example.com"])
    assert tails["a@example.com"] == await svc.log.open_tail(svc.log._db, "a@example.com")
    board = await svc.board(["a@example.com"])
    assert board.columns[0].status.id == CHECK_IN
    assert [a.email for a in board.columns[0].agents] == ["a@example.com"]
