"""The inbox's group commit: callers arriving together share a transaction, each gets its own
counts, and a redelivery inside the same batch is still a duplicate."""

from __future__ import annotations

import asyncio

from bot.clock import FrozenClock
from bot.store.db import Database
from bot.store.inbox import Inbox


def event(n: int) -> tuple[str, str, dict[str, object]]:
    return (f"Ticket_Update:{n}:1", "Ticket_Update", {"n": n})


async def test_concurrent_deliveries_are_stored_once_with_their_own_counts(
    store_url: str,
    clock: FrozenClock,
) -> None:
    db = await Database.open(store_url)
    inbox = Inbox(db, clock)
    await inbox.setup()
    results = await asyncio.gather(
        *(inbox.add([event(n % 30)]) for n in range(50)),
        inbox.add([event(100), event(100)]),
    )
    assert sum(a for a, _ in results) == 31 and sum(d for _, d in results) == 21
    assert results[-1] == (1, 1)
    assert await inbox.count() == 31
    pending = await inbox.pending(100)
    assert [p.body for p in pending][:2] == [{"n": 0}, {"n": 1}]
    await db.close()


async def test_a_failed_commit_fails_every_caller_of_the_batch(
    store_url: str, clock: FrozenClock
) -> None:
    db = await Database.open(store_url)
    inbox = Inbox(db, clock)  # no setup: the table does not exist
    outcomes = await asyncio.gather(
        inbox.add([event(1)]), inbox.add([event(2)]), return_exceptions=True
    )
    assert all(isinstance(o, Exception) for o in outcomes)
    await db.close()
