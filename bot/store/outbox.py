"""The outbox: every post that must reach a person, stored before it is sent (DESIGN §1, §5).

The dedupe key is the exactly-once mechanism: a second enqueue with the same key does nothing
(the same Desk event processed twice, a digest for a day already queued, Post here pressed twice).
A row is delivered, waiting for its next attempt, or dead (a permanent failure, kept visible).
Each row has a priority: URGENT (event notifications, command answers, Post here) is sent before
BULK (due-soon and task reminders, digests) and may use all of the sender's pace; BULK leaves
part of every minute's budget to URGENT (bot/workers/sender.py).
"""

from __future__ import annotations

import dataclasses
import json
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.clock import Clock
from bot.store import claims, dead_letters
from bot.store.db import Database, Row, Tx, parse_stamp, stamp

log = logging.getLogger(__name__)

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
    # Each claim's own token: an outcome is written only while its claim still holds.
    "ALTER TABLE outbox ADD COLUMN claim_token TEXT",
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
    claim: str | None = None  # the token of the claim it was read under (outcomes need it)


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
        first; claimed for this process (under one new claim token, in each `Post.claim`) until
        their outcome is written."""
        token, rows = await claims.claim(
            self._db,
            "outbox",
            f"{OPEN} AND sending_since IS NULL AND next_attempt_at <= ?",
            "priority, id",
            (stamp(self._clock.now()),),
            limit,
        )
        return [_post(r, token) for r in rows]

    async def take(self, dedupe_key: str) -> Post | None:
        """Claim the post stored under `dedupe_key` now, due or not (a person waits on it:
        Post here); None if it is settled, in flight, or held by another live process."""
        token, rows = await claims.claim(
            self._db,
            "outbox",
            f"{OPEN} AND sending_since IS NULL AND dedupe_key = ?",
            "id",
            (dedupe_key,),
            1,
        )
        return _post(rows[0], token) if rows else None

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

    async def sending(self, post: Post) -> bool:
        """Mark a claimed post as in flight, durably, before it is handed to Cliq (the claim is
        kept): False (send nothing) if its claim was lost or it is settled or in flight.
        Raises `StoreUnavailable` when that cannot be recorded: then it must not be sent."""
        return await self._settle(
            post,
            "sending_since = ?",
            (stamp(self._clock.now()),),
            keep=True,
            also=f"{OPEN} AND sending_since IS NULL",
        )

    async def recover(self) -> int:
        """Take back the claims of processes that are gone (this one's earlier run, or another
        process on a shared store): their posts left in flight may have reached Cliq, so they
        become unsure (checked in the chat before posting again); how many were in flight."""
        found = 0
        for holder in await claims.dead_holders(self._db, "outbox", OPEN):
            found += await self._db.execute(
                "UPDATE outbox SET unsure_since = COALESCE(unsure_since, sending_since),"
                " sending_since = NULL, claimed_by = NULL, claim_token = NULL"
                f" WHERE claimed_by = ? AND {OPEN} AND sending_since IS NOT NULL",
                (holder,),
            )
            await self._db.execute(
                "UPDATE outbox SET claimed_by = NULL, claim_token = NULL WHERE claimed_by = ?",
                (holder,),
            )
        if not self._legacy_checked:  # rows marked in flight before claims named their process
            found += await self._db.execute(
                "UPDATE outbox SET unsure_since = COALESCE(unsure_since, sending_since),"
                " sending_since = NULL WHERE sending_since IS NOT NULL AND claimed_by IS NULL"
                f" AND {OPEN}"
            )
            self._legacy_checked = True
        return found

    # The outcomes of an attempt: each is written only while the post's claim still holds (see
    # bot/store/claims.py), and gives the claim back; False (nothing written) if it was lost.

    async def delivered(self, post: Post) -> bool:
        """Cliq has the post. If the claim was lost but nobody has the post in flight or
        settled (the new holder has not sent it yet), it is still recorded as delivered, so it
        is not posted twice; True if recorded either way."""
        now = stamp(self._clock.now())
        sets = "delivered_at = ?, attempts = attempts + 1, sending_since = NULL"
        if await self._settle(post, sets, (now,), quiet=post.claim is not None):
            return True
        if post.claim is None:  # never claimed, so never sent by this process
            return False
        late = await self._db.execute(
            f"UPDATE outbox SET {sets}, claimed_by = NULL, claim_token = NULL"
            f" WHERE id = ? AND {OPEN} AND sending_since IS NULL",
            (now, post.id),
        )
        log.warning(
            "post %s: delivered under a claim since taken over by another process; %s",
            post.id,
            "recorded as delivered (not sent yet by the other)" if late else "outcome dropped",
        )
        return late > 0

    async def retry_later(
        self, post: Post, at: datetime, error: str, *, count: bool = True
    ) -> bool:
        """Try again at `at` (`count`: the attempt counts towards the backoff)."""
        return await self._settle(
            post,
            "next_attempt_at = ?, last_error = ?, attempts = attempts + ?, sending_since = NULL",
            (stamp(at), error[:500], 1 if count else 0),
        )

    async def reroute(
        self, post: Post, target_kind: str, target: str, payload: dict[str, Any], why: str
    ) -> Post | None:
        """Send a post somewhere else instead (a refused DM to its fallback channel), due now;
        the row keeps its dedupe key, so it is still delivered once, and remembers where it was
        meant to go (counted as `rerouted`). The post as it now is, still claimed; None if the
        claim was lost."""
        moved = await self._settle(
            post,
            "target_kind = ?, target = ?, payload = ?, fallback = NULL, rerouted_from = ?,"
            " last_error = ?, next_attempt_at = ?, sending_since = NULL",
            (
                target_kind,
                target,
                json.dumps(payload),
                f"{post.target_kind}:{post.target}",
                why[:500],
                stamp(self._clock.now()),
            ),
            keep=True,
        )
        found = await self.find(post.dedupe_key) if moved else None
        return dataclasses.replace(found, claim=post.claim) if found else None

    async def unsure(self, post: Post, at: datetime, error: str) -> bool:
        """An attempt's answer was lost: Cliq may have the post. Look again at `at`, and check
        the chat before posting again, for messages since the first such attempt *began* (its
        `sending_since`: Cliq may have taken the post at once and its answer been given up a
        read timeout later)."""
        return await self._settle(
            post,
            "unsure_since = COALESCE(unsure_since, sending_since, ?), next_attempt_at = ?,"
            " last_error = ?, attempts = attempts + 1, sending_since = NULL",
            (stamp(self._clock.now()), stamp(at), error[:500]),
        )

    async def sure(self, post: Post) -> bool:
        """Cliq's chat shows the post is not there: the next attempt may post it (the claim is
        kept)."""
        return await self._settle(post, "unsure_since = NULL", (), keep=True)

    async def dead(self, post: Post, error: str) -> bool:
        """A permanent refusal: parked as a dead letter, with the reason
        (bot/store/dead_letters.py)."""
        return await dead_letters.park(
            self._db,
            self._db.holder,
            "outbox",
            post.id,
            post.claim,
            error,
            self._clock.now(),
            attempt=post.attempts + 1,
        )

    async def _settle(
        self,
        post: Post,
        sets: str,
        params: tuple[Any, ...],
        *,
        keep: bool = False,
        also: str = "",
        quiet: bool = False,
    ) -> bool:
        return await claims.settle(
            self._db,
            self._db.holder,
            "outbox",
            post.id,
            post.claim,
            sets,
            params,
            keep=keep,
            also=also,
            quiet=quiet,
        )

    async def dead_letters(self) -> list[Post]:
        """The dead letters, oldest first."""
        return [_post(r) for r in await dead_letters.listed(self._db, "outbox")]

    async def revive(self, post_id: int) -> bool:
        """Send a dead letter again, now (`deskbot outbox retry`)."""
        return await dead_letters.revive(
            self._db, "outbox", post_id, "next_attempt_at = ?", (stamp(self._clock.now()),)
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


def _post(row: Row, claim: str | None = None) -> Post:
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
        claim=claim,
    )
