"""The outbox: every post that must reach a person, stored before it is sent (DESIGN §1, §5).

The dedupe key is the exactly-once mechanism: a second enqueue with the same key does nothing
(the same Desk event processed twice, a digest for a day already queued, Post here pressed twice).
A row is delivered, waiting for its next attempt, or dead (a permanent failure, kept visible).
Each row has a priority: URGENT (event notifications, command answers, Post here) is sent before
BULK (due-soon and task reminders, digests) and may use all of the sender's pace; BULK leaves
part of every minute's budget to URGENT (bot/workers/sender.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.clock import Clock
from bot.store import claims
from bot.store.db import Database, Row, Tx, parse_stamp, stamp

MIGRATIONS = [
    """
    CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        dedupe_key TEXT NOT NULL UNIQUE,
        target_kind TEXT NOT NULL,
        target TEXT NOT NULL,
        payload TEXT NOT NULL,
        created_at TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT NOT NULL,
        delivered_at TEXT,
        dead_at TEXT,
        last_error TEXT
    );
    CREATE INDEX outbox_due ON outbox (delivered_at, dead_at, next_attempt_at)
    """,
    # A DM's channel for when Cliq refuses the DM, and where a rerouted post was first meant to go.
    """
    ALTER TABLE outbox ADD COLUMN fallback TEXT;
    ALTER TABLE outbox ADD COLUMN rerouted_from TEXT
    """,
    # When an attempt's answer was lost (Cliq may have the post): checked before posting again.
    "ALTER TABLE outbox ADD COLUMN unsure_since TEXT",
    # Set durably just before a post is handed to Cliq, cleared with the attempt's outcome: a
    # row still marked after a restart was in flight when the process stopped (see recover()).
    "ALTER TABLE outbox ADD COLUMN sending_since TEXT",
    # Real-time posts before bulk ones (URGENT = 0, BULK = 1); rows from before were all equal.
    "ALTER TABLE outbox ADD COLUMN priority INTEGER NOT NULL DEFAULT 0",
    # Which process is working on the post (bot/store/claims.py): several may share the store.
    """
    ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
    CREATE INDEX outbox_claimed ON outbox (claimed_by)
    """,
]
OPEN = "delivered_at IS NULL AND dead_at IS NULL"

URGENT = 0
"""A person is waiting on it: event notifications, command answers, Post here, ratings."""
BULK = 1
"""Scheduled in batches: due-soon and task reminders, digests."""


@dataclass(frozen=True)
class Post:
    id: int
    dedupe_key: str
    target_kind: str
    target: str
    payload: dict[str, Any]
    attempts: int
    last_error: str | None = None
    state: str = "waiting"  # "waiting", "delivered" or "dead"
    fallback: str | None = None  # the channel for a DM Cliq refuses (not a subscriber)
    rerouted_from: str | None = None  # "user:<e-mail>" once a refused DM went to `target`
    unsure_since: datetime | None = None  # first attempt whose answer was lost, if any
    priority: int = URGENT  # URGENT posts go first; BULK ones leave part of the pace to them


class Outbox:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock
        self._legacy_checked = False

    async def setup(self) -> None:
        await self._db.migrate("outbox", MIGRATIONS)

    async def enqueue(
        self,
        tx: Tx | None,
        target_kind: str,
        target: str,
        payload: dict[str, Any],
        dedupe_key: str,
        *,
        fallback: str | None = None,
        priority: int = URGENT,
    ) -> bool:
        """Store a post (inside the caller's transaction when given); False if already there.

        `fallback`: for a DM, the channel that takes it (with an @mention) if Cliq refuses it.
        `priority`: URGENT (sent first) or BULK (reminders and digests)."""
        if priority not in (URGENT, BULK):
            raise ValueError(f"priority is URGENT ({URGENT}) or BULK ({BULK}), not {priority!r}")
        now = stamp(self._clock.now())
        sql = (
            "INSERT INTO outbox (dedupe_key, target_kind, target, payload, created_at,"
            " next_attempt_at, fallback, priority) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (dedupe_key) DO NOTHING"
        )
        params = (
            dedupe_key,
            target_kind,
            target,
            json.dumps(payload),
            now,
            now,
            fallback,
            priority,
        )
        if tx is not None:
            return await tx.execute(sql, params) > 0
        async with self._db.transaction(key=None) as own:  # one insert, by its unique key
            return await own.execute(sql, params) > 0

    async def due(self, limit: int = 100) -> list[Post]:
        """Posts due now, URGENT ones first, then oldest first."""
        rows = await self._db.fetchall(
            "SELECT * FROM outbox WHERE delivered_at IS NULL AND dead_at IS NULL"
            " AND sending_since IS NULL AND next_attempt_at <= ? ORDER BY priority, id LIMIT ?",
            (stamp(self._clock.now()), limit),
        )
        return [_post(r) for r in rows]

    async def claim(self, limit: int = 100) -> list[Post]:
        """Posts due now that no other live process is working on, URGENT first, then oldest
        first; claimed for this process until their outcome is written (or `release`)."""
        rows = await claims.claim(
            self._db,
            "outbox",
            f"{OPEN} AND sending_since IS NULL AND next_attempt_at <= ?",
            "priority, id",
            (stamp(self._clock.now()),),
            limit,
        )
        return [_post(r) for r in rows]

    async def find(self, dedupe_key: str) -> Post | None:
        """The post stored under this dedupe key, in whatever state it is, or None."""
        row = await self._db.fetchone("SELECT * FROM outbox WHERE dedupe_key = ?", (dedupe_key,))
        return _post(row) if row else None

    async def next_attempt(self) -> datetime | None:
        """When this process should look again: the earliest attempt among posts free or its
        own, and no later than `claims.LOOK_AGAIN` while another process holds some (so if
        it dies, its posts are taken over that soon); None if nothing waits."""
        row = await self._db.fetchone(
            "SELECT MIN(CASE WHEN sending_since IS NULL AND (claimed_by IS NULL OR claimed_by = ?)"
            " THEN next_attempt_at END) AS at,"
            " SUM(CASE WHEN claimed_by IS NOT NULL AND claimed_by <> ? THEN 1 ELSE 0 END) AS others"
            f" FROM outbox WHERE {OPEN}",
            (self._db.holder, self._db.holder),
        )
        at = parse_stamp(row["at"]) if row and row["at"] else None
        return claims.look_again(at, bool(row and row["others"]), self._clock.now())

    async def sending(self, post_id: int) -> bool:
        """Mark a post as in flight, durably, before it is handed to Cliq, claiming it for this
        process: False (send nothing) if another live process holds it or it is settled.
        Raises `StoreUnavailable` when that cannot be recorded: then it must not be sent."""
        changed = await self._db.execute(
            f"UPDATE outbox SET sending_since = ?, claimed_by = ? WHERE id = ? AND {OPEN}"
            " AND sending_since IS NULL AND (claimed_by IS NULL OR claimed_by = ?)",
            (stamp(self._clock.now()), self._db.holder, post_id, self._db.holder),
        )
        return changed > 0

    async def recover(self) -> int:
        """Take back the claims of processes that are gone (this one's earlier run, or another
        process on a shared store): their posts left in flight may have reached Cliq, so they
        become unsure (checked in the chat before posting again); how many were in flight."""
        found = 0
        for holder in await claims.dead_holders(self._db, "outbox", OPEN):
            found += await self._db.execute(
                "UPDATE outbox SET unsure_since = COALESCE(unsure_since, sending_since),"
                f" sending_since = NULL, claimed_by = NULL WHERE claimed_by = ? AND {OPEN}"
                " AND sending_since IS NOT NULL",
                (holder,),
            )
            await self._db.execute(
                "UPDATE outbox SET claimed_by = NULL WHERE claimed_by = ?", (holder,)
            )
        if not self._legacy_checked:  # rows marked in flight before claims named their process
            found += await self._db.execute(
                "UPDATE outbox SET unsure_since = COALESCE(unsure_since, sending_since),"
                " sending_since = NULL WHERE sending_since IS NOT NULL AND claimed_by IS NULL"
                f" AND {OPEN}"
            )
            self._legacy_checked = True
        return found

    async def delivered(self, post_id: int) -> None:
        await self._db.execute(
            "UPDATE outbox SET delivered_at = ?, attempts = attempts + 1, sending_since = NULL,"
            " claimed_by = NULL WHERE id = ?",
            (stamp(self._clock.now()), post_id),
        )

    async def retry_later(
        self, post_id: int, at: datetime, error: str, *, count: bool = True
    ) -> None:
        await self._db.execute(
            "UPDATE outbox SET next_attempt_at = ?, last_error = ?,"
            " attempts = attempts + ?, sending_since = NULL, claimed_by = NULL WHERE id = ?",
            (stamp(at), error[:500], 1 if count else 0, post_id),
        )

    async def reroute(
        self, post: Post, target_kind: str, target: str, payload: dict[str, Any], why: str
    ) -> Post:
        """Send a post somewhere else instead (a refused DM to its fallback channel), due now;
        the row keeps its dedupe key, so it is still delivered once, and remembers where it was
        meant to go (counted as `rerouted`)."""
        await self._db.execute(
            "UPDATE outbox SET target_kind = ?, target = ?, payload = ?, fallback = NULL,"
            " rerouted_from = ?, last_error = ?, next_attempt_at = ?, sending_since = NULL"
            " WHERE id = ?",
            (
                target_kind,
                target,
                json.dumps(payload),
                f"{post.target_kind}:{post.target}",
                why[:500],
                stamp(self._clock.now()),
                post.id,
            ),
        )
        found = await self.find(post.dedupe_key)
        assert found is not None
        return found

    async def unsure(self, post: Post, at: datetime, error: str) -> None:
        """An attempt's answer was lost: Cliq may have the post. Look again at `at`, and check
        the chat before posting again (the first such attempt's time is kept)."""
        await self._db.execute(
            "UPDATE outbox SET unsure_since = COALESCE(unsure_since, ?), next_attempt_at = ?,"
            " last_error = ?, attempts = attempts + 1, sending_since = NULL, claimed_by = NULL"
            " WHERE id = ?",
            (stamp(self._clock.now()), stamp(at), error[:500], post.id),
        )

    async def sure(self, post_id: int) -> None:
        """Cliq's chat shows the post is not there: the next attempt may post it."""
        await self._db.execute("UPDATE outbox SET unsure_since = NULL WHERE id = ?", (post_id,))

    async def dead(self, post_id: int, error: str) -> None:
        await self._db.execute(
            "UPDATE outbox SET dead_at = ?, last_error = ?, attempts = attempts + 1,"
            " sending_since = NULL, claimed_by = NULL WHERE id = ?",
            (stamp(self._clock.now()), error[:500], post_id),
        )

    async def dead_letters(self) -> list[Post]:
        rows = await self._db.fetchall("SELECT * FROM outbox WHERE dead_at IS NOT NULL ORDER BY id")
        return [_post(r) for r in rows]

    async def revive(self, post_id: int) -> bool:
        """Send a dead letter again (`deskbot outbox retry`)."""
        async with self._db.transaction() as tx:
            return (
                await tx.execute(
                    "UPDATE outbox SET dead_at = NULL, next_attempt_at = ? WHERE id = ?"
                    " AND dead_at IS NOT NULL",
                    (stamp(self._clock.now()), post_id),
                )
                > 0
            )

    async def drop(self, post_id: int) -> bool:
        """Delete a dead letter for good (`deskbot outbox drop`); False if there is none."""
        async with self._db.transaction() as tx:
            return (
                await tx.execute(
                    "DELETE FROM outbox WHERE id = ? AND dead_at IS NOT NULL", (post_id,)
                )
                > 0
            )

    async def waiting(self, limit: int = 20) -> list[Post]:
        """The oldest posts not delivered yet (not dead), with why they wait."""
        rows = await self._db.fetchall(
            "SELECT * FROM outbox WHERE delivered_at IS NULL AND dead_at IS NULL"
            " ORDER BY id LIMIT ?",
            (limit,),
        )
        return [_post(r) for r in rows]

    async def counts(self) -> dict[str, int]:
        row = await self._db.fetchone(
            "SELECT COUNT(delivered_at) AS delivered, COUNT(dead_at) AS dead,"
            " SUM(CASE WHEN delivered_at IS NULL AND dead_at IS NULL THEN 1 ELSE 0 END) AS waiting,"
            " COUNT(rerouted_from) AS rerouted FROM outbox"
        )
        keys = ("delivered", "dead", "waiting", "rerouted")
        return {k: int(row[k] or 0) for k in keys} if row else {}


def _post(row: Row) -> Post:
    return Post(
        id=row["id"],
        dedupe_key=row["dedupe_key"],
        target_kind=row["target_kind"],
        target=row["target"],
        payload=json.loads(row["payload"]),
        attempts=row["attempts"],
        last_error=row["last_error"],
        state="delivered" if row["delivered_at"] else "dead" if row["dead_at"] else "waiting",
        fallback=row["fallback"],
        rerouted_from=row["rerouted_from"],
        unsure_since=parse_stamp(row["unsure_since"]) if row["unsure_since"] else None,
        priority=row["priority"],
    )
