"""A client that closes its connection while its answer is being sent (a download given up, a
browser tab closed) is not our error: one INFO line with the request's id, 499 in the access
log; no ERROR, no traceback, no 500. A connection reset that is not the client's (an upstream
call reset) still is one."""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web

from bot.cliq.verify import HmacVerifier
from bot.clock import SystemClock
from bot.dispatch import Bot
from bot.handlers.serving import start_server
from bot.handlers.web import add_routes, make_web_app


async def test_a_client_gone_mid_answer_is_one_info_line_not_an_error(caplog) -> None:  # type: ignore[no-untyped-def]
    caplog.set_level(logging.INFO)
    clock = SystemClock()
    app = make_web_app(Bot(name="t", clock=clock), HmacVerifier("s", clock))
    started, ended = asyncio.Event(), asyncio.Event()

    async def download(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        await response.prepare(request)
        try:
            started.set()
            for _ in range(10_000):  # far more than the socket buffers hold
                await response.write(b"x" * 65536)
            await response.write_eof()
            return response
        finally:
            ended.set()

    async def upstream_reset(request: web.Request) -> web.StreamResponse:
        raise ConnectionResetError("Desk reset the connection")

    add_routes(app, [web.get("/download", download), web.get("/upstream", upstream_reset)])
    runner, site = await start_server(app, "127.0.0.1", 0)
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", site.port)
        writer.write(b"GET /download HTTP/1.1\r\nHost: x\r\n\r\n")
        await reader.readuntil(b"\r\n\r\n")
        await asyncio.wait_for(started.wait(), 10)
        writer.transport.abort()
        await asyncio.wait_for(ended.wait(), 10)
        reader, writer = await asyncio.open_connection("127.0.0.1", site.port)
        writer.write(b"GET /upstream HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        upstream = await asyncio.wait_for(reader.read(), 10)
        writer.close()
    finally:
        await runner.cleanup()
    assert upstream.startswith(b"HTTP/1.1 500"), upstream[:100]
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert [r.getMessage().split(" [")[0] for r in errors] == ["unhandled error"]  # /upstream
    [gone] = [r for r in caplog.records if "closed the connection" in r.getMessage()]
    assert gone.levelno == logging.INFO and not gone.exc_info and "[ref " in gone.getMessage()
    access = [r.getMessage() for r in caplog.records if r.name == "aiohttp.access"]
    assert [line for line in access if "/download" in line and '" 499 ' in line], access
