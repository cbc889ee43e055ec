"""`POST /cliq` at the edge: signature headers judged before the body, malformed headers and
bodies answered with 4xx JSON, and each signed call executed at most once (replays are 409)."""

from __future__ import annotations

import asyncio
import base64
import json

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from bot.app import create_app
from bot.cliq.verify import CliqSignatureVerifier, HmacVerifier
from bot.clock import FrozenClock, epoch_ms
from bot.config import Config
from bot.dispatch import Bot
from bot.handlers.web import make_web_app
from bot.router import Router
from bot.testing import SignedRequests, envelope
from tests.conftest import SECRET


def help_body(clock: FrozenClock, **params: object) -> bytes:
    env = envelope("command", "execution_handler", name="help", params={"arguments": ""})
    env["params"].update(params)
    env["timestamp"] = epoch_ms(clock.now())
    return json.dumps(env).encode()


async def assert_json(response, status: int, error: str) -> dict:  # type: ignore[no-untyped-def]
    assert response.status == status, await response.text()
    assert response.content_type == "application/json"
    body = await response.json()
    assert body["error"] == error, body
    assert "Traceback" not in json.dumps(body)
    return body


@pytest.fixture
async def client(aiohttp_client, config: Config, clock: FrozenClock):  # type: ignore[no-untyped-def]
    return await aiohttp_client(create_app(config, clock=clock))


async def test_a_signed_call_sent_again_is_409_replayed(client, clock, signer) -> None:  # type: ignore[no-untyped-def]
    body = help_body(clock)
    headers = signer.headers(body)
    first = await client.post("/cliq", data=body, headers=headers)
    assert first.status == 200
    for _ in range(3):
        await assert_json(await client.post("/cliq", data=body, headers=headers), 409, "replayed")
    # the same signature written in base64 instead of hex is the same call
    digest = bytes.fromhex(headers["X-Deskbot-Signature"])
    rewritten = {**headers, "X-Deskbot-Signature": base64.b64encode(digest).decode()}
    await assert_json(await client.post("/cliq", data=body, headers=rewritten), 409, "replayed")
    # a new call (new timestamp) with the same body is not a replay
    clock.advance(seconds=1)
    assert (await client.post("/cliq", data=body, headers=signer.headers(body))).status == 200
    # once outside the window the old one is stale, not executed
    clock.advance(minutes=5)
    await assert_json(await client.post("/cliq", data=body, headers=headers), 401, "unauthorized")


async def test_a_replayed_call_does_not_act_twice(aiohttp_client, clock, signer) -> None:  # type: ignore[no-untyped-def]
    """The issue's example: a signed Comment form sent three times made three comments."""
    calls: list[str] = []
    router = Router()

    @router.command("note")
    async def note(ctx, args: str) -> str:  # type: ignore[no-untyped-def]
        calls.append("note")
        return "noted"

    bot = Bot(name="t", clock=clock).include(router)
    own = await aiohttp_client(make_web_app(bot, HmacVerifier(SECRET, clock)))
    env = envelope("command", "execution_handler", name="note", params={"arguments": ""})
    env["timestamp"] = epoch_ms(clock.now())
    body = json.dumps(env).encode()
    headers = signer.headers(body)
    statuses = [(await own.post("/cliq", data=body, headers=headers)).status for _ in range(3)]
    assert statuses == [200, 409, 409] and calls == ["note"]


async def test_replays_are_refused_across_app_instances_on_one_store(
    aiohttp_client, config: Config, clock: FrozenClock, signer: SignedRequests
) -> None:
    """The signatures seen live in the store, so a second process on the file refuses too."""
    body = help_body(clock)
    headers = signer.headers(body)
    one = await aiohttp_client(create_app(config, clock=clock))
    assert (await one.post("/cliq", data=body, headers=headers)).status == 200
    two = await aiohttp_client(create_app(config, clock=clock))
    await assert_json(await two.post("/cliq", data=body, headers=headers), 409, "replayed")


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Deskbot-Timestamp": "9" * 5000, "X-Deskbot-Signature": "0" * 64},
        {"X-Deskbot-Timestamp": "1" * 16, "X-Deskbot-Signature": "0" * 64},
        {"X-Deskbot-Timestamp": "²³", "X-Deskbot-Signature": "0" * 64},
        {"X-Deskbot-Timestamp": "-1", "X-Deskbot-Signature": "0" * 64},
        {"X-Deskbot-Timestamp": "1e12", "X-Deskbot-Signature": "0" * 64},
        {"X-Deskbot-Timestamp": "NOW", "X-Deskbot-Signature": "zz"},
        {"X-Deskbot-Signature": "é" * 64, "X-Deskbot-Timestamp": "NOW"},
        {"X-Deskbot-Signature": "0" * 5000, "X-Deskbot-Timestamp": "NOW"},
        {"X-Deskbot-Signature": "", "X-Deskbot-Timestamp": "NOW"},
        {"X-Cliq-Signature": "!!!"},
        {"X-Cliq-Signature": "A" * 5000},
    ],
)
async def test_malformed_signature_headers_are_401_json(client, clock, headers) -> None:  # type: ignore[no-untyped-def]
    headers = {k: str(epoch_ms(clock.now())) if v == "NOW" else v for k, v in headers.items()}
    response = await client.post("/cliq", data=help_body(clock), headers=headers)
    await assert_json(response, 401, "unauthorized")


async def test_signature_headers_are_judged_before_the_body_is_read(client, clock) -> None:  # type: ignore[no-untyped-def]
    """An unsigned upload announcing 1 MB is answered at once, without its body being read."""
    reader, writer = await asyncio.open_connection(client.host, client.port)
    writer.write(
        b"POST /cliq HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"X-Deskbot-Timestamp: 1\r\nX-Deskbot-Signature: " + b"0" * 64 + b"\r\n"
        b"Content-Length: 1000000\r\n\r\n{"
    )
    await writer.drain()
    status_line = await asyncio.wait_for(reader.readline(), timeout=5)
    assert status_line.startswith(b"HTTP/1.1 401"), status_line
    writer.close()


async def test_a_declared_oversize_body_is_413_before_reading(client, clock, signer) -> None:  # type: ignore[no-untyped-def]
    reader, writer = await asyncio.open_connection(client.host, client.port)
    headers = signer.headers(b"{}")
    lines = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    writer.write(
        f"POST /cliq HTTP/1.1\r\nHost: x\r\n{lines}Content-Length: 50000000\r\n\r\n".encode()
    )
    await writer.drain()
    status_line = await asyncio.wait_for(reader.readline(), timeout=5)
    assert status_line.startswith(b"HTTP/1.1 413"), status_line
    writer.close()


@pytest.mark.parametrize("depth", [40, 5000, 200_000])
async def test_deep_json_on_the_hmac_path_is_400(client, clock, signer, depth) -> None:  # type: ignore[no-untyped-def]
    deep = "[" * depth + "]" * depth
    body = help_body(clock).replace(b'"arguments": ""', f'"arguments": {deep}'.encode())
    response = await client.post("/cliq", data=body, headers=signer.headers(body))
    await assert_json(response, 400, "bad_request")


@pytest.mark.parametrize(
    "poison",
    [
        "[" * 5000 + "]" * 5000,
        '{"a":' * 3000 + "1" + "}" * 3000,
        '"\\ud800 lone"',
        "NaN",
        "1e999",
        "9" * 5000,
    ],
)
async def test_unusable_json_on_the_rsa_signature_path_is_400(
    aiohttp_client, clock, poison
) -> None:  # type: ignore[no-untyped-def]
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    bot = Bot(name="t", clock=clock)
    client = await aiohttp_client(make_web_app(bot, CliqSignatureVerifier(pem, clock)))
    body = (
        '{"type":"command","handler":{"type":"execution_handler"},"params":{"x":'
        + poison
        + '},"timestamp":'
        + str(epoch_ms(clock.now()))
        + "}"
    ).encode()
    signature = base64.b64encode(key.sign(body, padding.PKCS1v15(), hashes.SHA256())).decode()
    response = await client.post("/cliq", data=body, headers={"X-Cliq-Signature": signature})
    await assert_json(response, 400, "bad_request")


@pytest.mark.parametrize(("size", "status"), [(900, b"401"), (1500, b"413")])
async def test_a_chunked_body_that_came_whole_is_held_to_the_size_limit(
    aiohttp_client, clock, signer, size, status
) -> None:  # type: ignore[no-untyped-def]
    """A chunked body declares no length; one that arrived whole with its headers (read from
    the buffer at once) is still refused above `max_body_bytes`, and read below it."""
    from bot.handlers.serving import EdgeLimits

    bot = Bot(name="t", clock=clock)
    app = make_web_app(bot, HmacVerifier(SECRET, clock), limits=EdgeLimits(max_body_bytes=1000))
    own = await aiohttp_client(app)
    body = b"x" * size
    lines = "".join(f"{k}: {v}\r\n" for k, v in signer.headers(b"other").items())
    reader, writer = await asyncio.open_connection(own.host, own.port)
    writer.write(
        f"POST /cliq HTTP/1.1\r\nHost: x\r\n{lines}Transfer-Encoding: chunked\r\n\r\n".encode()
        + f"{size:x}\r\n".encode()
        + body
        + b"\r\n0\r\n\r\n"
    )
    await writer.drain()
    status_line = await asyncio.wait_for(reader.readline(), timeout=5)
    assert status_line.split()[1] == status, status_line  # 401: read, then the signature fails
    writer.close()


def refusal_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "bot.handlers.cliq"]


async def test_refused_calls_are_logged_with_what_to_check_at_most_a_line_a_minute(
    client, clock, caplog
) -> None:  # type: ignore[no-untyped-def]
    """Cliq shows a 401 to no one: the operator reads why in the log, with a hint per cause
    (another secret, a clock off, no signature at all), and a flood writes a line a minute."""
    caplog.set_level("WARNING", logger="bot.handlers.cliq")
    body = help_body(clock)
    wrong_secret = SignedRequests("another-secret", clock)
    for _ in range(3):
        response = await client.post("/cliq", data=body, headers=wrong_secret.headers(body))
        await assert_json(response, 401, "unauthorized")
    [line] = refusal_lines(caplog)
    assert "as unauthorized: bad signature" in line
    assert "signed with another secret" in line
    assert "127.0.0.1" in line

    caplog.clear()
    clock.advance(seconds=61)
    stale = SignedRequests(SECRET, clock).headers(body, timestamp=epoch_ms(clock.now()) - 600_000)
    await assert_json(await client.post("/cliq", data=body, headers=stale), 401, "unauthorized")
    [line] = refusal_lines(caplog)
    assert "stale or future timestamp" in line and "clock" in line
    assert "(2 more refused since the last such line)" in line

    caplog.clear()
    clock.advance(seconds=59)  # within the minute: counted, not told
    await assert_json(await client.post("/cliq", data=body), 401, "unauthorized")
    assert refusal_lines(caplog) == []
    clock.advance(seconds=2)
    await assert_json(await client.post("/cliq", data=body), 401, "unauthorized")
    [line] = refusal_lines(caplog)
    assert "unsigned request" in line and "not signed in a scheme" in line
    assert "(1 more refused" in line


async def test_a_refusal_before_100_continue_is_logged_too(client, clock, caplog) -> None:  # type: ignore[no-untyped-def]
    caplog.set_level("WARNING", logger="bot.handlers.cliq")
    reader, writer = await asyncio.open_connection(client.host, client.port)
    writer.write(
        b"POST /cliq HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Expect: 100-continue\r\nX-Deskbot-Timestamp: 1\r\nX-Deskbot-Signature: "
        + b"0" * 64
        + b"\r\nContent-Length: 10\r\n\r\n"
    )
    await writer.drain()
    status_line = await asyncio.wait_for(reader.readline(), timeout=5)
    writer.close()
    assert status_line.startswith(b"HTTP/1.1 401"), status_line
    [line] = refusal_lines(caplog)
    assert "stale or future timestamp" in line
