"""`GET /healthz`: liveness, version, where the sandbox servers listen, and what the app adds
(Deskbot adds the state of its own credentials, its store and its queues).

200 `{"ok": true, …}` when every check passes; 503 `{"ok": false, "problems": {name: reason}}`
when one does not (e.g. the store cannot be written), with the parts as usual."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable

from aiohttp import web

from bot import __version__

SANDBOX_URLS = web.AppKey("sandbox_urls", dict[str, str])
HEALTH_PARTS = web.AppKey("health_parts", dict[str, Callable[[], object]])
"""Name → a function giving that part of the answer (JSON-able, or awaitable), called on each
request."""
HEALTH_CHECKS = web.AppKey("health_checks", dict[str, Callable[[], Awaitable[str | None]]])
"""Name → an async check giving a problem in one line, or None when all is well."""


async def healthz(request: web.Request) -> web.Response:
    parts = {}
    for name, part in request.app.get(HEALTH_PARTS, {}).items():
        value = part()
        parts[name] = await value if inspect.isawaitable(value) else value
    problems = {}
    for name, check in request.app.get(HEALTH_CHECKS, {}).items():
        problem = await check()
        if problem:
            problems[name] = problem
    body = {
        "ok": not problems,
        "version": __version__,
        "sandboxes": request.app.get(SANDBOX_URLS, {}),
        **parts,
    }
    if problems:
        body["problems"] = problems
    return web.json_response(body, status=503 if problems else 200)


def routes() -> list[web.RouteDef]:
    return [web.get("/healthz", healthz)]
