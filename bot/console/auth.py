"""Signing in to the console, sessions, CSRF, signing out, and the guards pages declare.

- `GET /console/login[?next=/console/…][&login_hint=<e-mail>]` starts a sign-in: a row in the
  store (bot.store.console_sessions) whose token goes to the browser as a 10-minute cookie and
  to Zoho as the OAuth `state`, then a redirect to Zoho Accounts (bot.console.signin).
- `GET /console/callback` takes Zoho's answer: the `state` must be this browser's sign-in
  (the cookie), unused and fresh; the code must yield an ID token naming the person. Then a
  session starts (cookie `deskbot_console`) and the browser goes back to `next`.
- `POST /console/logout` ends the session.

Cookies are HttpOnly, SameSite=Lax, scoped to `/console`, and Secure when the console is served
over HTTPS (the request's scheme, or `[server] public_url`). Every request that is not a read
(POST…) must carry the session's CSRF token (form field `csrf`, or header `X-CSRF-Token`):
`signed_in` checks it before any page runs, so no page can forget it. Its body must be a form
that can be read (urlencoded or multipart), else the answer is the console's error page (400, or
413 above the size limit) and no page runs.

Who the person may be is asked on every request: `requires_agent` (a Desk agent, active, not a
light agent) and `requires_admin` (Deskbot's one admin rule, `bot.identity.directory.admin_now`,
read fresh from Desk) refuse with a page saying why.
"""

from __future__ import annotations

import functools
import hmac
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlencode

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError
from multidict import MultiDictProxy

from bot.console import language
from bot.console.render import SESSION, VIEWER, NavLink, Viewer, render
from bot.console.signin import SignInRefused
from bot.i18n import N_
from bot.identity.directory import admin_now, role_of
from bot.parts import CONFIG, CONSOLE_SESSIONS, CONSOLE_SIGNIN, DESK, DIRECTORY, READERS
from bot.store.console_sessions import LIFETIME, LOGIN_LIFETIME, LoginRefused

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

SESSION_COOKIE = "deskbot_console"
LOGIN_COOKIE = "deskbot_console_login"
COOKIE_PATH = "/console"
HOME = "/console/"
CSRF_FIELD = "csrf"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]{1,190}")

routes = web.RouteTableDef()
nav: list[NavLink] = []


# --- the middleware: sessions and CSRF ------------------------------------------------------


@web.middleware
async def signed_in(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Find the request's session (`request[SESSION]`), and refuse any request that is not a
    read unless it carries that session's CSRF token."""
    token = request.cookies.get(SESSION_COOKIE, "")
    session = await request.config_dict[CONSOLE_SESSIONS].get(token) if token else None
    if session is not None:
        request[SESSION] = session
    words = (await language.chosen(request, session)).words
    if request.match_info.http_exception is not None:
        return await handler(request)  # no such page or method (404/405): nothing to protect
    if request.method not in SAFE_METHODS:
        if session is None:
            return render(
                request,
                "refused.html",
                status=401,
                title=N_("Signed out"),
                reason=words.gettext(
                    "Your session has ended, so nothing was changed. Sign in again."
                ),
                sign_in=True,
            )
        form = await _form(request)
        if isinstance(form, web.Response):
            return form
        field = form.get(CSRF_FIELD, "")
        given = request.headers.get(CSRF_HEADER, "") or (field if isinstance(field, str) else "")
        if not hmac.compare_digest(given.encode(), session.csrf.encode()):
            log.warning("console: a %s to %s without its CSRF token", request.method, request.path)
            return render(
                request,
                "refused.html",
                status=403,
                title=N_("Form refused"),
                reason=words.gettext(
                    "This form was not sent from your console page (or the page is out of "
                    "date), so nothing was changed. Reload the page and try again."
                ),
                back=True,
            )
    return await handler(request)


FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})
"""What a console POST may carry (an HTML form's encodings); no body at all is fine too."""


async def _form(request: web.Request) -> MultiDictProxy[Any] | web.Response:
    """The request's form, read once here (pages read it again from aiohttp's cache), or the
    page refusing a body that is not a readable form: 400 for another content type, a broken
    multipart or urlencoded body or charset, 413 above the app's `client_max_size`."""
    words = language.words(request)
    if request.body_exists and request.content_type not in FORM_TYPES:
        return _unreadable(request, 400, words.gettext(
            "The console takes HTML forms only ({type} is not one).",
            type=request.content_type[:60]))  # fmt: skip
    try:
        return await request.post()
    except web.HTTPRequestEntityTooLarge:
        return _unreadable(request, 413, words.gettext("The form sent is too large."))
    except web.HTTPClientError as exc:  # e.g. too many fields
        return _unreadable(request, exc.status, words.gettext(
            "The form sent was refused ({reason}).", reason=exc.reason))  # fmt: skip
    except (ValueError, LookupError, HttpProcessingError) as exc:
        log.info("console: an unreadable %s to %s: %r", request.method, request.path, exc)
        return _unreadable(request, 400, words.gettext("The form sent could not be read."))


def _unreadable(request: web.Request, status: int, reason: str) -> web.Response:
    words = language.words(request)
    return render(request, "error.html", status=status, title=N_("Form not read"),
                  reason=words.gettext("{reason} Nothing was changed. Reload the page and try "
                                       "again.", reason=reason))  # fmt: skip


# --- the guards ------------------------------------------------------------------------------


def requires_agent(handler: Handler) -> Handler:
    """Guard: the signed-in person is an active Desk agent who is not a light agent; a person
    signed out is sent to sign in (a page read) or refused with 401 (anything else, and a
    script's read asking for JSON)."""

    @functools.wraps(handler)
    async def guarded(request: web.Request) -> web.StreamResponse:
        refused = await _let_in(request, admin=False)
        return refused if refused is not None else await handler(request)

    return guarded


def requires_admin(handler: Handler) -> Handler:
    """Guard: as `requires_agent`, and Desk says, on this request, that they are an admin."""

    @functools.wraps(handler)
    async def guarded(request: web.Request) -> web.StreamResponse:
        refused = await _let_in(request, admin=True)
        return refused if refused is not None else await handler(request)

    return guarded


async def _let_in(request: web.Request, *, admin: bool) -> web.StreamResponse | None:
    """Set `request[VIEWER]`, or the answer refusing the request."""
    session = request.get(SESSION)
    words = language.words(request)
    if session is None:
        wants_json = request.headers.get("Accept", "").startswith("application/json")
        if request.method in SAFE_METHODS and not wants_json:  # a page: go and sign in
            raise web.HTTPFound(_login_path(request.path_qs))
        return render(request, "refused.html", status=401, title=N_("Signed out"), sign_in=True,
                      reason=words.gettext("Your session has ended. Sign in again."))  # fmt: skip
    agent = await request.config_dict[DIRECTORY].by_email(session.email)
    if agent is None:
        return _refused(request, words.gettext(
            "{email} is not an agent of this Zoho Desk portal, so the console has nothing for "
            "you.", email=session.email))  # fmt: skip
    if (agent.status or "ACTIVE").upper() != "ACTIVE":
        return _refused(request, words.gettext(
            "{email} is not an active Desk agent.", email=session.email))  # fmt: skip
    if role_of(agent) == "light":
        return _refused(request, words.gettext(
            "Light agents cannot use the console (their Desk role is a light agent's). Ask an "
            "admin if you need it."))  # fmt: skip
    is_admin = role_of(agent) == "admin"
    if admin:
        agent, is_admin = await admin_now(request.config_dict[DESK], agent)
        if not is_admin:
            return _refused(request, words.gettext("Only admins can do that."), back=True)
    reader = await request.config_dict[READERS].person(session.email)
    request[VIEWER] = Viewer(session.email, agent, is_admin, reader.zone, session)
    return None


def _refused(request: web.Request, reason: str, *, back: bool = False) -> web.Response:
    """A 403 page saying why; `back` offers the way back to my status (for an agent refused
    one page, not for someone the console has nothing for)."""
    return render(
        request,
        "refused.html",
        status=403,
        title=N_("Not available to you"),
        reason=reason,
        back=back,
    )


# --- sign-in, callback, sign-out ------------------------------------------------------------


@routes.get("/login", name="login")
async def login(request: web.Request) -> web.StreamResponse:
    """Start a sign-in with Zoho; `next` is the console page to come back to, `login_hint`
    the e-mail to sign in as (Zoho pre-fills it; the sandbox Accounts signs that person in)."""
    hint = request.query.get("login_hint", "").strip()
    if hint and not _EMAIL.fullmatch(hint):
        return render(request, "refused.html", status=400, title=N_("Not an e-mail"),
                      reason=language.words(request).gettext(
                          "{field} must be an e-mail address, e.g. {example}.",
                          field="login_hint", example="agent@example.com"),
                      sign_in=True)  # fmt: skip
    token = await request.config_dict[CONSOLE_SESSIONS].start_login(
        console_path(request.query.get("next", HOME))
    )
    response = web.HTTPFound(request.config_dict[CONSOLE_SIGNIN].authorize_url(token, hint))
    _set_cookie(request, response, LOGIN_COOKIE, token, LOGIN_LIFETIME.total_seconds())
    raise response


@routes.get("/callback", name="callback")
async def callback(request: web.Request) -> web.StreamResponse:
    """Where Zoho Accounts sends the browser back with a code (or an error)."""
    query = request.query
    words = language.words(request)
    if query.get("error"):
        return _sign_in_failed(request, words.gettext(
            "Zoho did not sign you in ({error}).", error=query["error"][:100]))  # fmt: skip
    code, state = query.get("code", ""), query.get("state", "")
    if not code or not state:
        return _sign_in_failed(request, words.gettext("Zoho's answer lacks its code or state."))
    mine = request.cookies.get(LOGIN_COOKIE, "")
    if not mine or not hmac.compare_digest(mine.encode(), state.encode()):
        return _sign_in_failed(
            request, words.gettext("This sign-in was not started in this browser.")
        )
    try:
        back_to = await request.config_dict[CONSOLE_SESSIONS].finish_login(state)
        email = await request.config_dict[CONSOLE_SIGNIN].email_of(code)
    except LoginRefused as refusal:
        log.info("console: a sign-in refused: %s", refusal.reason)
        return _sign_in_failed(request, words.gettext(
            "This sign-in was already used, took too long or was not started here: sign in "
            "again."))  # fmt: skip
    except SignInRefused as refusal:
        log.info("console: a sign-in refused: %s", refusal)
        return _sign_in_failed(request, refusal.text(words))
    token, _ = await request.config_dict[CONSOLE_SESSIONS].open(email)
    log.info("console: %s signed in", email)
    response = web.HTTPFound(back_to)
    _set_cookie(request, response, SESSION_COOKIE, token, LIFETIME.total_seconds())
    response.del_cookie(LOGIN_COOKIE, path=COOKIE_PATH)
    raise response


@routes.post("/logout", name="logout")
async def logout(request: web.Request) -> web.StreamResponse:
    """Sign out (the middleware checked the CSRF token): the session ends in the store."""
    await request.config_dict[CONSOLE_SESSIONS].close(request.cookies.get(SESSION_COOKIE, ""))
    request.pop(SESSION, None)
    response = render(request, "signed_out.html", title=N_("Signed out"))
    response.del_cookie(SESSION_COOKIE, path=COOKIE_PATH)
    return response


@routes.post("/language", name="language")
async def switch_language(request: web.Request) -> web.StreamResponse:
    """The header's language switch (bot.console.language; the middleware checked the CSRF
    token): `lang` is a language the bot speaks, kept in this browser's cookie for a year, or
    `auto`, which deletes it; then a 303 back to `back` (a console path), so a reload posts
    nothing. Any other `lang` is a 400 page."""
    form = await request.post()
    wanted = str(form.get("lang", ""))[:20]
    response = web.HTTPSeeOther(console_path(str(form.get("back", ""))[:500]))
    if wanted == language.AUTOMATIC:
        response.del_cookie(language.COOKIE, path=COOKIE_PATH)
        raise response
    code = language.languages(request).code(wanted)
    if code is None:
        return render(request, "error.html", status=400, title=N_("Not a language"),
                      reason=language.words(request).gettext(
                          "Choose one of the languages the switch offers."))  # fmt: skip
    _set_cookie(request, response, language.COOKIE, code, language.COOKIE_SECONDS)
    raise response


def _sign_in_failed(request: web.Request, reason: str) -> web.Response:
    return render(request, "refused.html", status=400, title=N_("Not signed in"),
                  reason=reason, sign_in=True)  # fmt: skip


def _set_cookie(
    request: web.Request, response: web.StreamResponse, name: str, value: str, seconds: float
) -> None:
    secure = request.secure or request.config_dict[CONFIG].public_url.startswith("https://")
    response.set_cookie(
        name,
        value,
        max_age=int(seconds),
        path=COOKIE_PATH,
        httponly=True,
        secure=secure,
        samesite="Lax",
    )


def console_path(path: str) -> str:
    """`path` when it is a console page of ours, else the console's home (no open redirect)."""
    if path.startswith(HOME) and not path.startswith("//") and "\\" not in path and len(path) < 500:
        return path
    return HOME


def _login_path(back_to: str) -> str:
    return f"{COOKIE_PATH}/login?{urlencode({'next': back_to})}"
