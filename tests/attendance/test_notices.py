"""The agent is told of what others did to their attendance (an admin's check-out, the 24-hour
rule): each such event reaches the notice sink once, inside the transaction that stores it, with
the agent's own zone; their own moves are not told back to them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from attendance import AttendanceService, EventKind, Notice
from bot.clock import FrozenClock
from bot.store.db import Database

AGENT = "aiko@example.com"


class Sink:
    """Writes each notice into a table in the caller's transaction, as an outbox would."""

    def __init__(self, fail: bool = False) -> None:
        self.fail = fail
        self.heard: list[Notice] = []
        self.commits = 0

    async def record(self, tx: Any, notice: Notice) -> None:
        if self.fail:
            raise RuntimeError("the outbox refused")
        await tx.execute("INSERT INTO told (key) VALUES (?)", (notice.key,))
        self.heard.append(notice)

    def committed(self) -> None:
        self.commits += 1


@pytest.fixture
async def db() -> AsyncIterator[Database]:
    db = await Database.open(":memory:")
    await db.execute("CREATE TABLE told (key TEXT PRIMARY KEY)")
    yield db
    await db.close()


async def service(db: Database, clock: FrozenClock, sink: Sink) -> AttendanceService:
    svc = AttendanceService(db, clock, notices=sink)
    await svc.setup()
    return svc


async def told(db: Database) -> list[str]:
    return [row[0] for row in await db.fetchall("SELECT key FROM told")]


async def test_an_admin_check_out_is_told_to_the_agent_in_their_own_zone(
    db: Database, clock: FrozenClock
) -> None:
    sink = Sink()
    svc = await service(db, clock, sink)
    await svc.check_in(AGENT, name="Aiko Tanaka", tz="Asia/Tokyo")
    await svc.move(AGENT, "Meal Break", tz="Asia/Tokyo")
    assert sink.heard == []  # their own moves are not told back
    clock.advance(hours=3)
    change = await svc.admin_checkout(
        AGENT, "admin@example.com", tz="Europe/London", admin_name="Ada Admin"
    )
    [notice] = sink.heard
    assert (notice.agent, notice.agent_name, notice.kind) == (AGENT, "Aiko Tanaka", EventKind.ADMIN)
    assert (notice.actor, notice.actor_name) == ("admin@example.com", "Ada Admin")
    assert notice.zone == "Asia/Tokyo"  # the agent's, not the admin's
    assert notice.at == change.event.at and notice.event_id == change.event.id
    assert await told(db) == [notice.key] and sink.commits == 1


async def test_the_24_hour_check_out_is_told_once_however_it_is_found(
    db: Database, clock: FrozenClock
) -> None:
    sink = Sink()
    svc = await service(db, clock, sink)
    start = clock.now()
    await svc.check_in(AGENT, tz="America/New_York")
    clock.advance(hours=30)
    await svc.status(AGENT)  # a read finds it first
    await svc.sweep()
    await svc.board([AGENT])
    assert await svc.sweep() == 0
    [notice] = sink.heard
    assert notice.kind is EventKind.AUTOMATIC and notice.actor == "system"
    assert notice.session_started == start and (notice.at - start).total_seconds() == 24 * 3600
    assert notice.zone == "America/New_York" and await told(db) == [notice.key]


async def test_several_missed_sessions_are_each_told(db: Database, clock: FrozenClock) -> None:
    sink = Sink()
    svc = await service(db, clock, sink)
    await svc.check_in(AGENT)
    clock.advance(hours=30)
    await svc.check_in(AGENT)
    clock.advance(hours=30)
    await svc.sweep()
    assert [n.kind for n in sink.heard] == [EventKind.AUTOMATIC] * 2
    assert len(set(await told(db))) == 2


async def test_no_event_without_its_notice(db: Database, clock: FrozenClock) -> None:
    """The sink failing rolls the event back: an event is never stored untold."""
    good = await service(db, clock, Sink())
    await good.check_in(AGENT)
    clock.advance(hours=1)
    failing = AttendanceService(db, clock, notices=Sink(fail=True))
    with pytest.raises(RuntimeError):
        await failing.admin_checkout(AGENT, "admin@example.com")
    assert (await good.status(AGENT)).checked_in
    clock.advance(hours=30)
    with pytest.raises(RuntimeError):
        await failing.sweep()
    assert [e.kind for e in await good.log.events(AGENT)] == [EventKind.NORMAL]
