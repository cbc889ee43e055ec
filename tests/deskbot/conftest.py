"""Deskbot end to end: the real app with its sandboxes, talked to over HTTP as Cliq would."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from aiohttp import web

import bot.parts
from bot.app import create_app
from bot.clock import FrozenClock
from bot.config import Config
from bot.sandbox.cliq.replies import check_reply
from bot.sandbox.run import Sandboxes
from bot.testing import Conversation, SignedRequests

PEOPLE = {
    "agent": {"email": "agent@example.com", "first_name": "Aiko", "id": "555001"},
    "admin": {"email": "admin@example.com", "first_name": "Ada", "id": "555000"},
    "light": {"email": "light@example.com", "first_name": "Lee", "id": "555002"},
    "stranger": {"email": "stranger@elsewhere.example", "first_name": "Sam", "id": "555009"},
}


class Parts:
    """A test's view of a running app's parts: `parts.outbox` is `app[bot.parts.OUTBOX]`, and
    so on for every key in bot.parts; `sandboxes` is None when there are none."""

    def __init__(self, app: web.Application) -> None:
        self._app = app

    @property
    def sandboxes(self) -> Sandboxes | None:
        return self._app.get(bot.parts.SANDBOXES)

    def __getattr__(self, name: str) -> Any:
        key = getattr(bot.parts, name.upper(), None)
        if not isinstance(key, web.AppKey):
            raise AttributeError(f"bot.parts has no key {name.upper()}")
        return self._app[key]


def parts_of(app: web.Application) -> Parts:
    return Parts(app)


@dataclass
class Deskbot:
    client: Any
    signer: SignedRequests
    clock: FrozenClock
    waits: list[float]

    @property
    def parts(self) -> Parts:
        """The app's parts (bot.parts), by lower-case name."""
        return Parts(self.client.server.app)

    def chat(self, who: str = "agent", *, language: str = "", **chat: Any) -> Conversation:
        """A conversation of `who` in a chat; without a chat, in their chat with the bot, which
        they thereby open in the sandbox Cliq (and so subscribe to the bot, as in Cliq).
        `language` is the Cliq `user.language` they send (none by default)."""
        person = PEOPLE[who]
        if not chat:
            assert self.parts.sandboxes is not None
            bot = self.parts.config.cliq.bot_unique_name
            chat = self.parts.sandboxes.cliq.open_bot_chat(bot, person["email"], person["id"])
        user = {**person, "language": language} if language else person
        return Conversation(
            self.client, self.signer, user=user, chat=chat, check_output=check_reply
        )

    async def connect(self, email: str) -> None:
        """As if the agent had gone through the consent flow."""
        refresh = f"sandbox-refresh-{email}"
        assert self.parts.sandboxes is not None
        self.parts.sandboxes.registry.add_refresh_token(refresh, email)
        await self.parts.connections.store(email, refresh)

    def subscribe(self, *emails: str) -> None:
        """These people opened Deskbot's chat in Cliq, so the bot's DMs reach them (the sandbox
        Cliq refuses DMs to anyone else by default); with no e-mails, every seeded agent."""
        from bot.sandbox.desk.seed import PEOPLE as AGENTS

        assert self.parts.sandboxes is not None
        bot = self.parts.config.cliq.bot_unique_name
        for email in emails or tuple(person[2] for person in AGENTS):
            self.parts.sandboxes.cliq.open_bot_chat(bot, email)

    async def deliver(self) -> int:
        return await self.parts.sender.run_once()

    @property
    def cliq_messages(self) -> list[dict[str, Any]]:
        assert self.parts.sandboxes is not None
        return self.parts.sandboxes.cliq.messages


@pytest.fixture
async def deskbot(config: Config, aiohttp_client, clock: FrozenClock, signer) -> Deskbot:  # type: ignore[no-untyped-def]
    """The app on its sandboxes. Its time-driven work (digests, reminders, the sweep) runs when
    a test calls it or moves the sandbox clock, not on wall-time timers: on a timer its first
    round would come before or after the test's own steps as the engine's speed decides (on
    PostgreSQL the scheduler's lease is asked for over a new connection first). `config`
    comes first so its store outlives the app (fixtures are torn down in reverse)."""
    waits: list[float] = []

    async def no_wait(seconds: float) -> None:
        waits.append(seconds)  # retries back off without slowing the tests

    client = await aiohttp_client(create_app(config, clock=clock, sleep=no_wait, timers=False))
    return Deskbot(client, signer, clock, waits)
