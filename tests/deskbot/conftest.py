"""Deskbot end to end: the real app with its sandboxes, talked to over HTTP as Cliq would."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from bot.app import SERVICES, create_app
from bot.clock import FrozenClock
from bot.config import Config
from bot.services import Services
from bot.testing import Conversation, SignedRequests

PEOPLE = {
    "agent": {"email": "agent@example.com", "first_name": "Aiko", "id": "555001"},
    "admin": {"email": "admin@example.com", "first_name": "Ada", "id": "555000"},
    "light": {"email": "light@example.com", "first_name": "Lee", "id": "555002"},
    "stranger": {"email": "stranger@elsewhere.example", "first_name": "Sam", "id": "555009"},
}


@dataclass
class Deskbot:
    client: Any
    signer: SignedRequests
    clock: FrozenClock
    waits: list[float]

    @property
    def services(self) -> Services:
        return self.client.server.app[SERVICES]["services"]

    def chat(self, who: str = "agent", **chat: Any) -> Conversation:
        return Conversation(self.client, self.signer, user=PEOPLE[who], chat=chat or None)

    async def connect(self, email: str) -> None:
        """As if the agent had gone through the consent flow."""
        refresh = f"sandbox-refresh-{email}"
        assert self.services.sandboxes is not None
        self.services.sandboxes.registry.add_refresh_token(refresh, email)
        await self.services.connections.store(email, refresh)

    async def deliver(self) -> int:
        return await self.services.sender.run_once()

    @property
    def cliq_messages(self) -> list[dict[str, Any]]:
        assert self.services.sandboxes is not None
        return self.services.sandboxes.cliq.messages


@pytest.fixture
async def deskbot(aiohttp_client, config: Config, clock: FrozenClock, signer) -> Deskbot:  # type: ignore[no-untyped-def]
    waits: list[float] = []

    async def no_wait(seconds: float) -> None:
        waits.append(seconds)  # retries back off without slowing the tests

    client = await aiohttp_client(create_app(config, clock=clock, sleep=no_wait))
    return Deskbot(client, signer, clock, waits)
