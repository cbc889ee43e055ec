"""Signed credentials already used, so a signed call acts once (replays refused).

A row per credential (a signed `/cliq` call, a Desk webhook JWT), kept until the credential's
own window closes, so the table holds at most one window's worth of genuine traffic: only
credentials that verified are recorded, and expired rows are deleted on every write. It lives
in the shared database, so it holds across processes on one file.
"""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass

from bot.cliq.replays import MemoryReplays
from bot.clock import Clock, epoch_ms
from bot.store.db import Database, StoreUnavailable, Tx

log = logging.getLogger(__name__)

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


@dataclass(frozen=True)
class Binding:
    """A credential to record with the digest of the body it came with, until `expires_at_ms`."""

    credential: str
    body_digest: str
    expires_at_ms: int


class UsedWithAnotherBody(Exception):
    """The credential was already used with another body (a replay or a forgery)."""


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
            await forget_expired(tx, epoch_ms(self._clock.now()))
            return await use_in(tx, Binding(credential, body_digest, expires_at_ms))

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


async def forget_expired(tx: Tx, now_ms: int) -> None:
    """Delete the credentials whose window has closed (inside the caller's transaction)."""
    await tx.execute("DELETE FROM seen_credentials WHERE expires_at < ?", (now_ms,))


async def use_in(tx: Tx, binding: Binding) -> Use:
    """`SeenCredentials.use` inside the caller's transaction (e.g. the inbox's group commit, so
    binding a Desk token to its body costs no commit of its own)."""
    inserted = await tx.execute(
        "INSERT INTO seen_credentials (credential, body_digest, expires_at)"
        " VALUES (?, ?, ?) ON CONFLICT (credential) DO NOTHING",
        (binding.credential, binding.body_digest, binding.expires_at_ms),
    )
    if inserted > 0:
        return Use.FIRST
    row = await tx.fetchone(
        "SELECT body_digest FROM seen_credentials WHERE credential = ?", (binding.credential,)
    )
    return Use.SAME_BODY if row is not None and row[0] == binding.body_digest else Use.OTHER_BODY
