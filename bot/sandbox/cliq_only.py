"""The sandbox Cliq and its Accounts on loopback, for any bot built on the framework.

    async with cliq_sandbox(clock) as sandbox:
        client = CliqClient(session, sandbox.cliq_url, sandbox.tokens(session), "standup")

Deskbot's own `start_sandboxes` adds the sandbox Desk; this is the part a bot without Desk needs
to post through the real REST client (`bot.cliq.client`) to a Cliq held to Zoho's documents.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import aiohttp
from aiohttp import web

from bot.clock import Clock
from bot.oauth import Accounts, TokenManager
from bot.sandbox.accounts import TokenRegistry, create_accounts_app
from bot.sandbox.cliq import CliqSandbox, create_cliq_app

CLIENT_ID = "sandbox-client"
CLIENT_SECRET = "sandbox-secret"
REFRESH_TOKEN = "sandbox-bot-refresh-token"
"""The well-known OAuth client and refresh token the sandbox Accounts accepts."""


@dataclass
class CliqOnlySandbox:
    """Running sandboxes: `cliq` (the sandbox Cliq's state: channels, chats, every message
    posted, faults to inject; `bot.sandbox.cliq.CliqSandbox`), `cliq_url` (a `CliqClient`'s
    `base_url`), `accounts_url`, `registry` (the tokens Accounts knows) and `tokens(session)`
    (the token source a `CliqClient` posts with)."""

    cliq: CliqSandbox
    cliq_url: str
    accounts_url: str
    registry: TokenRegistry
    clock: Clock

    def tokens(self, session: aiohttp.ClientSession) -> TokenManager:
        """A token manager for the sandbox's bot user (admin@example.com), over `session`."""
        accounts = Accounts(
            session,
            self.accounts_url,
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            clock=self.clock,
        )
        return accounts.tokens(REFRESH_TOKEN)


@asynccontextmanager
async def cliq_sandbox(
    clock: Clock, *, host: str = "127.0.0.1", owner: str = "admin@example.com"
) -> AsyncIterator[CliqOnlySandbox]:
    """Start the sandbox Accounts and Cliq on free loopback ports; stop them on exit.
    `owner` is the Cliq user the refresh token acts as."""
    registry = TokenRegistry(clock)
    registry.add_refresh_token(REFRESH_TOKEN, owner)
    cliq = CliqSandbox(registry.identity, clock)
    runners: list[web.AppRunner] = []
    urls: list[str] = []
    try:
        for app in (
            create_accounts_app(registry, client_id=CLIENT_ID, client_secret=CLIENT_SECRET),
            create_cliq_app(cliq),
        ):
            runner = web.AppRunner(app, access_log=None)
            await runner.setup()
            runners.append(runner)
            await web.TCPSite(runner, host, 0).start()
            urls.append(f"http://{host}:{runner.addresses[0][1]}")
        yield CliqOnlySandbox(cliq, urls[1], urls[0], registry, clock)
    finally:
        for runner in reversed(runners):
            await runner.cleanup()
