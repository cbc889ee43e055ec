"""Deskbot's sandbox world: the three sandboxes on loopback, and real clients pointed at them.

    async with sandbox_world(config, clock) as world:
        ticket = await world.desk.ticket_by_number(115)

Bots built on the framework test the same way: real HTTP, real clients, an injected clock.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import aiohttp

from bot.cliq.client import CliqClient
from bot.clock import Clock
from bot.config import (
    SANDBOX_CLIENT_ID,
    SANDBOX_CLIENT_SECRET,
    SANDBOX_ORG_ID,
    SANDBOX_ORG_REFRESH_TOKEN,
    Config,
)
from bot.desk.client import DeskClient
from bot.oauth import Accounts, TokenManager
from bot.sandbox.run import Sandboxes, start_sandboxes


@dataclass
class SandboxWorld:
    sandboxes: Sandboxes
    session: aiohttp.ClientSession
    tokens: TokenManager
    desk: DeskClient
    cliq: CliqClient
    clock: Clock

    def desk_as(self, email: str, refresh_token: str | None = None) -> DeskClient:
        """A Desk client acting as `email` (registers a refresh token for them)."""
        refresh = refresh_token or f"sandbox-refresh-{email}"
        self.sandboxes.registry.add_refresh_token(refresh, email)
        tokens = sandbox_accounts(self.session, self.sandboxes, self.clock).tokens(refresh)
        return DeskClient(
            self.session, desk_api(self.sandboxes), SANDBOX_ORG_ID, tokens, self.clock
        )


def sandbox_accounts(
    session: aiohttp.ClientSession, sandboxes: Sandboxes, clock: Clock
) -> Accounts:
    """The sandbox Accounts for the sandbox's OAuth client."""
    return Accounts(
        session,
        sandboxes.urls["accounts"],
        client_id=SANDBOX_CLIENT_ID,
        client_secret=SANDBOX_CLIENT_SECRET,
        clock=clock,
    )


def desk_api(sandboxes: Sandboxes) -> str:
    return f"{sandboxes.urls['desk']}/api/v1"


@asynccontextmanager
async def sandbox_world(config: Config, clock: Clock) -> AsyncIterator[SandboxWorld]:
    sandboxes = await start_sandboxes(config, clock)
    try:
        async with aiohttp.ClientSession() as session:
            tokens = sandbox_accounts(session, sandboxes, clock).tokens(SANDBOX_ORG_REFRESH_TOKEN)
            desk = DeskClient(session, desk_api(sandboxes), SANDBOX_ORG_ID, tokens, clock)
            cliq = CliqClient(session, sandboxes.urls["cliq"], tokens, config.cliq.bot_unique_name)
            yield SandboxWorld(sandboxes, session, tokens, desk, cliq, clock)
    finally:
        await sandboxes.stop()
