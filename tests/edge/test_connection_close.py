"""Answers sent before the body is read say `Connection: close` (the server then closes), and an
`Expect: 100-continue` request is judged by its headers before its body is invited. Against a
real server (`start_server`, as `deskbot serve` runs) and real clients."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from functools import partial

import aiohttp
import pytest

from bot.cliq.verify import HmacVerifier
from bot.clock import SystemClock, epoch_ms
from bot.dispatch import Bot
from bot.handlers.serving import EdgeLimits, start_server
from bot.handlers.web import make_web_app
from bot.testing.conversation import Conversation
from bot.testing.signing import SignedRequests

SECRET = "s"


@pytest.fixture
async def base() -> AsyncIterator[str]:
    clock = SystemClock()
    app = make_web_app(Bot(name="t", clock=clock), HmacVerifier(SECRET, clock), limits=EdgeLimits())
    runner, site = await start_server(app, "127.0.0.1", 0)
    try:
        yield f"127.0.0.1:{site.port}"
    finally:
        await runner.cleanup()


def head(length: int, *, signed: bool, expect: bool = False, path: str = "/cliq") -> bytes:
    lines = [f"POST {path} HTTP/1.1", "Host: x", "Content-Type: application/json"]
    if signed:  # well-formed and fresh: passes the header check, fails the signature
        lines += [
            f"X-Deskbot-Timestamp: {epoch_ms(SystemClock().now())}",
            f"X-Deskbot-Signature: {'0' * 64}",
        ]
    if expect:
        lines.append("Expect: 100-continue")
    lines.append(f"Content-Length: {length}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


# Requests are made when the test runs, not when the module is collected: a signed one's
# timestamp must be inside the signature window then, however long the run took to get there.
REFUSED_UNREAD: dict[str, tuple[Callable[[], bytes], int]] = {
    "unsigned": (lambda: head(100_000, signed=False), 401),
    "stale signature header": (
        lambda: head(100_000, signed=False).replace(
            b"Content-Length",
            b"X-Deskbot-Timestamp: 1\r\nX-Deskbot-Signature: 00\r\nContent-Length",
        ),
        401,
    ),
    "declared too large": (lambda: head(5_000_000, signed=True), 413),
}


@pytest.mark.parametrize("name", list(REFUSED_UNREAD))
async def test_an_answer_before_the_body_is_read_says_connection_close(base, name) -> None:  # type: ignore[no-untyped-def]
    make, status = REFUSED_UNREAD[name]
    request = make()
    host, port = base.split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(request + b"{" * 1000)  # a part of the body only: the answer cannot wait for it
    answer = await asyncio.wait_for(reader.read(), timeout=10)  # the server closes
    writer.close()
    top, _, body = answer.partition(b"\r\n\r\n")
    assert top.split(b" ")[1] == str(status).encode(), answer[:300]
    assert b"\r\nconnection: close" in top.lower(), top
    assert json.loads(body)["error"]


async def test_a_keep_alive_client_goes_on_after_a_refusal(base) -> None:  # type: ignore[no-untyped-def]
    """The refused upload's connection is not reused: the next call on the session works."""
    signer = SignedRequests(SECRET, SystemClock())
    release = asyncio.Event()

    async def slow_body() -> AsyncIterator[bytes]:
        yield b"{" * 1000
        await release.wait()
        yield b"}"

    connector = aiohttp.TCPConnector(limit=1)
    async with aiohttp.ClientSession(connector=connector) as session:
        for _ in range(3):
            async with session.post(
                f"http://{base}/cliq", data=slow_body(), headers={"Content-Length": "1001"}
            ) as refused:
                assert refused.status == 401
                assert refused.headers["Connection"] == "close"
            release.set()
            release.clear()
            answer = await Conversation(session, signer, url=f"http://{base}/cliq").command("help")
            assert answer.status == 200, answer.body


@pytest.mark.parametrize(
    ("request_head", "status"),
    [
        (partial(head, 100_000, signed=False, expect=True), b"401"),
        (partial(head, 5_000_000, signed=True, expect=True), b"413"),
        (partial(head, 100_000, signed=True, expect=True, path="/nowhere"), b"404"),
        (partial(head, 100_000, signed=False, expect=True, path="/cliq/more"), b"404"),
        (partial(head, 100_000, signed=False, expect=True, path="/healthz"), b"405"),
    ],
    ids=["unsigned-401", "too-large-413", "no-route-404", "under-a-route-404", "wrong-method-405"],
)
async def test_expect_100_continue_is_refused_on_the_headers_before_any_body(
    base, request_head: Callable[[], bytes], status: bytes
) -> None:  # type: ignore[no-untyped-def]
    host, port = base.split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(request_head())  # no body: a client waiting for 100 Continue
    answer = await asyncio.wait_for(reader.read(), timeout=10)
    writer.close()
    assert answer.startswith(b"HTTP/1.1 " + status), answer[:200]
    assert b"100 Continue" not in answer and b"connection: close" in answer.lower()
    top, _, body = answer.partition(b"\r\n\r\n")
    assert b"\r\nx-request-id: " in top.lower() and json.loads(body)["error"], answer[:300]


async def test_expect_100_continue_with_good_headers_is_invited_and_answered(base) -> None:  # type: ignore[no-untyped-def]
    signer = SignedRequests(SECRET, SystemClock())
    body = json.dumps({"handler": {"type": "message_handler"}}).encode()
    async with aiohttp.ClientSession() as session:
        async with session.post(
            f"http://{base}/cliq", data=body, headers=signer.headers(body), expect100=True
        ) as invited:  # invited, sent, judged on the body: a body without a user is 400
            assert invited.status == 400, await invited.text()
        async with session.post(
            f"http://{base}/cliq", data=b"{}" * 50_000, expect100=True
        ) as refused:
            assert refused.status == 401
