"""Serving on an address already in use: the app's parts are closed before the error is raised,
so `deskbot serve` on a busy port says so in one line (no asyncio traceback about its parts'
cleanup, the sandboxes and the store closed as on a normal stop)."""

from __future__ import annotations

import logging
import socket
from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from bot.cliq.verify import HmacVerifier
from bot.clock import SystemClock
from bot.dispatch import Bot
from bot.handlers.serving import start_server
from bot.handlers.web import make_web_app


async def test_a_busy_port_closes_the_apps_parts_before_it_is_raised(caplog) -> None:  # type: ignore[no-untyped-def]
    caplog.set_level(logging.ERROR)
    clock = SystemClock()
    app = make_web_app(Bot(name="t", clock=clock), HmacVerifier("s", clock))
    lifetime: list[str] = []

    async def parts(app: web.Application) -> AsyncIterator[None]:
        lifetime.append("opened")
        yield
        lifetime.append("closed")

    app.cleanup_ctx.append(parts)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        with pytest.raises(OSError, match="address already in use"):
            await start_server(app, "127.0.0.1", taken.getsockname()[1])
    assert lifetime == ["opened", "closed"]
    assert not caplog.records
