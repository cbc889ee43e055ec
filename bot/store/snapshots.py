"""What the Desk poller last saw of each ticket, so it can tell what changed (issue 9).

Desk editions without webhooks send no `prevState`: the poller compares a changed ticket with
the snapshot kept here and builds the same `Ticket_Update` a webhook would have delivered.
"""

from __future__ import annotations

import json
from typing import Any

from bot.store.db import Database

MIGRATIONS = [
    "CREATE TABLE ticket_snapshots (id TEXT PRIMARY KEY, state TEXT NOT NULL)",
]


class TicketSnapshots:
    """Ticket id → the watched fields as last seen (Desk's wire names and values)."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def setup(self) -> None:
        await self._db.migrate("ticket_snapshots", MIGRATIONS)

    async def get(self, ticket_id: str) -> dict[str, Any] | None:
        row = await self._db.fetchone(
            "SELECT state FROM ticket_snapshots WHERE id = ?", (ticket_id,)
        )
        return json.loads(row["state"]) if row else None

    async def put(self, ticket_id: str, state: dict[str, Any]) -> None:
        await self.put_many([(ticket_id, state)])

    async def put_many(self, states: list[tuple[str, dict[str, Any]]]) -> None:
        """Store (or replace) several snapshots in one transaction."""
        if not states:
            return
        async with self._db.transaction() as tx:
            await tx.executemany(
                "INSERT INTO ticket_snapshots (id, state) VALUES (?, ?)"
                " ON CONFLICT (id) DO UPDATE SET state = excluded.state",
                [(ticket_id, json.dumps(state)) for ticket_id, state in states],
            )
