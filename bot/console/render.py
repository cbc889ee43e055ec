"""The console's HTML: a jinja2 environment over `bot/console/templates` (autoescaped) per
language, and `render`, which gives every page what `base.html` needs (the viewer, their CSRF
token, the navigation, the page's language and the switch).

Templates speak through jinja2's i18n extension with the page's `Words` (bot/i18n; the language
is chosen by bot/console/language.py): `{{ _("Worked today") }}`, `{{ _("Check {name} out",
name=card.name) }}`, `ngettext`, `pgettext`; the catalog's text is our HTML, every value filled in
is escaped. Filters write times and lengths in the page's language: `duration` (`8 h 30 min` /
`8時間30分`), `local_time` (`10:42` today, `4 Mar 10:42` another day), `hm` (`10:42`), `day`
(`Mon 2 Mar 2026` / `2026年3月2日(月)`), `day_short` (no year), `status_name` (a default status in
the page's language unless renamed; any other as the admin wrote it) and `type_name` (Online /
オンライン)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

import jinja2
from aiohttp import web
from markupsafe import Markup

from attendance.models import Status
from attendance.words import shown_name, type_name
from bot.cards import when
from bot.console import language
from bot.desk.people import Agent
from bot.i18n import PSEUDO, Words
from bot.i18n.templates import install_words
from bot.store.console_sessions import ConsoleSession


@cache
def environment(words: Words) -> jinja2.Environment:
    """The templates in `words`' language (one environment per language, made once)."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("bot.console", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
        extensions=["jinja2.ext.i18n"],
    )
    install_words(env, words, Markup)
    env.filters.update(
        duration=words.duration,
        local_time=lambda moment, zone, now=None: local_time(moment, zone, now, words),
        hm=lambda moment, zone: hm(moment, zone, words),
        day=lambda day: words.date(day, year=True),
        day_short=words.date,
        number=words.number,
        status_name=lambda status: shown_name(status, words),
        type_name=lambda kind: type_name(kind, words),
    )
    return env


@dataclass(frozen=True, slots=True)
class NavLink:
    """A link in every page's navigation; `admin` links are shown to admins only (the page
    itself checks the admin rule again)."""

    path: str
    label: str  # English, marked with N_: shown through the page's words
    admin: bool = False


@dataclass(frozen=True, slots=True)
class Viewer:
    """The signed-in person a guarded page is shown to: their Desk `agent`, whether Desk says
    they are an admin (`is_admin`: read fresh from Desk by `requires_admin`; from the agent
    directory otherwise, enough for showing links), and the zone their times are shown in."""

    email: str
    agent: Agent
    is_admin: bool
    zone: ZoneInfo
    session: ConsoleSession

    @property
    def name(self) -> str:
        return self.agent.display_name


SESSION = web.RequestKey("console_session", ConsoleSession)
"""Set on a request that carries a live session cookie (bot.console.auth)."""
VIEWER = web.RequestKey("console_viewer", Viewer)
"""Set by the guards `requires_agent` / `requires_admin` before the page runs."""
NAV = web.AppKey("console_nav", list[NavLink])


def render(
    request: web.Request, template: str, *, status: int = 200, **context: Any
) -> web.Response:
    """The page `template` (a file in bot/console/templates) filled with `context`, plus
    `viewer` (None before the guards ran), `csrf` (the session's token, for forms; "" when
    signed out), `signed_in_as` (the session's e-mail, "" when signed out), `nav` (the
    links this viewer may follow: path and label in the page's language), `lang` (the page's
    language code, for `<html lang>`), `languages` and `language_switched` (the switch's
    choices, and whether one is chosen rather than Automatic) and `here` (this
    page's path, where the switch returns). `title` is English (a msgid marked with N_ where it
    is written): it is shown through the page's words."""
    viewer = request.get(VIEWER)
    session = request.get(SESSION)
    chosen = language.of(request)
    words = chosen.words
    nav = [
        (link.path, words.lookup(link.label))
        for link in request.app.get(NAV, [])
        if viewer and (viewer.is_admin or not link.admin)
    ]
    if "title" in context:
        context["title"] = words.lookup(context["title"]) if context["title"] else ""
    page = (
        environment(words)
        .get_template(template)
        .render(
            viewer=viewer,
            csrf=session.csrf if session else "",
            signed_in_as=session.email if session else "",
            nav=nav,
            path=request.path,
            here=request.path_qs,
            lang=html_lang(words),
            languages=language.switch_choices(request),
            language_switched=chosen.by == "switch",
            **context,
        )
    )
    return web.Response(text=page, status=status, content_type="text/html", charset="utf-8")


def html_lang(words: Words) -> str:
    """The page's `<html lang>`: the language's BCP 47 tag (the pseudo-language is marked as
    private use, `en-x-qps`: its text is English written in full width)."""
    return "en-x-qps" if words.language == PSEUDO else words.language


def duration(delta: timedelta, words: Words) -> str:
    """`8 h 30 min` / `8時間30分`: worked time as the chat's cards write it (`Words.duration`)."""
    return words.duration(delta)


def local_time(moment: datetime | None, zone: ZoneInfo, now: datetime | None, words: Words) -> str:
    """`14:05` in `zone` on the day of `now`, `3 Mar 14:05` / `3月3日 14:05` on another (as the
    chat's cards write times: bot.cards.when); an empty text for None."""
    return when.local(moment, zone, now, words=words) if moment else ""


def hm(moment: datetime | None, zone: ZoneInfo, words: Words) -> str:
    """`14:05` in `zone` (a report's times: the day is that row's), or "" for None."""
    return words.time(moment.astimezone(zone)) if moment else ""


def since_text(since: datetime | None, now: datetime, zone: ZoneInfo, words: Words) -> str:
    """When a status began, in `zone`: `since 09:12` today, `since 27 Feb 09:12` another day,
    `not checked in yet` for never."""
    if since is None:
        return words.gettext("not checked in yet")
    return words.gettext("since {time}", time=local_time(since, zone, now, words))


def status_name(status: Status, words: Words) -> str:
    """A status as the page shows it (bot.console's `status_name` filter)."""
    return shown_name(status, words)
