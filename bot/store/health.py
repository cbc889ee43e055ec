"""The store's part of `/healthz`: an honest check that does not write on every call.

A load balancer may ask every second; a write per call would write forever. Each call reads
(one tiny query on a real table: a PostgreSQL that does not answer, or a SQLite file that cannot
be read, is reported at once), and reports the outcome of the store's last write (real work or
probe: `Database.health`). A probe write (`Database.probe`) is made at most once per `every` on
the injected clock, so a read-only file or a full disk is noticed within `every` even when
nothing else writes, and a store that recovered is reported as such as soon as any write
commits.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.clock import Clock
from bot.store.db import Database, StoreUnavailable

PROBE_EVERY = timedelta(seconds=15)
"""The longest a read-only or full store goes unnoticed by /healthz when nothing else writes."""


class StoreCheck:
    """`problem()` for /healthz: why the store cannot be used now, in one line, or None."""

    def __init__(self, db: Database, clock: Clock, every: timedelta = PROBE_EVERY) -> None:
        self._db, self._clock, self._every = db, clock, every
        self._probed: datetime | None = None  # when the last probe write began (clock time)

    async def problem(self) -> str | None:
        """One read now; a probe write if none was made in the last `every` (a clock that went
        back counts as due). Raises nothing for a failing store: that is the answer."""
        try:
            await self._db.fetchone("SELECT 1 AS one FROM schema_migrations LIMIT 1")
        except StoreUnavailable as exc:
            return f"the store cannot be read ({exc.reason})"
        now = self._clock.now()
        if self._probed is None or not self._probed <= now < self._probed + self._every:
            self._probed = now  # before the await: calls arriving meanwhile do not probe too
            await self._db.probe()  # its outcome is the store's health, as any write's
        health = self._db.health
        return None if health.writable else f"the store cannot be written ({health.reason})"
