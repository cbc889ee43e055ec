"""`GET /healthz`: liveness, version, where the sandbox servers listen, and what the app adds
(Deskbot adds the state of its own credentials)."""

from __future__ import annotations

from collections.abc import Callable

from aiohttp import web

from bot import __version__

SANDBOX_URLS = web.AppKey("sandbox_urls", dict[str, str])
HEALTH_PARTS = web.AppKey("health_parts", dict[str, Callable[[], object]])
"""Name → a function giving that part of the answer (JSON-able), called on each request."""


async def healthz(request: web.Request) -> web.Response:
    parts = {name: part() for name, part in request.app.get(HEALTH_PARTS, {}).items()}
    return web.json_response(
        {
            "ok": True,
            "version": __version__,
            "sandboxes": request.app.get(SANDBOX_URLS, {}),
            **parts,
        }
    )


def routes() -> list[web.RouteDef]:
    return [web.get("/healthz", healthz)]
