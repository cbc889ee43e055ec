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

from bot.console import auth, board, language, me, outbox, reports, settings
from bot.console.render import NAV, render
from bot.desk.errors import DeskError
from bot.handlers.errors import REQUEST_ID, keep_headers
from bot.handlers.web import add_subapp
from bot.i18n import N_, Words
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
        words = language.words(request)
        response = render(request, "error.html", status=exc.status,
                          title=TITLES.get(exc.status, N_("Request refused")),
                          reason=_said(exc, words))  # fmt: skip
        keep_headers(exc, response)  # a 405's Allow (RFC 9110 §15.5.6), a 401's challenge…
    except DeskError as exc:
        log.warning("console: Desk unavailable [ref %s]: %s", request.get(REQUEST_ID), exc)
        words = language.words(request)
        response = render(request, "error.html", status=503, title=N_("Zoho Desk is unavailable"),
                          reason=words.gettext("Zoho Desk cannot be asked who you are right now. "
                                               "Try again in a minute."),
                          reference=request.get(REQUEST_ID, ""))  # fmt: skip
    except StoreUnavailable as exc:
        log.warning("console: store unavailable [ref %s]: %s", request.get(REQUEST_ID), exc)
        words = language.words(request)
        response = render(request, "error.html", status=503, title=N_("Try again later"),
                          reason=words.gettext("Deskbot cannot write its data right now; nothing "
                                               "was changed."),
                          reference=request.get(REQUEST_ID, ""))  # fmt: skip
    except Exception:
        log.exception("console: unhandled error [ref %s]", request.get(REQUEST_ID))
        words = language.words(request)
        response = render(request, "error.html", status=500, title=N_("Something went wrong"),
                          reason=words.gettext("Deskbot could not show this page. Nothing more "
                                               "was changed than the page said."),
                          reference=request.get(REQUEST_ID, ""))  # fmt: skip
    _secure(response)
    return response


def _secure(response: web.StreamResponse) -> None:
    if response.prepared:
        return
    response.headers.update(SECURITY_HEADERS)
    if response.content_type == "text/html":
        response.headers.setdefault("Cache-Control", "no-store")


TITLES = {
    400: N_("Request refused"),
    403: N_("Not available to you"),
    404: N_("Not found"),
    405: N_("Not allowed here"),
    413: N_("Too large"),
}
"""An HTTP error's page title (English msgids, shown in the page's language)."""


def _said(exc: web.HTTPException, words: Words) -> str:
    """What an HTTP error page says: ours for the errors aiohttp raises itself (their text is
    `<status>: <reason>` in English), the text a console page gave otherwise (in the page's
    language already)."""
    text = (exc.text or "")[:200]
    if exc.status == 404:
        return words.gettext("That page does not exist.")
    if exc.status == 405:
        return words.gettext("This page cannot be used that way.")
    if not text or text == f"{exc.status}: {exc.reason}":
        return words.gettext("The request was refused ({status}).", status=exc.status)
    return text


def console_app() -> web.Application:
    """The console as an aiohttp sub-application (mount it at `/console`)."""
    console = web.Application(middlewares=[as_pages, auth.signed_in])
    console[NAV] = [link for page in PAGES for link in page.nav]
    for page in PAGES:
        console.router.add_routes(page.routes)
    console.router.add_static("/static", STATIC, name="static")
    return console


def add_console(app: web.Application) -> None:
    """Serve the console at `/console/` in `app`, whose parts (bot.parts) it reads, inside the
    HTTP edge (request ids, and its connections counted busy)."""
    add_subapp(app, "/console", console_app())
