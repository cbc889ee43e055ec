"""The HTTP edge: JSON errors with reasons (401, 400, 413, 404, 405), never a 500 or a traceback."""

from __future__ import annotations

import json

from bot.app import create_app
from bot.clock import FrozenClock, epoch_ms
from bot.config import Config
from bot.testing import Conversation, SignedRequests, envelope


async def client_for(aiohttp_client, config: Config, clock: FrozenClock):  # type: ignore[no-untyped-def]
    return await aiohttp_client(create_app(config, clock=clock))


def ticket_envelope(clock: FrozenClock) -> dict:
    env = envelope("command", "execution_handler", name="help", params={"arguments": ""})
    env["timestamp"] = epoch_ms(clock.now())
    return env


async def assert_json_error(response, status: int, contains: str) -> dict:  # type: ignore[no-untyped-def]
    assert response.status == status
    assert response.content_type == "application/json"
    body = await response.json()
    assert contains in body["reason"], body
    assert "Traceback" not in json.dumps(body)
    assert response.headers["X-Request-Id"]
    return body


async def test_signed_help_command_answers(aiohttp_client, config, clock, signer) -> None:  # type: ignore[no-untyped-def]
    client = await client_for(aiohttp_client, config, clock)
    answer = await Conversation(client, signer).command("help")
    assert answer.status == 200
    assert "/help" in answer.all_text()


async def test_unsigned_request_is_401(aiohttp_client, config, clock) -> None:  # type: ignore[no-untyped-def]
    client = await client_for(aiohttp_client, config, clock)
    response = await client.post("/cliq", data=json.dumps(ticket_envelope(clock)))
    await assert_json_error(response, 401, "unsigned")


async def test_forged_signature_is_401(aiohttp_client, config, clock) -> None:  # type: ignore[no-untyped-def]
    client = await client_for(aiohttp_client, config, clock)
    body, headers = SignedRequests("not-the-secret", clock).sign(ticket_envelope(clock))
    response = await client.post("/cliq", data=body, headers=headers)
    await assert_json_error(response, 401, "bad signature")


async def test_stale_signature_is_401(aiohttp_client, config, clock, signer) -> None:  # type: ignore[no-untyped-def]
    client = await client_for(aiohttp_client, config, clock)
    body, headers = signer.sign(ticket_envelope(clock))
    clock.advance(minutes=5, seconds=1)
    response = await client.post("/cliq", data=body, headers=headers)
    await assert_json_error(response, 401, "stale")


async def test_truncated_json_is_400(aiohttp_client, config, clock, signer) -> None:  # type: ignore[no-untyped-def]
    client = await client_for(aiohttp_client, config, clock)
    body = b'{"type": "command", "handler": {"ty'
    response = await client.post("/cliq", data=body, headers=signer.headers(body))
    await assert_json_error(response, 400, "malformed JSON")


async def test_wrong_field_type_is_400_naming_it(aiohttp_client, config, clock, signer) -> None:  # type: ignore[no-untyped-def]
    client = await client_for(aiohttp_client, config, clock)
    env = ticket_envelope(clock)
    env["params"]["user"] = "me"
    body, headers = signer.sign(env)
    response = await client.post("/cliq", data=body, headers=headers)
    await assert_json_error(response, 400, "params.user")


async def test_unknown_handler_type_is_400(aiohttp_client, config, clock, signer) -> None:  # type: ignore[no-untyped-def]
    client = await client_for(aiohttp_client, config, clock)
    env = ticket_envelope(clock)
    env["handler"] = {"type": "teleport_handler"}
    body, headers = signer.sign(env)
    response = await client.post("/cliq", data=body, headers=headers)
    await assert_json_error(response, 400, "handler.type")


async def test_oversize_body_is_413(aiohttp_client, config, clock, signer) -> None:  # type: ignore[no-untyped-def]
    client = await client_for(aiohttp_client, config, clock)
    env = ticket_envelope(clock)
    env["params"]["arguments"] = "x" * (1024 * 1024 + 1)
    body, headers = signer.sign(env)
    response = await client.post("/cliq", data=body, headers=headers)
    await assert_json_error(response, 413, "too large")


async def test_unknown_path_is_404_and_wrong_method_405(aiohttp_client, config, clock) -> None:  # type: ignore[no-untyped-def]
    client = await client_for(aiohttp_client, config, clock)
    await assert_json_error(await client.get("/nowhere"), 404, "nothing is answered at /nowhere")
    await assert_json_error(
        await client.get("/cliq"), 405, "GET is not answered at /cliq, which takes POST"
    )


async def test_healthz(aiohttp_client, config, clock) -> None:  # type: ignore[no-untyped-def]
    client = await client_for(aiohttp_client, config, clock)
    response = await client.get("/healthz")
    assert response.status == 200
    body = await response.json()
    assert body["ok"] is True and body["version"]
    assert set(body["sandboxes"]) == {"desk", "cliq", "accounts"}
    assert all(url.startswith("http://127.0.0.1:") for url in body["sandboxes"].values())
    async with client.session.get(f"{body['sandboxes']['cliq']}/sandbox/messages") as listed:
        assert (await listed.json())["messages"] == []
