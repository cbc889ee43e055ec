"""The language a console page is shown in, and the switch in every page's header.

Who decides, first match wins (`choose`):

1. the viewer's own choice on this browser: the header's switch (日本語 / English) kept in the
   cookie `deskbot_console_lang` for a year (Automatic deletes it);
2. signed in: the language the person's Cliq last sent (`user.language`, kept in the store beside
   their zone, bot/store/zones.py): the one their DMs are written in;
3. the browser's `Accept-Language` (RFC 9110 §12.5.4: tags in order of their `q` weights,
   `q=0` meaning "not this one"), the first language the bot speaks, matched by Babel's
   `negotiate_locale` (`ja-JP` finds `ja`);
4. `[bot] language`.

A language the bot does not speak is skipped at every step. `POST /console/language` (the
switch; CSRF checked by the console's middleware as every POST is) sets or deletes the cookie
and sends the browser back to the page it was on.
"""

from __future__ import annotations

from functools import cache

from aiohttp import web

from bot.i18n import Languages, Words
from bot.i18n.browser import Chosen, choose
from bot.parts import READERS, ZONES
from bot.store.console_sessions import ConsoleSession
from bot.store.db import StoreUnavailable

COOKIE = "deskbot_console_lang"
COOKIE_SECONDS = 365 * 24 * 3600
AUTOMATIC = "auto"
CHOSEN = web.RequestKey("console_language", Chosen)
"""Set on every console request once its language is known (`chosen`)."""


@cache
def _english_default() -> Languages:
    return Languages()


def languages(request: web.Request) -> Languages:
    """The languages the bot speaks and its default (`[bot] language`): the readers' (an app
    without them, e.g. a bench's, gets English as the default)."""
    readers = request.config_dict.get(READERS)
    return readers.languages if readers is not None else _english_default()


def switched(request: web.Request) -> str | None:
    """The switch's choice kept in this browser's cookie, if it names a language we speak."""
    return languages(request).code(request.cookies.get(COOKIE))


async def chosen(request: web.Request, session: ConsoleSession | None) -> Chosen:
    """Choose the request's language (and keep it on the request): with a session, the
    person's Cliq language is asked of the store (a store that cannot be read counts as none)."""
    stored = None
    if session is not None and switched(request) is None:
        try:
            stored = await request.config_dict[ZONES].language_of(session.email)
        except StoreUnavailable:
            stored = None
    return _keep(request, stored)


def _keep(request: web.Request, stored: str | None) -> Chosen:
    """Choose from the switch's cookie, `stored` and the browser's header; kept on the request."""
    found = choose(
        languages(request),
        switched=request.cookies.get(COOKIE),
        stored=stored,
        accept=request.headers.get("Accept-Language", ""),
    )
    request[CHOSEN] = found
    return found


def of(request: web.Request) -> Chosen:
    """The request's language: as `chosen` set it, else (a page answered before the session
    was read) from the switch and the browser alone."""
    found = request.get(CHOSEN)
    return found if found is not None else _keep(request, None)


def words(request: web.Request) -> Words:
    """The `Words` the request's page is written with."""
    return of(request).words


OWN_NAMES = {"ja": "日本語", "en": "English"}
"""Each language's name as its readers write it: the switch shows it so, in every language."""


def switch_choices(request: web.Request) -> list[tuple[str, str, bool]]:
    """The switch's languages: (code, its own name, chosen now), in the order the bot lists
    them; none chosen means Automatic."""
    current = switched(request)
    return [
        (code, OWN_NAMES.get(code, code), current == code) for code in languages(request).available
    ]
