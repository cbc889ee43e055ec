"""A Desk that accepts connections but never answers is Desk not answering, within
`[desk] timeout_seconds`, not a command held for aiohttp's default five minutes."""

from __future__ import annotations

import time

import pytest

from bot.app import create_app
from bot.clock import FrozenClock
from bot.config import Config
from bot.testing import Conversation, SignedRequests
from tests.deskbot.conftest import PEOPLE, parts_of


@pytest.fixture
def quick_config(config: Config) -> Config:
    return config.model_copy(
        update={"desk": config.desk.model_copy(update={"timeout_seconds": 0.3})}
    )


async def test_a_stalled_desk_is_an_answer_not_a_hang(
    aiohttp_client, quick_config: Config, clock: FrozenClock, signer: SignedRequests
) -> None:  # type: ignore[no-untyped-def]
    async def no_wait(seconds: float) -> None:
        return None

    client = await aiohttp_client(create_app(quick_config, clock=clock, sleep=no_wait))
    parts = parts_of(client.server.app)
    chat = Conversation(client, signer, user=PEOPLE["agent"])
    assert (await chat.say("/ticket 115")).kind == "message"  # Desk answers: the card

    parts.sandboxes.desk.fail(0, "STALL", count=20)
    started = time.monotonic()
    answer = await chat.say("/ticket 116")
    took = time.monotonic() - started
    parts.sandboxes.desk.faults.clear()
    text = str(answer.output)
    assert answer.kind in {"banner", "message"} and "Desk" in text, text
    assert took < 30, f"held {took:.1f} s"  # retried a few times at 0.3 s each, not 5 minutes
    assert (await chat.say("/ticket 115")).kind == "message"  # and Desk is used again after
