"""The console's sessions (bot.store.console_sessions) on both engines: only digests stored,
sign-ins used once and expiring, sessions ending when idle, at their lifetime and at sign-out,
and seen alike by every process on the store."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator

import pytest

from bot.clock import FrozenClock
from bot.store.console_sessions import (
    IDLE,
    LIFETIME,
    LOGIN_LIFETIME,
    ConsoleSessions,
    LoginRefused,
)
from bot.store.db import Database


@pytest.fixture
async def sessions(store_url: str, clock: FrozenClock) -> AsyncIterator[ConsoleSessions]:
    db = await Database.open(store_url)
    made = ConsoleSessions(db, clock)
    await made.setup()
    yield made
    await db.close()


async def test_only_digests_are_stored(sessions: ConsoleSessions) -> None:
    login = await sessions.start_login("/console/")
    token, session = await sessions.open("agent@example.com")
    rows = await sessions._db.fetchall("SELECT * FROM console_sessions")
    stored = " ".join(str(v) for row in rows for v in tuple(row))
    assert token not in stored and login not in stored
    assert hashlib.sha256(token.encode()).hexdigest() in stored
    assert session.email == "agent@example.com" and len(session.csrf) >= 40


async def test_a_sign_in_is_used_once_and_expires(
    sessions: ConsoleSessions, clock: FrozenClock
) -> None:
    token = await sessions.start_login("/console/board")
    assert await sessions.finish_login(token) == "/console/board"
    with pytest.raises(LoginRefused, match="already used"):
        await sessions.finish_login(token)
    late = await sessions.start_login("/console/")
    clock.advance(seconds=LOGIN_LIFETIME.total_seconds() + 1)
    with pytest.raises(LoginRefused, match="too long"):
        await sessions.finish_login(late)
    for junk in ("", "x" * 65, "é", "not-a-token"):
        with pytest.raises(LoginRefused):
            await sessions.finish_login(junk)


async def test_two_callbacks_racing_use_a_sign_in_once(sessions: ConsoleSessions) -> None:
    token = await sessions.start_login("/console/")
    results = await asyncio.gather(
        *(sessions.finish_login(token) for _ in range(5)), return_exceptions=True
    )
    assert sum(1 for r in results if r == "/console/") == 1
    assert all(isinstance(r, LoginRefused) for r in results if r != "/console/")


async def test_a_session_ends_idle_at_its_lifetime_or_at_sign_out(
    sessions: ConsoleSessions, clock: FrozenClock
) -> None:
    token, _ = await sessions.open("agent@example.com")
    clock.advance(seconds=IDLE.total_seconds() - 1)
    assert await sessions.get(token) is not None  # seen: idle time starts again
    clock.advance(seconds=IDLE.total_seconds() - 1)
    assert await sessions.get(token) is not None
    clock.advance(seconds=IDLE.total_seconds())
    assert await sessions.get(token) is None
    kept, _ = await sessions.open("agent@example.com")
    for _ in range(int(LIFETIME / (IDLE / 2))):
        clock.advance(seconds=IDLE.total_seconds() / 2)
        await sessions.get(kept)
    clock.advance(seconds=IDLE.total_seconds() / 2)
    assert await sessions.get(kept) is None
    closed, _ = await sessions.open("agent@example.com")
    await sessions.close(closed)
    assert await sessions.get(closed) is None
    for junk in ("", "x" * 65, "é"):
        assert await sessions.get(junk) is None
        await sessions.close(junk)


async def test_another_process_on_the_store_sees_the_session(
    sessions: ConsoleSessions, store_url: str, clock: FrozenClock
) -> None:
    token, session = await sessions.open("admin@example.com")
    other_db = await Database.open(store_url)
    try:
        other = ConsoleSessions(other_db, clock)
        await other.setup()  # migrations already applied: nothing happens
        assert await other.get(token) == session
        await other.close(token)
    finally:
        await other_db.close()
    assert await sessions.get(token) is None
