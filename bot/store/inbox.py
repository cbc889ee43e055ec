"""The inbox: every Desk event we acknowledged, stored before the 200 goes back (DESIGN §1, §5).

Desk delivers at least once with no delivery id; the dedupe key (eventType, payload id,
eventTime) makes a redelivery a no-op. The notifier marks an event processed in the same
transaction that writes its posts to the outbox.

An event is pending, processed, or dead. One that fails is retried on its own with backoff
(`next_attempt_at`), never holding up the others; after MAX_ATTEMPTS failures, or at once on a
permanent answer from Desk, it is parked as dead with its reason (`deskbot inbox` lists,
retries and drops them). While Desk cannot be reached an event waits (`waits`), using up
no attempt.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from bot.clock import Clock, epoch_ms
from bot.store import claims, dead_letters
from bot.store.db import Database, Row, Tx, parse_stamp, stamp
from bot.store.group import GroupCommit
from bot.store.seen import (
    WRITES_KEY,
    Binding,
    SeenCredentials,
    Use,
    UsedWithAnotherBody,
    forget_expired,
    use_in,
)

MIGRATIONS = [
    """
    CREATE TABLE inbox (
        id INTEGER PRIMARY KEY,
        dedupe_key TEXT NOT NULL UNIQUE,
        event_type TEXT NOT NULL,
        body TEXT NOT NULL,
        received_at TEXT NOT NULL,
        processed_at TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT
    );
    CREATE INDEX inbox_pending ON inbox (processed_at, id)
    """,
    # Isolation: each event's own next attempt, dead letters, and waits for Desk (no attempt).
    """
    ALTER TABLE inbox ADD COLUMN next_attempt_at TEXT;
    ALTER TABLE inbox ADD COLUMN dead_at TEXT;
    ALTER TABLE inbox ADD COLUMN waits INTEGER NOT NULL DEFAULT 0;
    UPDATE inbox SET dead_at = received_at WHERE processed_at IS NULL AND attempts >= 5
    """,
    # Which process is working on the event (bot/store/claims.py): several may share the store.
    """
    ALTER TABLE inbox ADD COLUMN claimed_by TEXT;
    CREATE INDEX inbox_claimed ON inbox (claimed_by)
    """,
    # Each claim's own token: an outcome is written only while its claim still holds.
    "ALTER TABLE inbox ADD COLUMN claim_token TEXT",
]
PENDING = "processed_at IS NULL AND dead_at IS NULL"
MAX_ATTEMPTS = 5


@dataclass(frozen=True)
class Stored:
    id: int
    event_type: str
    body: dict[str, Any]
    attempts: int
    waits: int = 0
    last_error: str | None = None
    state: str = "pending"  # "pending", "processed" or "dead"
    claim: str | None = None  # the token of the claim it was read under (outcomes need it)

    @property
    def last_try(self) -> bool:
        """Whether failing once more parks it (its MAX_ATTEMPTS-th attempt)."""
        return self.attempts + 1 >= MAX_ATTEMPTS


class _Delivery(NamedTuple):
    events: list[tuple[str, str, dict[str, Any]]]
    binding: Binding | None


class Inbox:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock
        # Deliveries write their tokens' credentials too: one at a time with the other writers
        # of credentials, beside everything else.
        self._writes: GroupCommit[_Delivery, tuple[int, int]] = GroupCommit(
            db, self._write, key=WRITES_KEY
        )

    async def setup(self) -> None:
        await self._db.migrate("inbox", MIGRATIONS)
        await SeenCredentials(self._db, self._clock).setup()  # the tokens' bindings

    async def add(
        self,
        events: Iterable[tuple[str, str, dict[str, Any]]],
        *,
        binding: Binding | None = None,
    ) -> tuple[int, int]:
        """Store `(dedupe key, event type, event)` triples durably: (accepted, duplicates).

        Deliveries arriving together are committed together (group commit, `bot.store.group`):
        each caller still returns only after the transaction holding its events has committed,
        and one bad delivery fails only itself. `binding` (the delivery's signed token and body
        digest) is recorded in the same transaction; a token already used with another body
        stores nothing and raises UsedWithAnotherBody.
        """
        return await self._writes.submit(_Delivery(list(events), binding))

    async def _write(self, tx: Tx, batch: list[_Delivery]) -> list[tuple[int, int] | Exception]:
        """The deliveries of `batch` inside one transaction: each one's outcome, in order."""
        results: list[tuple[int, int] | Exception] = []
        now = stamp(self._clock.now())
        if any(delivery.binding for delivery in batch):
            await forget_expired(tx, epoch_ms(self._clock.now()))
        for events, binding in batch:
            if binding is not None and await use_in(tx, binding) is Use.OTHER_BODY:
                results.append(UsedWithAnotherBody(binding.credential))
                continue
            accepted = duplicates = 0
            for key, event_type, event in events:
                inserted = await tx.execute(
                    "INSERT INTO inbox (dedupe_key, event_type, body, received_at)"
                    " VALUES (?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING",
                    (key, event_type, json.dumps(event), now),
                )
                if inserted > 0:
                    accepted += 1
                else:
                    duplicates += 1
            results.append((accepted, duplicates))
        return results

    async def pending(self, limit: int = 50) -> list[Stored]:
        """Events due now (not processed, not dead, their next attempt reached), oldest first."""
        rows = await self._db.fetchall(
            "SELECT * FROM inbox WHERE processed_at IS NULL AND dead_at IS NULL"
            " AND (next_attempt_at IS NULL OR next_attempt_at <= ?) ORDER BY id LIMIT ?",
            (stamp(self._clock.now()), limit),
        )
        return [_stored(r) for r in rows]

    async def claim(self, limit: int = 50) -> list[Stored]:
        """Events due now that no other live process is working on, oldest first; claimed for
        this process (under one new claim token, in each `Stored.claim`) until their outcome is
        written. Claims of processes that are gone come back first."""
        for holder in await claims.dead_holders(self._db, "inbox", PENDING):
            await self._db.execute(
                "UPDATE inbox SET claimed_by = NULL, claim_token = NULL WHERE claimed_by = ?",
                (holder,),
            )
        token, rows = await claims.claim(
            self._db,
            "inbox",
            f"{PENDING} AND (next_attempt_at IS NULL OR next_attempt_at <= ?)",
            "id",
            (stamp(self._clock.now()),),
            limit,
        )
        return [_stored(r, token) for r in rows]

    async def next_attempt(self) -> datetime | None:
        """When the earliest pending event free or this process's is due (now if one is due
        already), no later than `claims.LOOK_AGAIN` while another process holds some; None if
        none."""
        row = await self._db.fetchone(
            "SELECT SUM(CASE WHEN claimed_by IS NULL OR claimed_by = ? THEN 1 ELSE 0 END) AS n,"
            " MIN(CASE WHEN claimed_by IS NULL OR claimed_by = ?"
            " THEN COALESCE(next_attempt_at, '') END) AS at,"
            " SUM(CASE WHEN claimed_by IS NOT NULL AND claimed_by <> ? THEN 1 ELSE 0 END) AS others"
            f" FROM inbox WHERE {PENDING}",
            (self._db.holder, self._db.holder, self._db.holder),
        )
        others = bool(row and row["others"])
        if not row or not row["n"]:
            return claims.look_again(None, others, self._clock.now())
        at = parse_stamp(row["at"]) if row["at"] else self._clock.now()
        return claims.look_again(at, others, self._clock.now())

    async def mark_processed(self, tx: Tx, event: Stored) -> bool:
        """Processed (its posts are queued in `tx`). Like every outcome below, written only
        while `event`'s claim still holds: False if another process took it over meanwhile
        (nothing is written; the caller drops the round's work for it)."""
        return await self._settle(tx, event, "processed_at = ?", (stamp(self._clock.now()),))

    async def failed(self, tx: Tx, event: Stored, error: str, at: datetime) -> bool:
        """One attempt failed: try again at `at`, or park it as dead once MAX_ATTEMPTS are used
        (`event.last_try`). False if the claim was lost (nothing written)."""
        if event.last_try:
            return await self.park(tx, event, error)
        return await self._settle(
            tx,
            event,
            "attempts = attempts + 1, last_error = ?, next_attempt_at = ?",
            (error[:500], stamp(at)),
        )

    async def wait(self, tx: Tx, event: Stored, error: str, at: datetime) -> bool:
        """Desk could not answer (down, 5xx, 429): look again at `at`; no attempt is used.
        False if the claim was lost (nothing written)."""
        return await self._settle(
            tx,
            event,
            "waits = waits + 1, last_error = ?, next_attempt_at = ?",
            (error[:500], stamp(at)),
        )

    async def park(self, tx: Tx, event: Stored, error: str) -> bool:
        """A permanent answer (the ticket is gone, access refused), or the last attempt failed:
        dead now, with the reason (bot/store/dead_letters.py). False if the claim was lost
        (nothing written)."""
        return await dead_letters.park(
            tx,
            self._db.holder,
            "inbox",
            event.id,
            event.claim,
            error,
            self._clock.now(),
            attempt=event.attempts + 1,
        )

    async def _settle(self, tx: Tx, event: Stored, sets: str, params: tuple[Any, ...]) -> bool:
        return await claims.settle(
            tx, self._db.holder, "inbox", event.id, event.claim, sets, params
        )

    async def dead_letters(self, limit: int = 100) -> list[Stored]:
        """The parked events, oldest first (at most `limit`)."""
        return [_stored(r) for r in await dead_letters.listed(self._db, "inbox", limit)]

    async def revive(self, event_id: int) -> bool:
        """Process a dead event again, with fresh attempts (`deskbot inbox retry <id>`)."""
        return await dead_letters.revive(
            self._db, "inbox", event_id, "attempts = 0, waits = 0, next_attempt_at = NULL", ()
        )

    async def drop(self, event_id: int) -> bool:
        """Forget a dead event for good (`deskbot inbox drop <id>`); its dedupe key stays
        taken, so Desk redelivering it changes nothing."""
        async with self._db.transaction() as tx:
            return (
                await tx.execute(
                    "UPDATE inbox SET processed_at = ?, dead_at = NULL, last_error = ?"
                    " WHERE id = ? AND dead_at IS NOT NULL",
                    (stamp(self._clock.now()), "dropped", event_id),
                )
                > 0
            )

    async def count(self) -> int:
        row = await self._db.fetchone("SELECT COUNT(*) AS n FROM inbox")
        return int(row["n"]) if row else 0

    async def counts(self) -> dict[str, int]:
        """processed, pending (of which `waiting` for Desk) and dead, for /healthz and the CLI."""
        row = await self._db.fetchone(
            "SELECT COUNT(processed_at) AS processed, COUNT(dead_at) AS dead,"
            " SUM(CASE WHEN processed_at IS NULL AND dead_at IS NULL THEN 1 ELSE 0 END) AS pending,"
            " SUM(CASE WHEN processed_at IS NULL AND dead_at IS NULL AND waits > 0"
            " THEN 1 ELSE 0 END) AS waiting FROM inbox"
        )
        keys = ("processed", "pending", "waiting", "dead")
        return {k: int(row[k] or 0) for k in keys} if row else {}


def _stored(row: Row, claim: str | None = None) -> Stored:
    return Stored(
        id=row["id"],
        event_type=row["event_type"],
        body=json.loads(row["body"]),
        attempts=row["attempts"],
        waits=row["waits"],
        last_error=row["last_error"],
        state="processed" if row["processed_at"] else "dead" if row["dead_at"] else "pending",
        claim=claim,
    )
