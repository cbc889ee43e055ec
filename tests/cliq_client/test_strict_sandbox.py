"""The sandbox Cliq refuses what Zoho's v2 documents say Cliq refuses (docs/zoho-contract.md,
"Cliq"), and our client passes it. Each test names the rule it holds."""

from __future__ import annotations

from typing import Any

import pytest

from bot.cliq.client import (
    CliqAmbiguous,
    CliqClient,
    CliqRateLimited,
    CliqRejected,
    CliqUnavailable,
)
from bot.sandbox.cliq import Switches
from bot.sandbox.run import start_sandboxes
from tests.cliq_client.conftest import World

GOOD_BUTTON = {
    "label": "Status",
    "type": "+",
    "key": "status:1",
    "action": {"type": "invoke.function", "data": {"name": "botbutton"}},
}


async def raw(
    world: World, method: str, path: str, body: Any = None, **params: str
) -> tuple[int, Any]:
    """One call with our token, bypassing the client's own shaping of requests."""
    token = await world.tokens.token()
    async with world.client._session.request(
        method,
        f"{world.client._base}{path}",
        json=body,
        params=params or None,
        headers={"Authorization": f"Zoho-oauthtoken {token}"},
    ) as response:
        text = await response.text()
        return response.status, (await response.json()) if text else None


ENDPOINTS = {
    "channel": "/api/v2/channelsbyname/desk/message",
    "bot": "/api/v2/bots/deskbot/message",
    "chat": "/api/v2/chats/CT_1/message",
}


@pytest.mark.parametrize(
    ("endpoint", "key", "value"),
    [
        ("channel", "userids", "agent@example.com"),  # bot messages only
        ("channel", "broadcast", False),  # bot messages only
        ("channel", "mark_as_read", True),  # a query parameter here, not a body key
        ("chat", "userids", "agent@example.com"),
        ("chat", "broadcast", True),
        ("bot", "mark_as_read", True),
        ("bot", "chatid", "CT_1"),
        ("chat", "suggestions", {"list": []}),  # a handler reply, not a REST message
    ],
)
async def test_unknown_body_keys_are_refused_per_endpoint(
    world: World, endpoint: str, key: str, value: Any
) -> None:
    body = {"text": "x", "userids": "agent@example.com"} if endpoint == "bot" else {"text": "x"}
    body[key] = value
    status, answer = await raw(world, "POST", ENDPOINTS[endpoint], body)
    assert (status, answer["code"]) == (400, "extra_key_found")
    assert f"'{key}' is an extra key" in answer["message"]
    assert world.cliq.messages == []


async def test_the_documented_keys_of_each_endpoint_are_accepted(world: World) -> None:
    await world.client.post_to_channel("desk", {"text": "x", "reply_to": "1", "sync_message": True})
    await world.client.post_to_chat("CT_1", {"text": "x", "mark_as_read": True, "reply_to": "1"})
    await world.client.post_to_bot_subscribers(
        {"text": "x", "reply_to": "1", "sync_message": True}, userids=["agent@example.com"]
    )
    assert len(world.cliq.messages) == 3


async def test_unknown_query_parameters_are_refused(world: World) -> None:
    status, answer = await raw(world, "POST", ENDPOINTS["channel"], {"text": "x"}, zapikey="k")
    assert (status, answer["code"]) == (400, "extra_param_found")
    status, answer = await raw(world, "GET", "/api/v2/channels", **{"from": "0"})
    assert (status, answer["code"]) == (400, "extra_param_found")
    status, answer = await raw(world, "GET", "/api/v2/chats/CT_1/messages", since="0")
    assert (status, answer["code"]) == (400, "extra_param_found")


@pytest.mark.parametrize("endpoint", sorted(ENDPOINTS))
async def test_text_is_required_on_rest_posts(world: World, endpoint: str) -> None:
    body: dict[str, Any] = {"card": {"title": "No text", "theme": "modern-inline"}}
    if endpoint == "bot":
        body["userids"] = "agent@example.com"
    status, answer = await raw(world, "POST", ENDPOINTS[endpoint], body)
    assert (status, answer["code"]) == (400, "input_pattern_mismatch")
    assert "text is mandatory" in answer["message"]


async def test_channels_are_listed_at_most_100_a_page_with_next_token(world: World) -> None:
    for number in range(249):
        world.cliq.add_channel(f"team {number}")
    status, answer = await raw(world, "GET", "/api/v2/channels", limit="200")
    assert (status, answer["code"]) == (400, "input_pattern_mismatch")
    world.requests.clear()
    channels = await world.client.channels()
    assert len(channels) == 250 and len({c["unique_name"] for c in channels}) == 250
    assert world.requests == ["GET /api/v2/channels"] * 3


async def test_channel_objects_have_only_the_documented_fields_and_no_bots(world: World) -> None:
    documented = {
        "pinned", "level", "chat_id", "joined", "creator_name", "unique_name", "total_message_count",
        "organization_id", "admin_permission", "moderator_permission", "member_permission",
        "muted_interval", "channel_id", "creator_id", "invite_only", "unread_time",
        "unread_message_count", "last_message_info", "last_modified_time", "status",
        "description", "creation_time", "participant_count", "current_user_role", "teams", "name",
    }  # fmt: skip
    await world.client.create_channel("Support JP")
    for channel in await world.client.channels():
        assert set(channel) <= documented and "bots" not in channel


async def test_associate_is_limited_to_five_a_minute_then_locked_five_minutes(
    world: World,
) -> None:
    for number in range(6):
        world.cliq.add_channel(f"room {number}")
    for number in range(5):
        assert await world.client.add_bot_to_channel(f"room{number}") is True
    with pytest.raises(CliqRateLimited) as caught:
        await world.client.add_bot_to_channel("room5")
    assert caught.value.retry_after == 300
    world.cliq.clock.advance(minutes=4)  # type: ignore[attr-defined]
    with pytest.raises(CliqRateLimited):
        await world.client.add_bot_to_channel("room5")
    world.cliq.clock.advance(minutes=1, seconds=1)  # type: ignore[attr-defined]
    assert await world.client.add_bot_to_channel("room5") is True


@pytest.mark.parametrize("repeat", ["error", "ok"])
async def test_a_repeat_associate_is_success_for_the_client_under_either_answer(
    world: World, repeat: str
) -> None:
    world.cliq.switches.repeat_associate = repeat  # type: ignore[assignment]
    status, answer = await raw(
        world, "POST", "/api/v2/bots/deskbot/associate", {"channel_unique_name": "desk"}
    )
    assert (status, (answer or {}).get("code")) == (
        (400, "bot_already_member") if repeat == "error" else (204, None)
    )
    assert await world.client.add_bot_to_channel("desk") is (repeat == "ok")


async def test_chat_posts_are_from_the_token_user_and_only_into_their_chats(world: World) -> None:
    world.cliq.add_chat("CT_77", ["agent@example.com", "light@example.com"])
    with pytest.raises(CliqRejected) as caught:
        await world.client.post_to_chat("CT_77", {"text": "not my chat"})
    assert caught.value.status == 403
    with pytest.raises(CliqRejected) as caught:
        await world.client.post_to_chat("CT_404", {"text": "no such chat"})
    assert caught.value.status == 404
    await world.client.post_to_chat("CT_1", {"text": "mine", "bot": {"name": "Deskbot"}})
    [posted] = world.cliq.messages
    assert posted["sender"] == "admin@example.com"  # the `bot` key changes only the display


@pytest.mark.parametrize("subscribers_only", [True, False])
async def test_bot_dms_reach_subscribers_only_unless_switched_off(
    world: World, subscribers_only: bool
) -> None:
    world.cliq.switches.dm_subscribers_only = subscribers_only
    post = world.client.post_to_user("never-opened@example.com", {"text": "hello"})
    if subscribers_only:
        with pytest.raises(CliqRejected) as caught:
            await post
        assert caught.value.code == "botmessage_no_valid_users"
        assert world.cliq.messages == []
    else:
        await post
        assert world.cliq.to("user", "never-opened@example.com")
    await world.client.post_to_user("agent@example.com", {"text": "subscribed"})
    assert world.cliq.to("user", "agent@example.com")[0]["sender"] == "deskbot"


def _buttons(count: int, **change: Any) -> list[dict[str, Any]]:
    return [{**GOOD_BUTTON, **change} for _ in range(count)]


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ({"text": "x" * 5001}, "5000"),
        ({"text": "x", "buttons": _buttons(6)}, "at most 5"),
        ({"text": "x", "buttons": _buttons(1, label="l" * 21)}, "20"),
        ({"text": "x", "buttons": _buttons(1, type=None)}, "type is mandatory"),
        ({"text": "x", "buttons": _buttons(1, key="k" * 101)}, "key is at most 100"),
        ({"text": "x", "buttons": _buttons(1, hint="h" * 101)}, "hint is at most 100"),
        (
            {"text": "x", "buttons": _buttons(1, action={"type": "invoke.bot", "data": {}})},
            "action.type",
        ),
        (
            {
                "text": "x",
                "buttons": _buttons(
                    1, action={"type": "open.url", "data": {"web": "https://x/" + "y" * 247}}
                ),
            },
            "at most 256",
        ),
        ({"text": "x", "card": {"title": "t", "theme": "fancy"}}, "card.theme"),
        ({"text": "x", "card": {"title": "t" * 201}}, "200"),
        ({"text": "x", "slides": [{"type": "text", "data": "s"}] * 21}, "at most 20"),
        ({"text": "x", "slides": [{"type": "label", "data": [{"a": 1, "b": 2}]}]}, "one-key"),
        ({"text": "x", "slides": [{"type": "chart", "data": []}]}, "type must be one of"),
    ],
)
async def test_message_content_follows_zohos_documented_limits(
    world: World, body: dict[str, Any], says: str
) -> None:
    body = {
        **body,
        "buttons": [{k: v for k, v in b.items() if v is not None} for b in body.get("buttons", [])],
    }
    if not body["buttons"]:
        body.pop("buttons")
    with pytest.raises(CliqRejected) as caught:
        await world.client.post_to_chat("CT_1", body)
    assert caught.value.code == "input_pattern_mismatch" and says in caught.value.message
    assert world.cliq.messages == [] and world.sleeps.waits == []


@pytest.mark.parametrize("kind", ["lost", "drop"])
async def test_a_lost_answer_is_ambiguous_and_never_blindly_reposted_by_the_client(
    world: World, kind: str
) -> None:
    world.cliq.fail(kind)
    with pytest.raises(CliqAmbiguous) as caught:
        await world.client.post_to_channel("desk", {"text": "did it arrive?"})
    assert isinstance(caught.value, CliqUnavailable)  # a caller that knows no better retries
    assert [m["body"]["text"] for m in world.cliq.messages] == ["did it arrive?"]
    assert world.sleeps.waits == []


async def test_a_failure_before_cliq_had_the_post_is_retried_as_before(world: World) -> None:
    world.cliq.fail("503", 2)
    await world.client.post_to_channel("desk", {"text": "after two 503s"})
    assert [m["body"]["text"] for m in world.cliq.messages] == ["after two 503s"]


async def test_recent_messages_of_a_chat_only_for_its_members(world: World) -> None:
    await world.client.post_to_channel("desk", {"text": "one"})
    world.cliq.clock.advance(seconds=5)  # type: ignore[attr-defined]
    await world.client.post_to_channel("desk", {"text": "two"})
    chat_id = world.cliq.channels["desk"]["chat_id"]
    since = world.cliq.messages[1]["time"]
    status, answer = await raw(
        world, "GET", f"/api/v2/chats/{chat_id}/messages", fromtime=str(since)
    )
    assert status == 200 and [m["content"] for m in answer["data"]] == ["two"]
    status, answer = await raw(world, "GET", f"/api/v2/chats/{chat_id}/messages", limit="101")
    assert (status, answer["code"]) == (400, "input_pattern_mismatch")
    world.cliq.add_chat("CT_77", ["agent@example.com"])
    status, answer = await raw(world, "GET", "/api/v2/chats/CT_77/messages")
    assert status == 403


async def test_the_switches_come_from_bot_toml_and_over_http(config, clock, world: World) -> None:  # type: ignore[no-untyped-def]
    sandbox_config = config.sandbox.model_copy(
        update={"cliq_dm_subscribers_only": False, "cliq_repeat_associate": "ok"}
    )
    sandboxes = await start_sandboxes(config.model_copy(update={"sandbox": sandbox_config}), clock)
    try:
        assert sandboxes.cliq.switches == Switches(dm_subscribers_only=False, repeat_associate="ok")
    finally:
        await sandboxes.stop()
    session, base = world.client._session, world.client._base
    async with session.post(f"{base}/sandbox/switches", json={"repeat_associate": "ok"}) as r:
        assert (await r.json()) == {
            "dm_subscribers_only": True,
            "repeat_associate": "ok",
            "posting_limit": True,
        }
    async with session.post(f"{base}/sandbox/switches", json={"repeat_associate": "x"}) as r:
        assert r.status == 400
    async with session.post(f"{base}/sandbox/bots/deskbot/chat", json={"user": "N@ew.org"}) as r:
        chat = await r.json()
    assert chat["type"] == "bot" and chat["id"].endswith("-B2")
    assert world.cliq.subscribed("deskbot", "n@ew.org")


async def test_reading_a_chats_messages_is_limited_to_15_a_minute(world: World) -> None:
    chat_id = world.cliq.channels["desk"]["chat_id"]
    for _ in range(15):
        status, _answer = await raw(world, "GET", f"/api/v2/chats/{chat_id}/messages")
        assert status == 200
    status, answer = await raw(world, "GET", f"/api/v2/chats/{chat_id}/messages")
    assert (status, answer["code"]) == (400, "request_limit_exceeded")


async def test_one_listing_serves_every_check_made_soon_after_it(world: World) -> None:
    sent_at = world.cliq.clock.now()  # type: ignore[attr-defined]
    for number in range(30):
        await world.client.post_to_channel("desk", {"text": f"n{number}"})
    world.cliq.clock.advance(seconds=3)  # type: ignore[attr-defined]
    world.requests.clear()
    for number in range(30):
        found = await world.client.was_posted("channel", "desk", {"text": f"n{number}"}, sent_at)
        assert found is True
    assert not await world.client.was_posted("channel", "desk", {"text": "never"}, sent_at)
    reads = [r for r in world.requests if r.endswith("/messages")]
    assert len(reads) == 1


@pytest.mark.parametrize("endpoint", ["channel", "chat"])
async def test_posting_is_limited_to_50_a_minute_per_endpoint_then_a_10_minute_lock(
    world: World, endpoint: str
) -> None:
    for number in range(50):
        status, _ = await raw(world, "POST", ENDPOINTS[endpoint], {"text": f"n{number}"})
        assert status == 204
    status, answer = await raw(world, "POST", ENDPOINTS[endpoint], {"text": "one too many"})
    assert (status, answer["code"]) == (400, "request_limit_exceeded")
    other = "chat" if endpoint == "channel" else "channel"
    status, _ = await raw(world, "POST", ENDPOINTS[other], {"text": "another endpoint"})
    assert status == 204
    world.cliq.clock.advance(minutes=9)  # type: ignore[attr-defined]
    status, _ = await raw(world, "POST", ENDPOINTS[endpoint], {"text": "still locked"})
    assert status == 400
    world.cliq.clock.advance(minutes=1, seconds=1)  # type: ignore[attr-defined]
    status, _ = await raw(world, "POST", ENDPOINTS[endpoint], {"text": "unlocked"})
    assert status == 204


async def test_a_read_timeout_after_cliq_took_the_post_is_a_lost_answer(world: World) -> None:
    """The `stall` fault takes the post and does not answer: the client's per-call timeout
    ends the wait, and the post is ambiguous (checked before any re-post), not re-sent."""
    client = CliqClient(
        world.client._session, world.client._base, world.tokens, "deskbot", timeout=0.05
    )
    world.cliq.fail("stall")
    try:
        with pytest.raises(CliqAmbiguous) as caught:
            await client.post_to_channel("desk", {"text": "slow"})
    finally:
        world.cliq.release()
    assert caught.value.code == "answer_lost"
    assert [m["body"]["text"] for m in world.cliq.messages] == ["slow"]
    assert await client.was_posted("channel", "desk", {"text": "slow"}, world.cliq.clock.now())  # type: ignore[attr-defined]
