"""The daily digest (SPEC D9): which places get one, since when, and what it says.

A place is the org channel or a mapped department's channel. Each has a start: when the bot
first looked after it (the org channel: the scheduler's first round after install) or when the
department was mapped. A day whose digest time came before a place's start was never missed,
so it is never posted late there (bot.notify.schedule.due_digest). The same card serves the
scheduler, `/deskbot digest preview` and `/deskbot digest send`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from bot.cards.summaries import day_stats_card
from bot.cliq.message import Message
from bot.clock import Clock, zone_named
from bot.config import Config
from bot.desk.client import DeskClient
from bot.desk.summaries import last_day, pending
from bot.install import INSTALLED_SINCE
from bot.notify.readers import Reader, Readers
from bot.notify.schedule import parse_time_of_day
from bot.store.settings import Settings


@dataclass(frozen=True)
class DigestPlace:
    """Where one digest goes: `key` names the place in the store and the outbox
        (`org:<channel>` or `department:<id>`); `reader` how it reads it (its zone and language, as a
    channel post's: bot/notify/readers.py); `since` is when the place began (None: not
        known, for a mapping made before this was kept)."""

    key: str
    channel: str | None  # None: a disabled department's (previewed, never posted)
    department_id: str | None
    reader: Reader  # the place's zone and language
    since: datetime | None
    at: time = time(9, 0)  # the local time of day it is posted at, in `zone`

    @property
    def zone(self) -> ZoneInfo:
        return self.reader.zone


SCHEDULE = "digest_schedule"
"""The settings key of the admin's own digest times and zones: place key → {"at": "HH:MM",
"zone": IANA name}, each optional (bot.toml's `[notifications]` for what is not set)."""


class Digests:
    def __init__(
        self,
        *,
        config: Config,
        desk: DeskClient,
        settings: Settings,
        clock: Clock,
        names: Callable[[], Awaitable[dict[str, str]]],
        readers: Readers,
    ) -> None:
        """`names`: agent and department ids → names (cached by the caller); `readers` says
        which zone each place reads (`bot/notify/readers.py`)."""
        self._config, self._desk, self._settings = config, desk, settings
        self._clock, self._names, self._readers = clock, names, readers

    @property
    def at(self) -> str:
        """The configured time of day, `HH:MM`."""
        return self._config.notifications.digest_time

    async def place_language(self, department_id: str | None) -> str:
        """The language of the org channel (None) or of a department's own channel."""
        return await self._readers.place_language(department_id)

    async def reader_of(self, department_id: str | None) -> Reader:
        """How a place reads its digest: the department's own channel's zone and language (or
        the org channel's, for None)."""
        return await self._readers.place(department_id)

    async def places(self, *, starting: bool = True) -> list[DigestPlace]:
        """The org channel, then each mapped department's channel. A place begins when this
        installation first looked after it (`starting`: the scheduler's rounds note it, now,
        the first time; False only reads) or, for a department, when it was mapped if later."""
        org = self._config.cliq.org_channel
        installed = await self._installed_since(starting)
        schedule = await self.schedule()
        found = [
            self._scheduled(
                DigestPlace(f"org:{org}", org, None, await self.reader_of(None), installed),
                schedule,
            )
        ]
        mapped = await self._settings.mapped_since()
        for department_id, channel in sorted((await self._settings.channel_map()).items()):
            since = mapped.get(department_id)
            start = installed if installed is None or since is None else max(installed, since)
            place = DigestPlace(
                f"department:{department_id}",
                channel,
                department_id,
                await self.reader_of(department_id),
                start,
            )
            found.append(self._scheduled(place, schedule))
        return found

    async def schedule(self) -> dict[str, dict[str, str]]:
        """The admin's own times and zones, by place key (see SCHEDULE)."""
        stored = await self._settings.get(SCHEDULE, {})
        return stored if isinstance(stored, dict) else {}

    def _scheduled(self, place: DigestPlace, schedule: dict[str, dict[str, str]]) -> DigestPlace:
        """`place` at its own time and zone when the admin set them, else bot.toml's."""
        own = schedule.get(place.key) or {}
        zone = zone_named(own.get("zone")) if own.get("zone") else None
        at = parse_time_of_day(own["at"]) if own.get("at") else parse_time_of_day(self.at)
        reader = replace(place.reader, zone=zone) if zone else place.reader
        return replace(place, reader=reader, at=at)

    async def set_schedule(
        self, place: DigestPlace, *, at: time | None, zone: ZoneInfo | None
    ) -> None:
        """Post `place`'s digest at `at` in `zone` from now on; None for either goes back to
        bot.toml's (`[notifications] digest_time`, `digest_zone`, `department_zones`)."""
        schedule = await self.schedule()
        own = {
            key: value
            for key, value in (("at", at and at.strftime("%H:%M")), ("zone", zone and zone.key))
            if value
        }
        if own:
            schedule[place.key] = own
        else:
            schedule.pop(place.key, None)
        await self._settings.put(SCHEDULE, schedule)

    async def place_for(self, department_id: str | None) -> DigestPlace:
        """Where `department_id`'s digest goes: its channel, or the org channel when it is
        not mapped (a digest of that department alone), or no channel (None) when it is
        disabled; the org's digest when `department_id` is None."""
        places = {p.department_id: p for p in await self.places(starting=False)}
        if department_id is None or department_id in places:
            return places[department_id]
        disabled = department_id in (await self._settings.rules()).disabled_departments
        place = DigestPlace(
            f"department:{department_id}",
            None if disabled else places[None].channel,
            department_id,
            await self.reader_of(department_id),
            None,
        )
        return self._scheduled(place, await self.schedule())

    async def last_day(self, place: DigestPlace) -> date | None:
        """The last local day whose digest was queued for `place`."""
        last = await self._settings.get(f"job:digest:{place.key}")
        return date.fromisoformat(last) if last else None

    async def done(self, place: DigestPlace, day: date) -> None:
        await self._settings.put(f"job:digest:{place.key}", day.isoformat())

    async def card(
        self, place: DigestPlace, *, day: date | None = None, late_since: datetime | None = None
    ) -> Message:
        """The digest for `place` as of now, in the place's language: the last 24 hours and
        what is unresolved now (Desk is read; DeskError when it cannot be). `day` names the local day it is for
        (today's by default); `late_since`, when given, says when it should have gone out."""
        now = self._clock.now()
        stats = await last_day(self._desk, now, place.department_id)
        unresolved = await pending(self._desk, place.department_id)
        names = await self._names()
        department = names.get(place.department_id or "", "")
        day = day or now.astimezone(place.zone).date()
        words = place.reader.words
        # a whole day, named as a full date: Mon, 30 Nov 2026 / 2026年11月30日(月)
        title = words.gettext("Daily digest for {date}", date=words.date(day, year=True))
        return day_stats_card(
            stats,
            zone=place.zone,
            label_times=True,  # a channel's readers may be anywhere: the place's zone, named
            names=names,
            department=department,
            pending=unresolved,
            title=title + (f" · {department}" if department else ""),
            late_since=late_since,
            words=words,
        )

    def time_of_day(self) -> str:
        """The digest time as people read it, e.g. `09:00`."""
        return parse_time_of_day(self.at).strftime("%H:%M")

    async def _installed_since(self, starting: bool) -> datetime | None:
        """When this installation first ran its scheduler (stored under INSTALLED_SINCE the
        first time it is `starting` while installed: now; forgotten by `deskbot uninstall`, so
        a later install starts afresh)."""
        stored = await self._settings.get(INSTALLED_SINCE)
        if stored is not None:
            return datetime.fromisoformat(stored)
        if not starting or not await self._settings.get("installed", False):
            return None
        now = self._clock.now()
        await self._settings.put(INSTALLED_SINCE, now.isoformat())
        return now
