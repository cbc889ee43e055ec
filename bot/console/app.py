"""Mounts the web console under `/console/` in Deskbot's aiohttp app (the one `deskbot serve`
runs), as a sub-application with its own middlewares: pages answer people with HTML (never the
JSON errors of the machine endpoints), carry security headers, and know their session.

How a page module joins: it defines `routes = web.RouteTableDef()` (paths relative to
`/console`, e.g. `@routes.get("/board")`) and `nav: list[NavLink]` (its links in the page
header; `admin=True` for admins' pages), guards each handler with `bot.console.auth.requires_agent`
or `requires_admin`, renders with `bot.console.render.render`, and is listed in `PAGES` below.
Handlers read Deskbot's parts with `request.config_dict[bot.parts.KEY]`.
"""

from __future__ import annotations

import logging
from pathlib import Path
from types import ModuleType

from aiohttp import web

from bot.console import auth, board, me, outbox, reports, settings
from bot.console.render import NAV, render
from bot.desk.errors import DeskError
from bot.handlers.errors import REQUEST_ID
from bot.store.db import StoreUnavailable

log = logging.getLogger(__name__)

PAGES: list[ModuleType] = [auth, me, board, reports, settings, outbox]
"""Every console page module, in the order their links appear."""

STATIC = Path(__file__).parent / "static"
SECURITY_HEADERS = {
    # Our own scripts and styles only (no inline script), no framing (clickjacking).
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; object-src 'none';"
    " base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


@web.middleware
async def as_pages(request: web.Request, handler: auth.Handler) -> web.StreamResponse:
    """Every failure becomes a page a person can act on (with the request's reference for the
    log), never JSON or a traceback; every answer gets the security headers."""
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400:
            _secure(exc)
            raise
        response = render(
            request, "error.html", status=exc.status, title=exc.reason, reason=_said(exc)
        )
    except DeskError as exc:
        log.warning("console: Desk unavailable [ref %s]: %s", request.get(REQUEST_ID), exc)
        response = render(request, "error.html", status=503, title="Zoho Desk is unavailable",
                          reason="Zoho Desk cannot be asked who you are right now. Try again "
                          "in a minute.", reference=request.get(REQUEST_ID, ""))  # fmt: skip
    except StoreUnavailable as exc:
        log.warning("console: store unavailable [ref %s]: %s", request.get(REQUEST_ID), exc)
        response = render(request, "error.html", status=503, title="Try again later",
                          reason="Deskbot cannot write its data right now; nothing was changed.",
                          reference=request.get(REQUEST_ID, ""))  # fmt: skip
    except Exception:
        log.exception("console: unhandled error [ref %s]", request.get(REQUEST_ID))
        response = render(request, "error.html", status=500, title="Something went wrong",
                          reason="Deskbot could not show this page. Nothing more was changed "
                          "than the page said.", reference=request.get(REQUEST_ID, ""))  # fmt: skip
    _secure(response)
    return response


def _secure(response: web.StreamResponse) -> None:
    if response.prepared:
        return
    response.headers.update(SECURITY_HEADERS)
    if response.content_type == "text/html":
        response.headers.setdefault("Cache-Control", "no-store")


def _said(exc: web.HTTPException) -> str:
    text = exc.text or ""
    return "That page does not exist." if exc.status == 404 else text[:200] or exc.reason


def console_app() -> web.Application:
    """The console as an aiohttp sub-application (mount it at `/console`)."""
    console = web.Application(middlewares=[as_pages, auth.signed_in])
    console[NAV] = [link for page in PAGES for link in page.nav]
    for page in PAGES:
        console.router.add_routes(page.routes)
    console.router.add_static("/static", STATIC, name="static")
    return console


def add_console(app: web.Application) -> None:
    """Serve the console at `/console/` in `app`, whose parts (bot.parts) it reads."""
    app.add_subapp("/console", console_app())
