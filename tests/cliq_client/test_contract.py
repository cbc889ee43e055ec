"""Contract: the client and the sandbox Cliq measured against the same fixtures (shapes from
reference/cliq.md §1 and §5), so neither can drift from Zoho without a test noticing."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest
from aiohttp import web

from bot.cliq.client import CliqClient, CliqError, CliqRateLimited, CliqRejected, CliqUnavailable
from bot.cliq.message import Message
from tests.cliq_client.conftest import Sleeps, StaticToken, World, fixture

ERRORS = fixture("errors")
EXPECTED_CLASS: dict[str, type[CliqError]] = {
    "extra_key_found": CliqRejected,
    "input_pattern_mismatch": CliqRejected,
    "botmessage_no_valid_users": CliqRejected,
    "oauthtoken_invalid": CliqRejected,
    "request_limit_exceeded": CliqRateLimited,
    "too_many_requests": CliqRateLimited,
    "service_unavailable": CliqUnavailable,
}


async def zoho_like(aiohttp_server, status: int, body: Any, headers: dict[str, str]) -> str:  # type: ignore[no-untyped-def]
    """A stand-in Cliq that always gives one canned answer."""

    async def answer(request: web.Request) -> web.Response:
        return web.json_response(body, status=status, headers=headers)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", answer)
    return str((await aiohttp_server(app)).make_url(""))


@pytest.mark.parametrize("name", sorted(ERRORS))
async def test_the_client_reads_every_documented_error_body(aiohttp_server, clock, name) -> None:  # type: ignore[no-untyped-def]
    case = ERRORS[name]
    base = await zoho_like(aiohttp_server, case["status"], case["body"], case.get("headers", {}))
    sleeps = Sleeps()
    async with aiohttp.ClientSession() as session:
        client = CliqClient(
            session, base, StaticToken(), "deskbot", clock, sleep=sleeps, attempts=1
        )
        with pytest.raises(EXPECTED_CLASS[name]) as caught:
            await client.post_to_channel("desk", {"text": "x"})
    assert caught.value.status == case["status"]
    assert caught.value.code == case["body"]["code"]
    assert caught.value.message == case["body"]["message"]


async def test_the_sandbox_answers_the_documented_error_bodies(world: World) -> None:
    session, base = world.client._session, world.client._base
    token = await world.tokens.token()
    auth = {"Authorization": f"Zoho-oauthtoken {token}"}
    url = f"{base}/api/v2/chats/CT_1/message"

    async def post(body: Any, headers: dict[str, str]) -> tuple[int, Any]:
        async with session.post(url, json=body, headers=headers) as response:
            return response.status, await response.json()

    exact = {
        "extra_key_found": ({"text": "x", "chatid": "CT_1"}, auth),
        "oauthtoken_invalid": ({"text": "x"}, {"Authorization": "Zoho-oauthtoken 1000.nope"}),
    }
    for name, (body, headers) in exact.items():
        assert await post(body, headers) == (ERRORS[name]["status"], ERRORS[name]["body"])
    world.cliq.fail("request_limit_exceeded")
    assert await post({"text": "x"}, auth) == (400, ERRORS["request_limit_exceeded"]["body"])
    status, body = await post({"text": "x" * 5001}, auth)
    assert (status, body["code"]) == (400, "input_pattern_mismatch")
    assert "5000" in body["message"]


async def test_the_channel_post_fixture_is_a_valid_message_and_round_trips(world: World) -> None:
    body = fixture("channel_post")
    assert Message.from_wire(body).to_wire() == body
    await world.client.post_to_channel("desk", Message.from_wire(body))
    assert world.cliq.messages[-1]["body"] == body


async def test_the_bot_message_fixture_reaches_its_users(world: World) -> None:
    body = fixture("bot_message")
    content = {k: v for k, v in body.items() if k not in ("userids", "broadcast")}
    await world.client.post_to_bot_subscribers(content, userids=body["userids"].split(","))
    assert [m["body"] for m in world.cliq.to("user", body["userids"])] == [content]
    assert world.cliq.messages[-1]["sender"] == "deskbot"


async def test_channel_creation_answers_the_documented_keys(world: World) -> None:
    case = fixture("channel_create")
    created = await world.client.create_channel(
        case["request"]["name"],
        level=case["request"]["level"],
        description=case["request"]["description"],
    )
    assert set(case["response_keys"]) <= set(created)
    assert created["chat_id"].startswith("CT_") and created["level"] == "organization"


async def test_limits_come_from_the_message_models(world: World) -> None:
    """The sandbox refuses what the outbound models refuse, with Cliq's code, and no retry."""
    buttons = [
        {"label": f"b{i}", "action": {"type": "open.url", "data": {"web": "https://x"}}}
        for i in range(6)
    ]
    for bad in ({"text": "x", "buttons": buttons}, {"card": {"title": "t" * 201}, "text": "x"}):
        with pytest.raises(CliqRejected) as caught:
            await world.client.post_to_chat("CT_1", bad)
        assert caught.value.code == "input_pattern_mismatch"
    assert world.sleeps.waits == [] and world.cliq.messages == []
