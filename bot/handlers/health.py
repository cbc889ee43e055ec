"""`GET /healthz`: liveness, version, and where the sandbox servers listen."""

from __future__ import annotations

from aiohttp import web

from bot import __version__

SANDBOX_URLS = web.AppKey("sandbox_urls", dict[str, str])


async def healthz(request: web.Request) -> web.Response:
    return web.json_response(
        {"ok": True, "version": __version__, "sandboxes": request.app.get(SANDBOX_URLS, {})}
    )


def routes() -> list[web.RouteDef]:
    return [web.get("/healthz", healthz)]
