"""Fixtures for the Desk client tests: a fake Desk on loopback and a client pointed at it."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator

import aiohttp
import pytest

from bot.clock import FrozenClock
from bot.desk.client import DeskClient
from tests.desk_client.fake_desk import ORG_ID, FakeDesk


class Tokens:
    """A TokenSource that mints `tok-1`, `tok-2`… and records invalidations."""

    def __init__(self) -> None:
        self.minted = 1
        self.invalidated: list[str] = []

    @property
    def current(self) -> str:
        return f"tok-{self.minted}"

    async def token(self) -> str:
        return self.current

    async def invalidate(self, token: str) -> None:
        self.invalidated.append(token)
        if token == self.current:
            self.minted += 1


class Sleeps:
    """An injected `sleep` that records the waits instead of waiting."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture
def desk() -> FakeDesk:
    return FakeDesk()


@pytest.fixture
def tokens() -> Tokens:
    return Tokens()


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
async def client(
    aiohttp_server, desk: FakeDesk, session, tokens: Tokens, clock: FrozenClock, sleeps: Sleeps
) -> DeskClient:  # type: ignore[no-untyped-def]
    server = await aiohttp_server(desk.app)
    return DeskClient(
        session,
        str(server.make_url("/api/v1")),
        ORG_ID,
        tokens,
        clock,
        sleep=sleeps,
        rng=random.Random(7),
    )
