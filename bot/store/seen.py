"""Signed credentials already used, so a signed call acts once (replays refused).

A row per credential (a signed `/cliq` call, a Desk webhook JWT), kept until the credential's
own window closes, so the table holds at most one window's worth of genuine traffic: only
credentials that verified are recorded, and expired rows are deleted on every write. It lives
in the shared database, so it holds across processes on one file.
"""

from __future__ import annotations

import enum
import logging

from bot.clock import Clock, epoch_ms
from bot.handlers.cliq import MemoryReplays
from bot.store.db import Database, StoreUnavailable

log = logging.getLogger("deskbot.store")

MIGRATIONS = [
    """
    CREATE TABLE seen_credentials (
        credential TEXT PRIMARY KEY,
        body_digest TEXT NOT NULL,
        expires_at INTEGER NOT NULL
    );
    CREATE INDEX seen_credentials_expiry ON seen_credentials (expires_at)
    """
]


class Use(enum.Enum):
    FIRST = "first"  # never seen: recorded now
    SAME_BODY = "same_body"  # seen with this very body: a redelivery
    OTHER_BODY = "other_body"  # seen with another body: a forgery or a replay


class SeenCredentials:
    """`credential` is a scheme-prefixed digest (e.g. `cliq:<sha256 hex>`); times are epoch ms."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock
        self._fallback = MemoryReplays(clock)

    async def setup(self) -> None:
        await self._db.migrate("seen_credentials", MIGRATIONS)

    async def use(self, credential: str, body_digest: str, expires_at_ms: int) -> Use:
        """Record `credential` with the digest of the body it came with, until `expires_at_ms`;
        say whether it was new, seen with the same body, or seen with another."""
        async with self._db.transaction() as tx:
            await tx.execute(
                "DELETE FROM seen_credentials WHERE expires_at < ?", (epoch_ms(self._clock.now()),)
            )
            cursor = await tx.execute(
                "INSERT INTO seen_credentials (credential, body_digest, expires_at)"
                " VALUES (?, ?, ?) ON CONFLICT (credential) DO NOTHING",
                (credential, body_digest, expires_at_ms),
            )
            if cursor.rowcount > 0:
                return Use.FIRST
            async with tx.execute(
                "SELECT body_digest FROM seen_credentials WHERE credential = ?", (credential,)
            ) as found:
                row = await found.fetchone()
        return Use.SAME_BODY if row is not None and row[0] == body_digest else Use.OTHER_BODY

    async def first_use(self, credential: str, expires_at_ms: int) -> bool:
        """True the first time `credential` is presented within its window (the `/cliq` replay
        guard: a signature covers its body, so any second use is a replay). While the store
        cannot be written, this process's own memory stands in, so read-only commands still
        work."""
        try:
            return await self.use(credential, "", expires_at_ms) is Use.FIRST
        except StoreUnavailable as exc:
            log.warning("replay guard in memory only: %s", exc.reason)
            return await self._fallback.first_use(credential, expires_at_ms)

    async def count(self) -> int:
        row = await self._db.fetchone("SELECT COUNT(*) AS n FROM seen_credentials")
        return int(row["n"]) if row else 0
