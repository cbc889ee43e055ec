"""Download links for attendance CSV (SPEC A8): what `/attendance/export`
(bot.handlers.attendance_export) accepts.

A link is `<public_url>/attendance/export?k=<token>`: the agents, the period and the zone wait
server-side under the token (bot.store.links), so its length never depends on them, and it is
unguessable, expires after 15 minutes and opens nothing but this export.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from bot.store.links import Links

LIFETIME = timedelta(minutes=15)
PURPOSE = "attendance-export"
PATH = "/attendance/export"


@dataclass(frozen=True, slots=True)
class ExportRequest:
    """What an export link downloads: `agents` (e-mails) over `start`..`end`, days in `zone`,
    asked for by `owner`."""

    owner: str
    agents: list[str]
    start: date
    end: date
    zone: str


class ExportLinks:
    def __init__(self, links: Links, base_url: str) -> None:
        self._links = links
        self._base = base_url.rstrip("/")

    async def url_for(self, owner: str, agents: list[str], start: date, end: date, tz: str) -> str:
        """A new link to the CSV of `agents` over `start`..`end` in `tz`, made for `owner`."""
        payload = {"a": agents, "s": start.isoformat(), "e": end.isoformat(), "z": tz}
        token = await self._links.issue(PURPOSE, owner, payload, lifetime=LIFETIME)
        return f"{self._base}{PATH}?k={token}"

    async def read(self, token: str) -> ExportRequest:
        """The export a link's token stands for; LinkRefused when it is not one of ours (or
        another purpose's), or has expired."""
        link = await self._links.redeem(PURPOSE, token)
        p = link.payload
        return ExportRequest(
            link.owner,
            [str(a) for a in p["a"]],
            date.fromisoformat(p["s"]),
            date.fromisoformat(p["e"]),
            str(p["z"]),
        )
