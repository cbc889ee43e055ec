"""A request target without a path (`CONNECT host:port`, `GET http://host`) is answered, as
served by `start_server`, like any path no route takes: 404 JSON with a request id, not
aiohttp's plain-text 404 (its router asks no resource about an empty path)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from bot.cliq.verify import HmacVerifier
from bot.clock import FrozenClock
from bot.dispatch import Bot
from bot.handlers.serving import start_server
from bot.handlers.web import add_routes, make_web_app
from bot.router import Router

PATHLESS = [
    b"CONNECT 127.0.0.1:80 HTTP/1.1",
    b"CONNECT [::1]:443 HTTP/1.1",
    b"CONNECT example.com:8080 HTTP/1.0",
    b"GET http://example.com HTTP/1.1",
    b"POST http://example.com?q=1 HTTP/1.1",
    b"DELETE https://example.com:8443 HTTP/1.1",
]


async def exchange(
    port: int, head: bytes, extra: bytes = b""
) -> tuple[bytes, dict[str, str], bytes]:
    """The status line, headers (lower-cased names) and body answering `head`."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(head + b"\r\nHost: example.com\r\n" + extra + b"\r\n")
    await writer.drain()
    status = await asyncio.wait_for(reader.readline(), 5)
    headers: dict[str, str] = {}
    while (line := await asyncio.wait_for(reader.readline(), 5)) not in (b"\r\n", b""):
        name, _, value = line.decode().partition(":")
        headers[name.strip().lower()] = value.strip()
    body = await asyncio.wait_for(reader.readexactly(int(headers["content-length"])), 5)
    writer.close()
    return status, headers, body


@pytest.fixture
async def port() -> AsyncIterator[int]:
    clock = FrozenClock()
    app = make_web_app(Bot(name="t", clock=clock).include(Router()), HmacVerifier("s", clock))

    async def hello(request: web.Request) -> web.Response:
        return web.json_response({"hello": True})

    add_routes(app, [web.get("/", hello)])  # (the root taken: an empty path is still not it)
    runner, site = await start_server(app, "127.0.0.1", 0, access_log=None)
    try:
        yield site.port
    finally:
        await runner.cleanup()


@pytest.mark.parametrize("head", PATHLESS, ids=lambda h: h.decode())
async def test_a_target_without_a_path_is_404_json_with_a_request_id(
    port: int, head: bytes
) -> None:
    status, headers, body = await exchange(port, head)
    assert status.split()[1] == b"404", status
    assert headers["content-type"].startswith("application/json")
    assert headers["x-request-id"]
    assert json.loads(body)["error"] == "not_found"


async def test_a_target_with_a_path_is_routed_as_before(port: int) -> None:
    for head in (b"GET / HTTP/1.1", b"GET http://example.com/ HTTP/1.1"):
        status, _, body = await exchange(port, head)
        assert status.split()[1] == b"200" and json.loads(body) == {"hello": True}
    status, _, body = await exchange(port, b"GET /nowhere HTTP/1.1")
    assert status.split()[1] == b"404" and json.loads(body)["error"] == "not_found"


async def test_a_pathless_target_inviting_a_body_is_refused_without_reading_it(port: int) -> None:
    status, headers, body = await exchange(
        port,
        b"POST http://example.com HTTP/1.1",
        b"Content-Length: 100000\r\nExpect: 100-continue\r\n",
    )
    assert status.split()[1] == b"404" and headers["connection"].lower() == "close"
    assert json.loads(body)["error"] == "not_found"
