"""The Cliq client's world: sandbox Accounts and Cliq on loopback, a frozen clock, and a sleep
that only records how long it was asked to wait."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.cliq.client import CliqClient
from bot.clock import FrozenClock
from bot.oauth import TokenManager, token_url
from bot.sandbox.accounts import TokenRegistry, create_accounts_app
from bot.sandbox.cliq import CliqSandbox, create_cliq_app

FIXTURES = Path(__file__).parent.parent / "fixtures" / "cliq"
SUBSCRIBERS = ("agent@example.com", "light@example.com", "a@example.com", "b@x.org")
"""People who have opened Deskbot's chat, so its DMs reach them (the sandbox's strict default)."""


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / f"{name}.json").read_text())


class StaticToken:
    """A token source for a stand-in Cliq that does not check tokens."""

    def __init__(self, token: str = "1000.static") -> None:
        self.value = token
        self.invalidated: list[str] = []

    async def token(self) -> str:
        return self.value

    async def invalidate(self, token: str) -> None:
        self.invalidated.append(token)


class Sleeps:
    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


class World:
    def __init__(
        self,
        client: CliqClient,
        cliq: CliqSandbox,
        registry: TokenRegistry,
        tokens: TokenManager,
        sleeps: Sleeps,
    ) -> None:
        self.client, self.cliq, self.registry, self.tokens, self.sleeps = (
            client,
            cliq,
            registry,
            tokens,
            sleeps,
        )
        self.requests: list[str] = []  # "METHOD path" of every HTTP request the session made


@pytest.fixture
async def world(aiohttp_server, clock: FrozenClock):  # type: ignore[no-untyped-def]
    registry = TokenRegistry(clock)
    registry.add_refresh_token("r1", "admin@example.com")
    accounts = await aiohttp_server(create_accounts_app(registry, client_id="c", client_secret="s"))
    cliq = CliqSandbox(registry.identity, clock)
    cliq.add_channel("desk", bots=("deskbot",))
    for chat_id in ("CT_1", "CT_9"):  # group chats the token's user (the admin) is in
        cliq.add_chat(chat_id, ["admin@example.com", "agent@example.com"])
    for person in SUBSCRIBERS:
        cliq.open_bot_chat("deskbot", person)
    server = await aiohttp_server(create_cliq_app(cliq))
    trace = aiohttp.TraceConfig()
    seen: list[str] = []

    async def on_start(session: Any, context: Any, params: aiohttp.TraceRequestStartParams) -> None:
        seen.append(f"{params.method} {params.url.path}")

    trace.on_request_start.append(on_start)
    async with aiohttp.ClientSession(trace_configs=[trace]) as session:
        tokens = TokenManager(
            session,
            token_url=token_url(str(accounts.make_url(""))),
            client_id="c",
            client_secret="s",
            refresh_token="r1",
            clock=clock,
        )
        sleeps = Sleeps()
        client = CliqClient(
            session,
            str(server.make_url("")),
            tokens,
            "deskbot",
            clock,
            sleep=sleeps,
            rng=random.Random(1),
        )
        world = World(client, cliq, registry, tokens, sleeps)
        world.requests = seen
        yield world
