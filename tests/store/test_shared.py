"""Work shared safely by several processes on one store, on both engines (each `Database` here
is one process's connection): queue rows claimed by one holder at a time and given back when
their holder is gone, in-flight posts held across processes, attendance moves serialised per
agent, and the scheduler's lease held by one process, taken over when its holder dies."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import pytest

from attendance import AttendanceService
from attendance.errors import MoveRefused
from attendance.machine import check_move
from attendance.models import CHECK_IN, CHECK_OUT
from bot.clock import FrozenClock
from bot.store.db import Database
from bot.store.inbox import Inbox
from bot.store.outbox import Outbox


@pytest.fixture
async def two(store_url: str) -> AsyncIterator[tuple[Database, Database]]:
    first, second = await Database.open(store_url), await Database.open(store_url)
    yield first, second
    await first.close()
    await second.close()


async def test_two_processes_claim_disjoint_posts_and_all_of_them(
    two: tuple[Database, Database], clock: FrozenClock
) -> None:
    a, b = Outbox(two[0], clock), Outbox(two[1], clock)
    await a.setup()
    await b.setup()
    for n in range(60):
        await a.enqueue(None, "channel", "desk", {"text": str(n)}, f"k{n}")
    claimed: list[list[int]] = [[], []]

    async def take(outbox: Outbox, into: list[int]) -> None:
        while batch := await outbox.claim(7):  # a round: claim, settle each
            into.extend(p.id for p in batch)
            for post in batch:
                assert await outbox.delivered(post)

    await asyncio.gather(take(a, claimed[0]), take(b, claimed[1]))
    assert not set(claimed[0]) & set(claimed[1])
    assert len(claimed[0]) + len(claimed[1]) == 60


async def test_a_post_in_flight_is_held_across_processes_until_its_holder_dies(
    store_url: str, clock: FrozenClock
) -> None:
    first, second = await Database.open(store_url), await Database.open(store_url)
    a, b = Outbox(first, clock), Outbox(second, clock)
    await a.setup()
    await a.enqueue(None, "channel", "desk", {"text": "hi"}, "k1")
    await a.enqueue(None, "channel", "desk", {"text": "later"}, "k2")
    one, two = await a.claim(10)
    assert await a.sending(one)  # in flight in the first process
    assert not await b.sending(one)  # the second may not send it too (the claim is not its)
    assert not await b.sending(two)  # claimed by the first, though not in flight
    assert await b.claim(10) == [] and await b.recover() == 0  # its holder lives
    assert await b.take("k2") is None  # nor may it take one for a person waiting
    await first.close()  # the first process dies
    assert await b.recover() == 1  # the one in flight comes back, unsure (check the chat first)
    back = {p.dedupe_key: p for p in await b.claim(10)}
    assert set(back) == {"k1", "k2"}
    assert back["k1"].unsure_since is not None and back["k2"].unsure_since is None
    assert await b.sending(back["k1"])
    await second.close()


async def test_inbox_events_are_claimed_once_and_a_dead_holders_come_back(
    store_url: str, clock: FrozenClock
) -> None:
    first, second = await Database.open(store_url), await Database.open(store_url)
    a, b = Inbox(first, clock), Inbox(second, clock)
    await a.setup()
    await a.add([(f"e{n}", "Ticket_Add", {"n": n}) for n in range(20)])
    got_a, got_b = await asyncio.gather(a.claim(15), b.claim(15))
    assert len(got_a) + len(got_b) == 20
    assert not {e.id for e in got_a} & {e.id for e in got_b}
    ids_a, ids_b = {e.id for e in got_a}, {e.id for e in got_b}
    assert {e.id for e in await b.claim(50)} == ids_b  # its own again, none of the other's
    await first.close()  # the first process dies
    assert {e.id for e in await b.claim(50)} == ids_a | ids_b
    await second.close()


class TickingClock:
    """Time that passes: each reading is a millisecond after the one before, so a move that read
    the time before waiting for the write lock is older than one that read it later and got the
    lock first (as two processes' clocks would have it)."""

    def __init__(self, start: FrozenClock) -> None:
        self._now = start.now()

    def now(self) -> datetime:
        self._now += timedelta(milliseconds=1)
        return self._now


async def attendance_log_is_legal(db: Database, service: AttendanceService, agent: str) -> int:
    """Check the agent's log in the order it is read back (time, then id), each move legal
    from the one before it (no double check-in); return how many moves it holds."""
    rows = await db.fetchall(
        "SELECT status_id FROM attendance_events WHERE agent = ? ORDER BY at_ms, id", (agent,)
    )
    statuses = await service.statuses(include_deleted=True)
    by_id = {s.id: s for s in statuses}
    current: int | None = None
    for row in rows:
        check_move(current, by_id[row["status_id"]], statuses)
        current = row["status_id"]
    check_ins = [r["status_id"] for r in rows if r["status_id"] in (CHECK_IN, CHECK_OUT)]
    assert not check_ins or check_ins[0] == CHECK_IN
    return len(rows)


async def test_moves_for_one_agent_from_two_processes_make_a_legal_log(
    two: tuple[Database, Database], clock: FrozenClock
) -> None:
    ticking = TickingClock(clock)
    services = [AttendanceService(db, ticking) for db in two]
    for service in services:
        await service.setup()
    rng = random.Random(14)
    moves = [rng.choice(["in", "out", "short", "meal"]) for _ in range(100)]

    async def move(n: int, what: str) -> str:
        service = services[n % 2]
        try:
            if what == "in":
                await service.check_in("ada@example.com")
            elif what == "out":
                await service.check_out("ada@example.com")
            else:
                await service.break_("ada@example.com", "short" if what == "short" else "meal")
        except MoveRefused:
            return "refused"
        return "moved"

    outcomes = await asyncio.gather(*(move(n, what) for n, what in enumerate(moves)))
    moved = await attendance_log_is_legal(two[0], services[0], "ada@example.com")
    assert moved == outcomes.count("moved") > 1


async def test_the_scheduler_lease_has_one_holder_and_is_taken_over(
    engine: str, store_url: str
) -> None:
    first, second = await Database.open(store_url), await Database.open(store_url)
    lease_a, lease_b = first.lease("scheduler"), second.lease("scheduler")
    if engine == "sqlite":  # one serving process per SQLite file: it always holds it
        assert await lease_a.held() and await lease_b.held()
    else:
        assert await lease_a.held() and await lease_a.held()
        assert not await lease_b.held()
        await lease_a.release()  # its holder stops (or dies: its connection closes)
        assert await lease_b.held()
        assert not await lease_a.held()
        await lease_b.release()
    await first.close()
    await second.close()


async def test_a_signed_credential_is_used_once_whichever_process_sees_it(
    two: tuple[Database, Database], clock: FrozenClock
) -> None:
    """Replay protection and single-use OAuth `state` (bot/identity/connections.py) both rest
    on SeenCredentials: of two processes given the same credential together, one accepts it."""
    from bot.clock import epoch_ms
    from bot.store.seen import SeenCredentials

    seen = [SeenCredentials(db, clock) for db in two]
    await seen[0].setup()
    until = epoch_ms(clock.now()) + 600_000
    for n in range(20):
        firsts = await asyncio.gather(*(s.first_use(f"oauth-state:{n}", until) for s in seen))
        assert sorted(firsts) == [False, True]


async def test_two_stores_in_one_postgresql_database_share_no_lease_and_no_write_lock() -> None:
    """Advisory locks belong to the whole database: keyed by name alone, a second deskbot on
    another schema of the same database would wait forever for the first's scheduler lease,
    and queue behind its writes."""
    from tests.engines import PostgresSchema, postgres_base

    schemas = [PostgresSchema(postgres_base()) for _ in range(2)]
    for schema in schemas:
        await schema.create()
    stores = [await Database.open(schema.url) for schema in schemas]
    try:
        leases = [store.lease("scheduler") for store in stores]
        assert [await lease.held() for lease in leases] == [True, True]
        async with stores[0].transaction() as tx:  # a write in progress in the first...
            await tx.execute("INSERT INTO store_probe (id, at) VALUES (2, 0)")
            async with asyncio.timeout(5):  # ...does not hold up the second's
                await stores[1].execute("INSERT INTO store_probe (id, at) VALUES (2, 0)")
        for lease in leases:
            await lease.release()
    finally:
        for store in stores:
            await store.close()
        for schema in schemas:
            await schema.drop()


@pytest.mark.parametrize(
    ("first", "second", "waits"),
    [
        ("attendance:a", "attendance:b", False),  # two agents' moves side by side
        ("attendance:a", "attendance:a", True),  # one agent's, one at a time
        (None, None, False),  # rows only beside rows only
        (None, "attendance:a", False),
        ("*", None, True),  # the whole store excludes every other write...
        (None, "*", True),  # ...and waits for those under way
        ("attendance:a", "*", True),
        ("*", "attendance:a", True),
    ],
)
async def test_postgresql_lets_writes_side_by_side_only_as_their_keys_allow(
    first: str | None, second: str | None, waits: bool
) -> None:
    from tests.engines import PostgresSchema, postgres_base

    schema = PostgresSchema(postgres_base())
    await schema.create()
    one, two = await Database.open(schema.url), await Database.open(schema.url)

    async def blocked() -> int:
        row = await one.fetchone(
            "SELECT COUNT(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
        )
        return int(row["n"]) if row else 0

    async def write() -> None:
        async with two.transaction(key=second) as tx:
            await tx.execute("INSERT INTO store_probe (id, at) VALUES (3, 0)")

    try:
        async with one.transaction(key=first) as tx:
            await tx.execute("INSERT INTO store_probe (id, at) VALUES (2, 0)")
            writing = asyncio.ensure_future(write())
            if not waits:
                async with asyncio.timeout(10):
                    await writing  # done while the first is still open
            else:
                for _ in range(1000):  # a bounded poll (10 s) of the server's lock table:
                    if await blocked():  # the second asks for a lock the first holds
                        break
                    await asyncio.sleep(0.01)
                else:
                    raise AssertionError("the second write never waited for the first")
                assert not writing.done()
        async with asyncio.timeout(10):
            await writing
    finally:
        await one.close()
        await two.close()
        await schema.drop()
