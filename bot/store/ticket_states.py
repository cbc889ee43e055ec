"""The last state of each ticket the notifier knows (issue 10 item 8).

What changed is decided from the ticket as Desk shows it now and this last known state, not from
an event's body (Desk's JWT does not cover the body). One row per ticket: its id and the fields
the notifier compares (`bot/notify/believed.py`), as JSON.
"""

from __future__ import annotations

import json
from typing import Any

from bot.store.db import Database, Tx

MIGRATIONS = [
    """
    CREATE TABLE ticket_states (
        ticket_id TEXT PRIMARY KEY,
        state TEXT NOT NULL
    )
    """
]


class TicketStates:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def setup(self) -> None:
        await self._db.migrate("ticket_states", MIGRATIONS)

    async def get(self, ticket_id: str) -> dict[str, Any] | None:
        """The last known state of a ticket, or None if the notifier has never seen it."""
        row = await self._db.fetchone(
            "SELECT state FROM ticket_states WHERE ticket_id = ?", (ticket_id,)
        )
        return json.loads(row["state"]) if row else None

    async def put(self, tx: Tx, ticket_id: str, state: dict[str, Any]) -> None:
        """Remember a ticket's state, inside the transaction that records what it caused."""
        await tx.execute(
            "INSERT INTO ticket_states (ticket_id, state) VALUES (?, ?)"
            " ON CONFLICT (ticket_id) DO UPDATE SET state = excluded.state",
            (ticket_id, json.dumps(state)),
        )
