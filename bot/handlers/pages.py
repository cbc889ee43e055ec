"""Pages a person's browser opens from a chat link (Connect Desk, an attendance export): a small
HTML page in the reader's language, or the same refusal as JSON to a client that asks for JSON.

The language, first match wins: the link's person's language as Cliq last sent it (the one
their DMs are in, bot/store/zones.py), the browser's `Accept-Language` by its q-weights (Babel's
`negotiate_locale`, as the console chooses: bot/i18n/browser.py), else `[bot] language`.

JSON is sent when the request's `Accept` weighs `application/json` above `text/html` (RFC 9110
§12.5.1; `*/*` counts for neither), with the error code and English reason the API always had.
The status code is the same either way.
"""

from __future__ import annotations

import html

from aiohttp import web

from bot.handlers.errors import json_error
from bot.i18n import Words
from bot.i18n.browser import choose
from bot.parts import READERS, ZONES
from bot.store.db import StoreUnavailable
from bot.store.links import LinkRefused

MAX_ACCEPT = 1000
"""Characters of an Accept header read."""


def _weight(accept: str, media: str) -> float:
    """The q-weight `accept` gives exactly `media` (0 when not named)."""
    best = 0.0
    for part in accept[:MAX_ACCEPT].split(","):
        kind, _, parameters = part.strip().partition(";")
        if kind.strip().lower() != media:
            continue
        weight = 1.0
        for parameter in parameters.split(";") if parameters else ():
            name, _, value = parameter.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        best = max(best, weight if 0 <= weight <= 1 else 0.0)
    return best


def wants_json(request: web.Request) -> bool:
    """Whether the client asked for JSON rather than a page (see the module's note)."""
    accept = request.headers.get("Accept", "")
    return _weight(accept, "application/json") > _weight(accept, "text/html")


async def reader_words(request: web.Request, person: str | None = None) -> Words:
    """The words of the page's reader: `person`'s (an e-mail) stored language, the browser's,
    the default (see the module's note). A store that cannot be read counts as no language."""
    stored = None
    if person:
        try:
            stored = await request.app[ZONES].language_of(person)
        except StoreUnavailable:
            stored = None
    languages = request.app[READERS].languages
    accept = request.headers.get("Accept-Language", "")
    return choose(languages, switched=None, stored=stored, accept=accept).words


def page(words: Words, title: str, *paragraphs: str, status: int = 200) -> web.Response:
    """A page of `title` and `paragraphs` (plain text, escaped here) in `words`' language."""
    body = "".join(f"<p>{html.escape(p)}</p>\n" for p in paragraphs)
    text = (
        f'<!doctype html><html lang="{html.escape(words.language)}"><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title>\n<h1>{html.escape(title)}</h1>\n{body}</html>"
    )
    return web.Response(status=status, text=text, content_type="text/html")


def refusal(
    request: web.Request,
    status: int,
    error: str,
    reason: str,
    words: Words,
    title: str,
    *paragraphs: str,
) -> web.Response:
    """A 4xx answer: JSON `{"error", "reason"}` for a client that asks for JSON, else a page of
    `title` and `paragraphs` in `words`' language; `status` either way."""
    if wants_json(request):
        return json_error(status, error, reason)
    return page(words, title, *paragraphs, status=status)


def link_refused(words: Words, refused: LinkRefused) -> str:
    """Why a short link (bot.store.links) opens nothing, by its `kind`, in `words`' language:
    only a token no link of ours could have is called not ours."""
    if refused.kind == "forged":
        return words.gettext("This link was not made by Deskbot.")
    if refused.kind == "expired":
        return words.gettext("This link has expired.")
    if refused.kind == "elsewhere":
        return words.gettext("This link is not for this page.")
    return words.gettext("This link is not valid or has expired.")
