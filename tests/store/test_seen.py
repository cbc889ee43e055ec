"""Signed credentials seen: kept only until their window closes, so the table stays bounded."""

from __future__ import annotations

from bot.cliq.replays import MemoryReplays
from bot.clock import FrozenClock, epoch_ms
from bot.store.db import Database
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


async def test_the_in_memory_guard_is_bounded(clock: FrozenClock) -> None:
    guard = MemoryReplays(clock, max_entries=50)
    until = epoch_ms(clock.now()) + 300_000
    for n in range(200):
        assert await guard.first_use(f"c{n}", until)
    assert not await guard.first_use("c199", until)
    assert len(guard._seen) == 50


async def test_the_in_memory_guard_takes_a_credential_again_once_its_window_closed(
    clock: FrozenClock,
) -> None:
    guard = MemoryReplays(clock, max_entries=3)
    until = epoch_ms(clock.now()) + 300_000
    for name in ("a", "b", "c"):
        assert await guard.first_use(name, until)
    assert not await guard.first_use("a", until)  # inside its window: a replay
    clock.advance(minutes=5, seconds=1)
    later = epoch_ms(clock.now()) + 300_000
    assert await guard.first_use("a", later)  # its window closed: a new call
    assert not await guard.first_use("a", later)
    assert await guard.first_use("d", later)  # the oldest entry ("b") makes room, not "a"
    assert list(guard._seen) == ["c", "a", "d"]
