"""The time zone and language each person's Cliq last told us (SPEC X2, issue 13): Cliq sends
`user.timezone` and `user.language` with every call
(https://www.zoho.com/cliq/help/platform/bot-handlers.html, the `user` map), so the zone and
language someone last spoke to the bot in are those their DMs are shown in.

One row per person (by e-mail, case-folded), rewritten only when what they sent changes: this
process remembers the last zone and language it wrote for at most `REMEMBERED` people, so a call
from someone whose zone and language are unchanged costs no write (and no read once they are
remembered). A call that says only one of the two keeps the other as it was.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from zoneinfo import ZoneInfo

from bot.clock import Clock, zone_named
from bot.i18n import language_code
from bot.store.db import Database, StoreUnavailable

log = logging.getLogger(__name__)
REMEMBERED = 1024  # people whose last written zone and language this process keeps in memory

MIGRATIONS = [
    """
    CREATE TABLE person_zones (
        email TEXT PRIMARY KEY,
        zone TEXT NOT NULL,
        seen_at TEXT NOT NULL
    )
    """,
    # The language Cliq last sent (`ja`, `en`…: the tag's language, lower case); NULL: never
    # said. A zone of '' means Cliq said a language but no zone.
    "ALTER TABLE person_zones ADD COLUMN language TEXT",
]


class PersonZones:
    """`remember` what Cliq says a person's zone and language are; `zone_of` and `language_of`
    a person (None when Cliq never told us, or told us a zone that is not an IANA zone name)."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self._db, self._clock = db, clock
        self._written: OrderedDict[str, tuple[str, str]] = OrderedDict()

    async def setup(self) -> None:
        await self._db.migrate("person_zones", MIGRATIONS)

    async def remember(
        self, email: str, zone_name: str | None, language: str | None = None
    ) -> None:
        """Keep `zone_name` (Cliq's `user.timezone`, case forgiven) as `email`'s zone and
        `language` (Cliq's `user.language`, any form: `ja_JP`) as their language; None (or a
        name that is not an IANA zone, or an empty language) leaves that one as it was. A store
        that cannot be written changes nothing (the person's call is answered all the same; it
        is kept next time)."""
        found = zone_named(zone_name) if zone_name else None
        zone = found.key if found else ""
        spoken = language_code(language)
        if not email or not (zone or spoken):
            return
        key = email.strip().casefold()
        before = self._written.get(key, ("", ""))
        after = (zone or before[0], spoken or before[1])  # what the row holds once written
        if key in self._written and after == before:
            self._written.move_to_end(key)
            return
        try:
            await self._db.execute(
                "INSERT INTO person_zones (email, zone, language, seen_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (email) DO UPDATE SET"
                " zone = CASE WHEN excluded.zone = '' THEN person_zones.zone"
                " ELSE excluded.zone END,"
                " language = COALESCE(excluded.language, person_zones.language),"
                " seen_at = excluded.seen_at",
                (key, zone, spoken or None, self._clock.now().isoformat()),
            )
        except StoreUnavailable as exc:
            log.warning("zone and language of %s not kept: %s", key, exc.reason)
            return
        self._written[key] = after
        self._written.move_to_end(key)
        while len(self._written) > REMEMBERED:
            self._written.popitem(last=False)

    async def zone_of(self, email: str) -> ZoneInfo | None:
        row = await self._db.fetchone(
            "SELECT zone FROM person_zones WHERE email = ?", (email.strip().casefold(),)
        )
        return zone_named(row["zone"]) if row and row["zone"] else None

    async def language_of(self, email: str) -> str | None:
        """The language Cliq last sent for `email` (`ja`), or None if it never did."""
        row = await self._db.fetchone(
            "SELECT language FROM person_zones WHERE email = ?", (email.strip().casefold(),)
        )
        return row["language"] if row and row["language"] else None
