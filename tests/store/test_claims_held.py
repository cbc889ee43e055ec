"""An outcome is written only while its claim holds, on both engines (bot/store/claims.py).

Two processes share one store (each `Database` here is one process's connection) and one clock.
The first claims a row, then looks gone to the second (its PostgreSQL liveness connection
drops; on SQLite its holder is no longer listed among the open stores), which takes the row
over. Whatever the first then writes (processed, failed, waiting, parked; delivered, retried,
dead, unsure, rerouted) is dropped and logged, and the second's claim and outcome stand.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from typing import Any

import pytest

from bot.clock import FrozenClock
from bot.store import sqlite
from bot.store.db import Database
from bot.store.inbox import MAX_ATTEMPTS, Inbox, Stored
from bot.store.outbox import Outbox, Post
from bot.store.postgres import PostgresDatabase


@pytest.fixture
async def two(store_url: str) -> AsyncIterator[tuple[Database, Database]]:
    first, second = await Database.open(store_url), await Database.open(store_url)
    yield first, second
    await first.close()
    await second.close()


async def looks_gone(db: Database) -> None:
    """Make `db`'s process look gone to the others while it still works, as when its
    PostgreSQL liveness connection drops (or, on SQLite, its holder is no longer listed)."""
    if isinstance(db, PostgresDatabase):
        assert db._alive is not None
        await db._alive.close()  # the session lock that says "alive" goes with it
    else:
        sqlite._OPEN.discard(db.holder)


async def inbox_row(db: Database, event_id: int) -> dict[str, Any]:
    row = await db.fetchone(
        "SELECT processed_at, dead_at, attempts, waits, last_error, next_attempt_at, claimed_by,"
        " claim_token FROM inbox WHERE id = ?",
        (event_id,),
    )
    assert row is not None
    return dict(row)


LateInbox = Callable[[Inbox, Database, Stored], Awaitable[bool]]


async def _processed(inbox: Inbox, db: Database, event: Stored) -> bool:
    async with db.transaction() as tx:
        return await inbox.mark_processed(tx, event)


async def _failed(inbox: Inbox, db: Database, event: Stored) -> bool:
    async with db.transaction() as tx:
        return await inbox.failed(tx, event, "late failure", event_time(inbox))


async def _failed_last(inbox: Inbox, db: Database, event: Stored) -> bool:
    last = Stored(**{**event.__dict__, "attempts": MAX_ATTEMPTS - 1})  # its last try: parks
    assert last.last_try
    return await _failed(inbox, db, last)


async def _waits(inbox: Inbox, db: Database, event: Stored) -> bool:
    async with db.transaction() as tx:
        return await inbox.wait(tx, event, "late wait", event_time(inbox))


async def _parked(inbox: Inbox, db: Database, event: Stored) -> bool:
    async with db.transaction() as tx:
        return await inbox.park(tx, event, "late park")


def event_time(inbox: Inbox) -> Any:
    return inbox._clock.now()  # due at once: a late write would make it due before its time


LATE_INBOX: dict[str, LateInbox] = {
    "processed": _processed,
    "failed": _failed,
    "failed_last_try": _failed_last,
    "waits": _waits,
    "parked": _parked,
}


@pytest.mark.parametrize("late", sorted(LATE_INBOX))
async def test_a_late_event_outcome_never_overwrites_the_new_holders(
    two: tuple[Database, Database],
    clock: FrozenClock,
    late: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    first, second = two
    a, b = Inbox(first, clock), Inbox(second, clock)
    await a.setup()
    await a.add([("e1", "Ticket_Add", {"n": 1})])
    [mine] = await a.claim()
    assert mine.claim is not None
    await looks_gone(first)
    [theirs] = await b.claim()  # taken over
    assert theirs.id == mine.id and theirs.claim != mine.claim
    write = LATE_INBOX[late]
    held = await inbox_row(second, mine.id)

    # The new holder is still working on it: the late outcome is dropped, its claim stands.
    with caplog.at_level(logging.WARNING):
        assert not await write(a, first, mine)
    assert "claim was lost" in caplog.text and f"inbox row {mine.id}" in caplog.text
    assert await inbox_row(second, mine.id) == held

    # The new holder finds Desk down: it waits a minute (rescheduled, no attempt used) …
    async with second.transaction() as tx:
        assert await b.wait(tx, theirs, "waiting for Desk", clock.now() + timedelta(minutes=1))
    waiting = await inbox_row(second, mine.id)
    assert not await write(a, first, mine)  # … which the late worker cannot undo or park
    assert await inbox_row(second, mine.id) == waiting
    clock.advance(seconds=30)
    assert await b.claim() == []  # not due before the new holder's time
    clock.advance(seconds=31)
    [again] = await b.claim()

    # The new holder delivers it: processed, once, and nothing late changes that.
    async with second.transaction() as tx:
        assert await b.mark_processed(tx, again)
    done = await inbox_row(second, mine.id)
    assert not await write(a, first, mine)
    assert await inbox_row(second, mine.id) == done
    assert done["processed_at"] and done["dead_at"] is None and done["attempts"] == 0
    assert await b.counts() == {"processed": 1, "pending": 0, "waiting": 0, "dead": 0}


async def test_an_event_outcome_needs_the_claim_it_was_read_under(
    two: tuple[Database, Database], clock: FrozenClock
) -> None:
    first, _ = two
    inbox = Inbox(first, clock)
    await inbox.setup()
    await inbox.add([("e1", "Ticket_Add", {"n": 1})])
    [unclaimed] = await inbox.pending()
    assert not await _parked(inbox, first, unclaimed)  # read without a claim: no outcome
    [earlier] = await inbox.claim()
    [later] = await inbox.claim()  # this process's next round takes it again, anew
    assert not await _parked(inbox, first, earlier)  # the earlier round's claim is over
    assert await _processed(inbox, first, later)
    assert await inbox.counts() == {"processed": 1, "pending": 0, "waiting": 0, "dead": 0}


async def outbox_row(db: Database, post_id: int) -> dict[str, Any]:
    row = await db.fetchone(
        "SELECT target_kind, target, delivered_at, dead_at, attempts, last_error,"
        " next_attempt_at, unsure_since, sending_since, claimed_by, claim_token, rerouted_from"
        " FROM outbox WHERE id = ?",
        (post_id,),
    )
    assert row is not None
    return dict(row)


LatePost = Callable[[Outbox, Post], Awaitable[Any]]

LATE_OUTBOX: dict[str, LatePost] = {
    "retry_later": lambda o, p: o.retry_later(p, o._clock.now(), "late 5xx"),
    "dead": lambda o, p: o.dead(p, "late refusal"),
    "unsure": lambda o, p: o.unsure(p, o._clock.now(), "late lost answer"),
    "sure": lambda o, p: o.sure(p),
    "reroute": lambda o, p: o.reroute(p, "channel", "elsewhere", {"text": "x"}, "late reroute"),
    "sending": lambda o, p: o.sending(p),
}


async def _taken_over(
    two: tuple[Database, Database], clock: FrozenClock
) -> tuple[Outbox, Outbox, Post, Post]:
    """The first process claims a DM and has it in flight; it looks gone; the second takes
    it back (unsure: it may have reached Cliq) and claims it."""
    first, second = two
    a, b = Outbox(first, clock), Outbox(second, clock)
    await a.setup()
    await a.enqueue(None, "user", "ada@example.com", {"text": "hi"}, "k1", fallback="desk")
    [mine] = await a.claim()
    assert await a.sending(mine)
    await looks_gone(first)
    assert await b.recover() == 1
    [theirs] = await b.claim()
    assert theirs.id == mine.id and theirs.unsure_since is not None
    return a, b, mine, theirs


@pytest.mark.parametrize("late", sorted(LATE_OUTBOX))
async def test_a_late_post_outcome_never_overwrites_the_new_holders(
    two: tuple[Database, Database],
    clock: FrozenClock,
    late: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    a, b, mine, theirs = await _taken_over(two, clock)
    second = two[1]
    held = await outbox_row(second, mine.id)
    with caplog.at_level(logging.WARNING):
        assert not await LATE_OUTBOX[late](a, mine)
    assert "claim was lost" in caplog.text and f"outbox row {mine.id}" in caplog.text
    assert await outbox_row(second, mine.id) == held
    # The new holder's own steps and outcome still go through.
    assert await b.sure(theirs) and await b.sending(theirs)
    assert not await LATE_OUTBOX[late](a, mine)
    assert await b.delivered(theirs)
    done = await outbox_row(second, mine.id)
    assert not await LATE_OUTBOX[late](a, mine)
    assert await outbox_row(second, mine.id) == done
    assert await b.counts() == {"delivered": 1, "dead": 0, "waiting": 0, "rerouted": 0}


async def test_a_late_delivery_is_kept_only_while_nobody_else_sends_the_post(
    two: tuple[Database, Database], clock: FrozenClock
) -> None:
    # Cliq took the first process's post, and the new holder has not sent it yet: recording
    # the delivery keeps it from being posted twice (the new holder then sends nothing).
    a, b, mine, theirs = await _taken_over(two, clock)
    assert await a.delivered(mine)
    assert not await b.sending(theirs)
    assert await b.counts() == {"delivered": 1, "dead": 0, "waiting": 0, "rerouted": 0}


async def test_a_late_delivery_is_dropped_while_the_new_holder_sends_it(
    two: tuple[Database, Database], clock: FrozenClock
) -> None:
    a, b, mine, theirs = await _taken_over(two, clock)
    assert await b.sure(theirs) and await b.sending(theirs)
    in_flight = await outbox_row(two[1], mine.id)
    assert not await a.delivered(mine)
    assert await outbox_row(two[1], mine.id) == in_flight
    assert await b.retry_later(theirs, clock.now(), "5xx")  # the new holder's outcome stands
    assert await b.counts() == {"delivered": 0, "dead": 0, "waiting": 1, "rerouted": 0}
