"""The Cliq client against the sandbox Cliq (with the sandbox Accounts), over loopback."""

from __future__ import annotations

import asyncio
import random

import pytest

from bot.cliq.client import CliqClient, CliqRateLimited, CliqRejected, CliqUnavailable
from bot.cliq.message import Message
from tests.cliq_client.conftest import World, fixture


async def test_every_posting_method_lands_in_the_sandbox(world: World) -> None:
    message = Message(text="hello")
    await world.client.post_to_channel("desk", message)
    await world.client.post_to_user("Agent@Example.com", message)
    await world.client.post_to_chat("CT_9", {"text": "raw dict"})
    await world.client.post_to_bot_subscribers(message, broadcast=True)
    await world.client.deliver("channel", "desk", {"text": "from the outbox"})
    kinds = [(m["target_kind"], m["target"], m["body"]["text"]) for m in world.cliq.messages]
    assert kinds == [
        ("channel", "desk", "hello"),
        ("user", "agent@example.com", "hello"),
        ("chat", "CT_9", "raw dict"),
        ("user", "*subscribers*", "hello"),
        ("channel", "desk", "from the outbox"),
    ]
    assert world.cliq.messages[0]["sender"] == "deskbot"


async def test_contract_fixtures_are_accepted(world: World) -> None:
    await world.client.post_to_channel("desk", fixture("channel_post"))
    await world.client._call("POST", "/api/v2/bots/deskbot/message", fixture("bot_message"))
    assert world.cliq.messages[0]["body"] == fixture("channel_post")
    assert world.cliq.to("user", "agent@example.com")


async def test_an_extra_key_is_a_permanent_error_with_cliqs_code(world: World) -> None:
    with pytest.raises(CliqRejected) as caught:
        await world.client.post_to_chat("CT_1", {"text": "x", "chatid": "CT_1"})
    expected = fixture("errors")["extra_key_found"]
    assert caught.value.status == expected["status"]
    assert caught.value.code == expected["body"]["code"]
    assert world.sleeps.waits == []


async def test_channels_create_associate_and_post(world: World) -> None:
    created = await world.client.create_channel("Support JP")
    assert created["unique_name"] == "supportjp"
    with pytest.raises(CliqRejected, match="bot_not_member"):
        await world.client.post_to_channel("supportjp", {"text": "x"})
    await world.client.add_bot_to_channel("supportjp")
    await world.client.post_to_channel("supportjp", {"text": "x"})
    assert [c["unique_name"] for c in await world.client.channels()] == ["desk", "supportjp"]
    with pytest.raises(CliqRejected, match="already_exists"):
        await world.client.create_channel("Support JP")


async def test_503_then_429_with_retry_after_then_request_limit_then_success(
    world: World,
) -> None:
    world.cliq.fail("503", 2)
    world.cliq.fail("429", 1, retry_after=7)
    world.cliq.fail("limit", 1, retry_after=3)
    client = CliqClient(
        world.client._session,
        world.client._base,
        world.tokens,
        "deskbot",
        sleep=world.sleeps,
        rng=random.Random(1),
        attempts=6,
    )
    await client.post_to_channel("desk", {"text": "finally"})
    assert len(world.cliq.messages) == 1
    assert world.sleeps.waits[2:] == [7.0, 3.0]
    assert all(0 <= w <= 1.0 for w in world.sleeps.waits[:2])


async def test_a_long_lock_period_is_not_slept_but_reported(world: World) -> None:
    world.cliq.fail("limit", 1)  # no Retry-After: the 10-minute lock period applies
    with pytest.raises(CliqRateLimited) as caught:
        await world.client.post_to_channel("desk", {"text": "x"})
    assert caught.value.retry_after == 600 and world.sleeps.waits == []


async def test_5xx_gives_up_after_the_attempts(world: World) -> None:
    world.cliq.fail("503", 10)
    with pytest.raises(CliqUnavailable):
        await world.client.post_to_channel("desk", {"text": "x"})
    assert len(world.sleeps.waits) == 3  # four attempts


async def test_unreachable_cliq_is_unavailable(world: World) -> None:
    client = CliqClient(
        world.client._session,
        "http://127.0.0.1:9",
        world.tokens,
        "deskbot",
        sleep=world.sleeps,
        attempts=2,
    )
    with pytest.raises(CliqUnavailable, match="unreachable"):
        await client.post_to_chat("CT_1", {"text": "x"})


async def test_a_token_expiring_mid_run_is_refreshed_once(world: World) -> None:
    await world.client.post_to_channel("desk", {"text": "one"})
    world.registry.expire_all()
    await asyncio.gather(*(world.client.post_to_channel("desk", {"text": "n"}) for _ in range(49)))
    assert world.tokens.refreshes == 2 and len(world.cliq.messages) == 50  # Cliq's 50 a minute


async def test_sandbox_lists_and_clears_messages_over_http(world: World) -> None:
    await world.client.post_to_channel("desk", {"text": "x"})
    session, base = world.client._session, world.client._base
    async with session.get(f"{base}/sandbox/messages") as response:
        assert [m["body"]["text"] for m in (await response.json())["messages"]] == ["x"]
    async with session.post(f"{base}/sandbox/faults", json={"kind": "503", "count": 1}) as r:
        assert (await r.json())["pending"] == 1
    async with session.delete(f"{base}/sandbox/messages") as response:
        assert response.status == 204
    assert world.cliq.messages == []
