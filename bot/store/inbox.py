"""The inbox: every Desk event we acknowledged, stored before the 200 goes back (DESIGN §1, §5).

Desk delivers at least once with no delivery id; the dedupe key (eventType, payload id,
eventTime) makes a redelivery a no-op. The notifier marks an event processed in the same
transaction that writes its posts to the outbox.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC
from typing import Any

import aiosqlite

from bot.clock import Clock
from bot.store.db import Database

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
    """
]
MAX_ATTEMPTS = 5


@dataclass(frozen=True)
class Stored:
    id: int
    event_type: str
    body: dict[str, Any]
    attempts: int


class Inbox:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock
        self._waiting: list[
            tuple[list[tuple[str, str, dict[str, Any]]], asyncio.Future[tuple[int, int]]]
        ] = []
        self._flusher: asyncio.Task[None] | None = None

    async def setup(self) -> None:
        await self._db.migrate("inbox", MIGRATIONS)

    async def add(self, events: Iterable[tuple[str, str, dict[str, Any]]]) -> tuple[int, int]:
        """Store `(dedupe key, event type, event)` triples durably: (accepted, duplicates).

        Deliveries arriving together are committed together (group commit): each caller still
        returns only after the transaction holding its events has committed. If a group's
        transaction fails, each of its deliveries is tried again alone, so one bad delivery
        fails only itself.
        """
        done: asyncio.Future[tuple[int, int]] = asyncio.get_running_loop().create_future()
        self._waiting.append((list(events), done))
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.ensure_future(self._flush())
        return await done

    async def _flush(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting, []
            try:
                await self._commit(batch)
            except Exception as exc:
                if len(batch) == 1:
                    _settle_error(batch[0][1], exc)
                    continue
                for one in batch:  # find the delivery at fault; the others commit alone
                    try:
                        await self._commit([one])
                    except Exception as alone:
                        _settle_error(one[1], alone)

    async def _commit(
        self,
        batch: list[tuple[list[tuple[str, str, dict[str, Any]]], asyncio.Future[tuple[int, int]]]],
    ) -> None:
        """One transaction for the deliveries of `batch`; their futures resolve after COMMIT."""
        results: list[tuple[asyncio.Future[tuple[int, int]], tuple[int, int]]] = []
        now = self._clock.now().astimezone(UTC).isoformat()
        async with self._db.transaction() as tx:
            for events, done in batch:
                accepted = duplicates = 0
                for key, event_type, event in events:
                    cursor = await tx.execute(
                        "INSERT INTO inbox (dedupe_key, event_type, body, received_at)"
                        " VALUES (?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING",
                        (key, event_type, json.dumps(event), now),
                    )
                    if cursor.rowcount > 0:
                        accepted += 1
                    else:
                        duplicates += 1
                results.append((done, (accepted, duplicates)))
        for done, counts in results:
            if not done.done():
                done.set_result(counts)

    async def pending(self, limit: int = 50) -> list[Stored]:
        rows = await self._db.fetchall(
            "SELECT id, event_type, body, attempts FROM inbox WHERE processed_at IS NULL"
            " AND attempts < ? ORDER BY id LIMIT ?",
            (MAX_ATTEMPTS, limit),
        )
        return [
            Stored(r["id"], r["event_type"], json.loads(r["body"]), r["attempts"]) for r in rows
        ]

    async def mark_processed(self, tx: aiosqlite.Connection, event_id: int) -> None:
        await tx.execute(
            "UPDATE inbox SET processed_at = ? WHERE id = ?",
            (self._clock.now().astimezone(UTC).isoformat(), event_id),
        )

    async def failed(self, event_id: int, error: str) -> None:
        """Leave it pending for another try (up to MAX_ATTEMPTS), with the reason kept."""
        await self._db.execute(
            "UPDATE inbox SET attempts = attempts + 1, last_error = ? WHERE id = ?",
            (error[:500], event_id),
        )

    async def count(self) -> int:
        row = await self._db.fetchone("SELECT COUNT(*) AS n FROM inbox")
        return int(row["n"]) if row else 0


def _settle_error(done: asyncio.Future[tuple[int, int]], error: Exception) -> None:
    if not done.done():
        done.set_exception(error)
