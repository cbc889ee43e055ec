"""Signed credentials seen: kept only until their window closes, so the table stays bounded."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from bot.cliq.replays import MemoryReplays
from bot.clock import FrozenClock, SystemClock, epoch_ms
from bot.store.db import WHOLE_STORE, Database, Tx
from bot.store.seen import SeenCredentials, Use


async def test_credentials_are_forgotten_when_their_window_closes(
    store_url: str, clock: FrozenClock
) -> None:
    db = await Database.open(store_url)
    seen = SeenCredentials(db, clock)
    await seen.setup()
    until = epoch_ms(clock.now()) + 300_000
    for n in range(100):
        assert await seen.first_use(f"c{n}", until)
    assert not await seen.first_use("c1", until)
    assert await seen.use("d", "body-1", until) is Use.FIRST
    assert await seen.use("d", "body-1", until) is Use.SAME_BODY
    assert await seen.use("d", "body-2", until) is Use.OTHER_BODY
    assert await seen.count() == 101
    clock.advance(minutes=5, seconds=1)
    assert await seen.first_use("new", epoch_ms(clock.now()) + 300_000)
    assert await seen.count() == 1  # the old window's credentials are gone
    await db.close()


async def test_the_in_memory_guard_is_bounded_and_remembers_the_last_max_entries(
    clock: FrozenClock,
) -> None:
    guard = MemoryReplays(clock, max_entries=50)
    until = epoch_ms(clock.now()) + 300_000
    for n in range(200):
        assert guard.first_use(f"c{n}", until)
        assert 1 <= len(guard) <= 100  # never more than twice max_entries held
    for n in range(150, 200):  # the last 50 are all remembered: each is a replay
        assert not guard.first_use(f"c{n}", until)
    assert guard.first_use("c0", until)  # long forgotten: memory is bounded


async def test_the_in_memory_guard_takes_a_credential_again_once_its_window_closed(
    clock: FrozenClock,
) -> None:
    guard = MemoryReplays(clock, max_entries=3)
    until = epoch_ms(clock.now()) + 300_000
    for name in ("a", "b", "c"):
        assert guard.first_use(name, until)
    assert not guard.first_use("a", until)  # inside its window: a replay
    clock.advance(minutes=5, seconds=1)
    later = epoch_ms(clock.now()) + 300_000
    assert guard.first_use("a", later)  # its window closed: a new call
    assert not guard.first_use("a", later)
    assert guard.first_use("d", later)
    for name in ("a", "d"):  # the newest are remembered across the turn-over
        assert not guard.first_use(name, later)


def test_the_in_memory_guard_needs_room_for_one() -> None:
    with pytest.raises(ValueError, match="max_entries"):
        MemoryReplays(SystemClock(), max_entries=0)


async def test_calls_together_share_one_commit_and_each_returns_after_it(
    tmp_path: Path, clock: FrozenClock
) -> None:
    """Group commit: the calls arriving together are recorded in one transaction, each caller
    is answered only once it has committed, and the records outlive the process (a new one on
    the same file refuses the replays)."""
    path = tmp_path / "seen.db"
    db = await Database.open(path)
    seen = SeenCredentials(db, clock)
    await seen.setup()
    commits: list[int] = []
    real = db.transaction

    @asynccontextmanager
    async def counted(key: str | None = WHOLE_STORE) -> AsyncIterator[Tx]:
        async with real(key) as tx:
            yield tx
        commits.append(len(commits) + 1)  # COMMIT is done

    db.transaction = counted  # type: ignore[method-assign]  # counts the commits
    until = epoch_ms(clock.now()) + 300_000

    async def first_use(name: str) -> tuple[bool, int]:
        return await seen.first_use(name, until), len(commits)

    answers = await asyncio.gather(*(first_use(f"c{n}") for n in range(20)), first_use("c3"))
    assert [fresh for fresh, _ in answers] == [True] * 20 + [False]  # "c3" twice: once only
    assert commits == [1]  # one transaction for all 21
    assert all(committed == 1 for _, committed in answers)  # each answered after it
    await db.close()
    again = await Database.open(path)
    try:
        restarted = SeenCredentials(again, clock)
        assert not await restarted.first_use("c7", until)
        assert await restarted.first_use("c20", until)
    finally:
        await again.close()


async def test_a_group_with_a_reused_token_fails_only_that_caller(clock: FrozenClock) -> None:
    """`use` in a group: first, same body, other body, each answered as if alone."""
    db = await Database.open(":memory:")
    seen = SeenCredentials(db, clock)
    await seen.setup()
    until = epoch_ms(clock.now()) + 300_000
    uses = await asyncio.gather(
        seen.use("t1", "body-a", until),
        seen.use("t1", "body-a", until),
        seen.use("t1", "body-b", until),
        seen.use("t2", "body-c", until),
    )
    assert uses == [Use.FIRST, Use.SAME_BODY, Use.OTHER_BODY, Use.FIRST]
    await db.close()
