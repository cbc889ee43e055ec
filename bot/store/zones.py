"""The time zone each person's Cliq last told us (SPEC X2): Cliq sends `user.timezone` with
every call (https://www.zoho.com/cliq/help/platform/bot-handlers.html, the `user` map), so the
zone someone last spoke to the bot from is the zone their DMs are shown in.

One row per person (by e-mail, case-folded), rewritten only when the zone changes: this process
remembers the last zone it wrote for at most `REMEMBERED` people, so a call from someone whose
zone is unchanged costs no write (and no read once they are remembered).
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from zoneinfo import ZoneInfo

from bot.clock import Clock, zone_named
from bot.store.db import Database, StoreUnavailable

log = logging.getLogger(__name__)
REMEMBERED = 1024  # people whose last written zone this process keeps in memory

MIGRATIONS = [
    """
    CREATE TABLE person_zones (
        email TEXT PRIMARY KEY,
        zone TEXT NOT NULL,
        seen_at TEXT NOT NULL
    )
    """
]


class PersonZones:
    """`remember` what Cliq says a person's zone is; `zone_of` a person (None when Cliq never
    told us, or told us something that is not an IANA zone name)."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self._db, self._clock = db, clock
        self._written: OrderedDict[str, str] = OrderedDict()

    async def setup(self) -> None:
        await self._db.migrate("person_zones", MIGRATIONS)

    async def remember(self, email: str, zone_name: str | None) -> None:
        """Keep `zone_name` (Cliq's `user.timezone`, case forgiven) as `email`'s zone. A name
        that is not an IANA zone, or a store that cannot be written, changes nothing (the
        person's call is answered all the same; the zone is kept next time)."""
        found = zone_named(zone_name) if zone_name else None
        if not email or found is None:
            return
        key = email.strip().casefold()
        if self._written.get(key) == found.key:
            self._written.move_to_end(key)
            return
        try:
            await self._db.execute(
                "INSERT INTO person_zones (email, zone, seen_at) VALUES (?, ?, ?)"
                " ON CONFLICT (email) DO UPDATE SET zone = excluded.zone,"
                " seen_at = excluded.seen_at",
                (key, found.key, self._clock.now().isoformat()),
            )
        except StoreUnavailable as exc:
            log.warning("zone of %s not kept: %s", key, exc.reason)
            return
        self._written[key] = found.key
        self._written.move_to_end(key)
        while len(self._written) > REMEMBERED:
            self._written.popitem(last=False)

    async def zone_of(self, email: str) -> ZoneInfo | None:
        row = await self._db.fetchone(
            "SELECT zone FROM person_zones WHERE email = ?", (email.strip().casefold(),)
        )
        return zone_named(row["zone"]) if row else None
