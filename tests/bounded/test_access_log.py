"""The access log of `deskbot serve` never records OAuth codes, OAuth states or signed links
(issue 10): every query value is replaced by `…`, the path and parameter names stay."""

from __future__ import annotations

import logging
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from bot import cli

SECRETS = {
    "/oauth/callback": {
        "code": "1000.code.SECRETCODE",
        "state": "STATE-SECRET",
        "error": "access_denied_SECRET",
    },
    "/attendance/export": {"t": "eyJTOKENSECRET", "s": "SIGNATURESECRET"},
    "/cliq": {"anything": "VALUE-SECRET"},
}


def _serve_options(monkeypatch: pytest.MonkeyPatch, config) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """What `deskbot serve` hands aiohttp's runner for its access log."""
    return dict(cli.ACCESS_LOG)


async def test_serve_logs_no_query_value(monkeypatch, config, caplog) -> None:  # type: ignore[no-untyped-def]
    options = _serve_options(monkeypatch, config)

    async def answer(request: web.Request) -> web.Response:
        return web.Response(text="ok", headers={"X-Request-Id": "rid-1"})

    app = web.Application()
    for path in SECRETS:
        app.router.add_get(path, answer)
    runner = web.AppRunner(app, **options)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    caplog.set_level(logging.INFO, logger="aiohttp.access")
    try:
        async with aiohttp.ClientSession() as session:
            for path, query in SECRETS.items():
                async with session.get(f"http://127.0.0.1:{port}{path}", params=query) as got:
                    assert got.status == 200
    finally:
        await runner.cleanup()
    lines = [r.getMessage() for r in caplog.records if r.name == "aiohttp.access"]
    assert len(lines) == len(SECRETS)
    logged = "\n".join(lines)
    for path, query in SECRETS.items():
        for name, value in query.items():
            assert value not in logged
            assert f"{name}=…" in logged
        assert path in logged
    assert "rid=rid-1" in logged
    assert '"GET /oauth/callback?code=…&state=…&error=… HTTP/1.1" 200' in logged
