"""The client's rules: who a post is from, recipient batches, Retry-After forms, auth retries;
and the sandbox's fault switch over HTTP."""

from __future__ import annotations

from datetime import timedelta
from email.utils import format_datetime

import aiohttp
import pytest
from aiohttp import web

from bot.cliq.client import (
    MAX_RECIPIENTS,
    CliqClient,
    CliqCredentialsRefused,
    CliqRateLimited,
    CliqRejected,
    CliqUnavailable,
)
from bot.clock import FrozenClock
from bot.oauth import TokenManager
from tests.cliq_client.conftest import Sleeps, StaticToken, World


async def test_a_buddy_dm_is_from_the_person_a_bot_dm_from_the_bot(world: World) -> None:
    await world.client.post_to_buddy("light@example.com", {"text": "from a person"})
    await world.client.post_to_user("light@example.com", {"text": "from the bot"})
    senders = [(m["body"]["text"], m["sender"]) for m in world.cliq.to("user", "light@example.com")]
    assert senders == [("from a person", "admin@example.com"), ("from the bot", "deskbot")]


async def test_more_than_a_hundred_recipients_go_out_in_batches(world: World) -> None:
    people = [f"p{i}@example.com" for i in range(2 * MAX_RECIPIENTS + 5)]
    for person in people:
        world.cliq.open_bot_chat("deskbot", person)
    await world.client.post_to_bot_subscribers({"text": "all hands"}, userids=people)
    assert sorted(m["target"] for m in world.cliq.messages) == sorted(people)
    posts = [r for r in world.requests if r == "POST /api/v2/bots/deskbot/message"]
    assert len(posts) == 3
    with pytest.raises(ValueError, match="userids or broadcast"):
        await world.client.post_to_bot_subscribers({"text": "nobody"})


async def test_an_unknown_channel_and_a_missing_bot_are_permanent(world: World) -> None:
    with pytest.raises(CliqRejected) as caught:
        await world.client.post_to_channel("nowhere", {"text": "x"})
    assert (caught.value.status, caught.value.code) == (404, "channel_not_exist")
    assert world.sleeps.waits == []


async def test_post_to_a_response_url(world: World) -> None:
    url = f"{world.client._base}/sandbox/response/abc123"
    await world.client.post_to_response_url(url, {"text": "late answer"})
    assert world.cliq.to("response", "abc123")[0]["body"] == {"text": "late answer"}
    with pytest.raises(CliqRejected, match="bad_response_url"):
        await world.client.post_to_response_url("/sandbox/response/x", {"text": "x"})


async def test_our_token_goes_only_to_our_cliq_host(aiohttp_server, world: World) -> None:
    seen: list[str | None] = []

    async def elsewhere(request: web.Request) -> web.Response:
        seen.append(request.headers.get("Authorization"))
        return web.Response(status=204)

    app = web.Application()
    app.router.add_post("/responses/{token}", elsewhere)
    other = await aiohttp_server(app)
    await world.client.post_to_response_url(str(other.make_url("/responses/t1")), {"text": "x"})
    assert seen == [None]
    same_host = world.client._base.replace("127.0.0.1", "localhost")  # another origin, too
    assert same_host != world.client._base
    assert not world.client._same_origin(f"{same_host}/x")
    assert world.client._same_origin(f"{world.client._base}/sandbox/response/t")


async def test_a_rejected_token_is_refreshed_and_retried_only_once(world: World) -> None:
    first = await world.tokens.token()
    world.registry.expire_all()
    await world.client.post_to_chat("CT_1", {"text": "after a refresh"})
    assert world.tokens.refreshes == 2 and await world.tokens.token() != first

    never_valid = StaticToken()
    client = CliqClient(
        world.client._session,
        world.client._base,
        never_valid,
        "deskbot",
        sleep=world.sleeps,
    )
    with pytest.raises(CliqRejected) as caught:
        await client.post_to_chat("CT_1", {"text": "x"})
    assert caught.value.code == "oauthtoken_invalid"
    assert never_valid.invalidated == ["1000.static"]  # one retry, not a loop


@pytest.mark.parametrize(
    ("header", "expected"),
    [("12", 12.0), ("date+90s", 90.0), ("date-30s", 0.0), ("soon", 600.0), (None, 600.0)],
)
async def test_retry_after_in_seconds_or_as_a_date_else_the_lock_period(
    aiohttp_server, clock: FrozenClock, header: str | None, expected: float
) -> None:
    if header and header.startswith("date"):
        header = format_datetime(clock.now() + timedelta(seconds=int(header[4:-1])), usegmt=True)
    calls = 0

    async def limited(request: web.Request) -> web.Response:
        nonlocal calls
        calls += 1
        if calls > 1:
            return web.Response(status=204)
        headers = {"Retry-After": header} if header else {}
        body = {
            "code": "request_limit_exceeded",
            "message": "You have exceeded the URL throttle limits.",
        }
        return web.json_response(body, status=400, headers=headers)

    app = web.Application()
    app.router.add_post("/api/v2/chats/{chat}/message", limited)
    server = await aiohttp_server(app)
    sleeps = Sleeps()
    async with aiohttp.ClientSession() as session:
        client = CliqClient(
            session,
            str(server.make_url("")),
            StaticToken(),
            "deskbot",
            clock,
            sleep=sleeps,
            max_wait=1000,
        )
        await client.post_to_chat("CT_1", {"text": "x"})
    assert sleeps.waits == [expected] and calls == 2


async def test_a_wait_beyond_max_wait_is_handed_to_the_caller(world: World) -> None:
    world.cliq.fail(429, 1, retry_after=90)
    with pytest.raises(CliqRateLimited) as caught:
        await world.client.post_to_channel("desk", {"text": "x"})
    assert (caught.value.status, caught.value.retry_after) == (429, 90)
    assert world.sleeps.waits == [] and world.cliq.messages == []


async def test_faults_over_http(world: World) -> None:
    session, base = world.client._session, world.client._base
    for kind in ("429", "request_limit_exceeded", "400", "503"):
        async with session.post(
            f"{base}/sandbox/faults", json={"kind": kind, "retry_after": 2}
        ) as response:
            assert response.status == 200
    async with session.post(f"{base}/sandbox/faults", json={"kind": "418"}) as response:
        assert response.status == 400 and "unknown fault kind" in (await response.json())["message"]
    async with session.post(f"{base}/sandbox/faults", data="not json") as response:
        assert response.status == 400
    assert [f.kind for f in world.cliq.faults] == ["429", "limit", "limit", "503"]
    client = CliqClient(session, base, world.tokens, "deskbot", sleep=world.sleeps, attempts=5)
    await client.post_to_channel("desk", {"text": "through"})
    assert world.sleeps.waits[:3] == [2.0, 2.0, 2.0] and len(world.sleeps.waits) == 4
    await client.post_to_channel("desk", {"text": "two"})
    async with session.get(
        f"{base}/sandbox/messages", params={"target_kind": "channel", "target": "desk"}
    ) as response:
        assert [m["body"]["text"] for m in (await response.json())["messages"]] == [
            "through",
            "two",
        ]
    world.cliq.fail("503", 3)
    async with session.delete(f"{base}/sandbox/faults") as response:
        assert response.status == 204
    assert not world.cliq.faults


def client_with(world: World, tokens: TokenManager, attempts: int = 4) -> CliqClient:
    return CliqClient(
        world.client._session,
        world.client._base,
        tokens,
        "deskbot",
        sleep=world.sleeps,
        attempts=attempts,
    )


def manager_like(world: World, **changes: str) -> TokenManager:
    settings = {"token_url": world.tokens._url, "refresh_token": "r1", **changes}
    return TokenManager(
        world.client._session,
        token_url=settings["token_url"],
        client_id="c",
        client_secret="s",
        refresh_token=settings["refresh_token"],
        clock=world.registry._clock,
    )


async def test_the_refresh_limit_surfaces_as_a_rate_limit_without_calling_cliq(
    world: World, clock: FrozenClock
) -> None:
    for _ in range(10):
        await world.tokens.invalidate(await world.tokens.token())
        clock.advance(seconds=6)
    before = len(world.requests)
    with pytest.raises(CliqRateLimited) as caught:
        await world.client.post_to_channel("desk", {"text": "x"})
    assert caught.value.code == "token_refresh_limit"
    assert caught.value.retry_after == 540
    assert world.requests[before:] == [] and world.sleeps.waits == []


async def test_refused_credentials_are_raised_at_once_as_a_wait_not_a_rejection(
    world: World,
) -> None:
    """Issue 17: a refused token ends when an admin renews it, so a durable caller waits."""
    client = client_with(world, manager_like(world, refresh_token="revoked"))
    with pytest.raises(CliqCredentialsRefused) as caught:
        await client.post_to_chat("CT_1", {"text": "x"})
    assert caught.value.code == "oauth_invalid_code" and world.sleeps.waits == []
    assert isinstance(caught.value, CliqUnavailable) and not isinstance(caught.value, CliqRejected)


async def test_an_unreachable_accounts_server_is_retried_then_unavailable(world: World) -> None:
    client = client_with(
        world, manager_like(world, token_url="http://127.0.0.1:9/oauth/v2/token"), attempts=3
    )
    with pytest.raises(CliqUnavailable) as caught:
        await client.post_to_chat("CT_1", {"text": "x"})
    assert caught.value.code == "accounts_unavailable" and len(world.sleeps.waits) == 2
    assert world.cliq.messages == []


async def test_sync_message_returns_ids_except_for_a_bot_in_a_channel(world: World) -> None:
    sync = {"text": "x", "sync_message": True}
    answer = await world.client.post_to_chat("CT_1", sync)
    assert "%20" in answer["message_id"]  # URL-encoded "<ms> <number>", as Cliq sends it
    assert await world.client.post_to_channel("desk", sync) is None  # as the bot: no ID
    both = await world.client.post_to_bot_subscribers(sync, userids=["a@example.com", "b@x.org"])
    assert both["user_ids"] == ["a@example.com", "b@x.org"]
    assert set(both["message_details"]) == {"a@example.com", "b@x.org"}
    assert await world.client.post_to_chat("CT_1", {"text": "no sync"}) is None
