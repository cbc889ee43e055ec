"""Signed credentials already used, so a signed call acts once (replays refused).

A row per credential (a signed `/cliq` call, a Desk webhook JWT), kept until the credential's
own window closes, so the table holds at most one window's worth of genuine traffic: only
credentials that verified are recorded, and expired rows are deleted on every write. It lives
in the shared database, so it holds across processes on one file.

A caller learns that its credential is new only after the row is committed, so a call is
executed only once it is durably remembered: after a crash or a restart its replay is still
refused. Calls arriving together share one commit (`bot.store.group`): one transaction and one
multi-row INSERT for all of them, not one each.
"""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass

from bot.cliq.replays import MemoryReplays
from bot.clock import Clock, epoch_ms
from bot.store.db import Database, StoreUnavailable, Tx
from bot.store.group import GroupCommit

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
        self._writes: GroupCommit[Binding, Use] = GroupCommit(db, self._write, key=WRITES_KEY)

    async def setup(self) -> None:
        await self._db.migrate("seen_credentials", MIGRATIONS)

    async def use(self, credential: str, body_digest: str, expires_at_ms: int) -> Use:
        """Record `credential` with the digest of the body it came with, until `expires_at_ms`;
        say whether it was new, seen with the same body, or seen with another. Returns once
        the record is committed (shared with the calls arriving meanwhile); raises
        `StoreUnavailable` when the store cannot be written."""
        return await self._writes.submit(Binding(credential, body_digest, expires_at_ms))

    async def _write(self, tx: Tx, group: list[Binding]) -> list[Use | Exception]:
        await forget_expired(tx, epoch_ms(self._clock.now()))
        return list(await use_many(tx, group))

    async def first_use(self, credential: str, expires_at_ms: int) -> bool:
        """True the first time `credential` is presented within its window (the `/cliq` replay
        guard: a signature covers its body, so any second use is a replay). While the store
        cannot be written, this process's own memory stands in, so read-only commands still
        work."""
        try:
            return await self.use(credential, "", expires_at_ms) is Use.FIRST
        except StoreUnavailable as exc:
            log.warning("replay guard in memory only: %s", exc.reason)
            return self._fallback.first_use(credential, expires_at_ms)

    async def count(self) -> int:
        row = await self._db.fetchone("SELECT COUNT(*) AS n FROM seen_credentials")
        return int(row["n"]) if row else 0


WRITES_KEY = "seen_credentials"
"""The lock key of every transaction writing credentials (here, and the inbox's deliveries with
their tokens): they insert several rows at once and delete expired ones, so two of them side by
side could lock the same rows in another order (a deadlock); they run one at a time, beside
everything else."""


async def forget_expired(tx: Tx, now_ms: int) -> None:
    """Delete the credentials whose window has closed (inside the caller's transaction)."""
    await tx.execute("DELETE FROM seen_credentials WHERE expires_at < ?", (now_ms,))


async def use_in(tx: Tx, binding: Binding) -> Use:
    """`SeenCredentials.use` inside the caller's transaction (e.g. the inbox's group commit, so
    binding a Desk token to its body costs no commit of its own)."""
    return (await use_many(tx, [binding]))[0]


ROWS_PER_INSERT = 300
"""Bindings per INSERT statement (3 parameters each, well under SQLite's oldest limit of 999)."""


async def use_many(tx: Tx, bindings: list[Binding]) -> list[Use]:
    """`use_in` for each of `bindings`, in order, with one INSERT per `ROWS_PER_INSERT`: the
    first binding of a credential not stored yet is FIRST; any other is compared with the body
    digest stored (by an earlier call, or by an earlier binding of the same group)."""
    inserted: set[str] = set()
    for start in range(0, len(bindings), ROWS_PER_INSERT):
        chunk = bindings[start : start + ROWS_PER_INSERT]
        rows = await tx.fetchall(
            "INSERT INTO seen_credentials (credential, body_digest, expires_at) VALUES "
            + ", ".join(["(?, ?, ?)"] * len(chunk))
            + " ON CONFLICT (credential) DO NOTHING RETURNING credential",
            [value for b in chunk for value in (b.credential, b.body_digest, b.expires_at_ms)],
        )
        inserted.update(row[0] for row in rows)
    uses: list[Use | None] = []
    for binding in bindings:
        if binding.credential in inserted:
            inserted.discard(binding.credential)  # a second binding of it in the group is not
            uses.append(Use.FIRST)
        else:
            uses.append(None)
    known = [b.credential for b, use in zip(bindings, uses, strict=True) if use is None]
    stored: dict[str, str] = {}
    for start in range(0, len(known), ROWS_PER_INSERT):
        names = known[start : start + ROWS_PER_INSERT]
        rows = await tx.fetchall(
            "SELECT credential, body_digest FROM seen_credentials WHERE credential IN ("
            + ", ".join("?" * len(names))
            + ")",
            names,
        )
        stored.update((row[0], row[1]) for row in rows)
    return [
        use
        if use is not None
        else Use.SAME_BODY
        if stored.get(b.credential) == b.body_digest
        else Use.OTHER_BODY
        for b, use in zip(bindings, uses, strict=True)
    ]
