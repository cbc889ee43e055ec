"""The console's HTML: one jinja2 environment over `bot/console/templates` (autoescaped), and
`render`, which gives every page what `base.html` needs (the viewer, their CSRF token, the
navigation)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import jinja2
from aiohttp import web

from bot.cards import when
from bot.desk.people import Agent
from bot.store.console_sessions import ConsoleSession

ENVIRONMENT = jinja2.Environment(
    loader=jinja2.PackageLoader("bot.console", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


@dataclass(frozen=True, slots=True)
class NavLink:
    """A link in every page's navigation; `admin` links are shown to admins only (the page
    itself checks the admin rule again)."""

    path: str
    label: str
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
    signed out), `signed_in_as` (the session's e-mail, "" when signed out) and `nav` (the
    links this viewer may follow)."""
    viewer = request.get(VIEWER)
    session = request.get(SESSION)
    nav = [
        link for link in request.app.get(NAV, []) if viewer and (viewer.is_admin or not link.admin)
    ]
    page = ENVIRONMENT.get_template(template).render(
        viewer=viewer,
        csrf=session.csrf if session else "",
        signed_in_as=session.email if session else "",
        nav=nav,
        path=request.path,
        **context,
    )
    return web.Response(text=page, status=status, content_type="text/html", charset="utf-8")


def duration(delta: timedelta) -> str:
    """`3 h 05 min`: worked time as the chat's cards show it."""
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes // 60} h {minutes % 60:02d} min"


def local_time(moment: datetime | None, zone: ZoneInfo, now: datetime | None = None) -> str:
    """`14:05` in `zone` on the day of `now`, `Mar 3 14:05` on another (as the chat's cards
    write times: bot.cards.when); an empty text for None."""
    return when.local(moment, zone, now) if moment else ""


ENVIRONMENT.filters["duration"] = duration
ENVIRONMENT.filters["local_time"] = local_time
