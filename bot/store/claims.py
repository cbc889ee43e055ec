"""Rows claimed by one process at a time (the outbox's posts, the inbox's events), so several
deskbot processes on one store share the work without doing any of it twice (DESIGN §8).

A claim names its holder (`Database.holder`, one per process) in the row's `claimed_by`. It is
taken in a write transaction with `SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL (rows another
transaction is claiming are passed over, not waited for), and it lasts as long as its holder
lives: `dead_holders` finds the holders whose process is gone (`Database.holder_alive`), and the
queue gives their rows back. A holder takes its own claims again each round, so rows a round
left unsettled (the store refused a write mid-round) are never stranded; a row's outcome
(delivered, retried later, dead, processed) gives it back.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from bot.store.db import Database, Row

CLAIMABLE = ("outbox", "inbox")
LOOK_AGAIN = timedelta(seconds=2)
"""While another process holds claims, look again this often (if it died, its rows come back)."""


def look_again(at: datetime | None, others_hold: bool, now: datetime) -> datetime | None:
    """When a worker should run its next round: `at` (its own earliest due row, or None), but
    no later than `LOOK_AGAIN` from `now` while other processes hold claims."""
    if not others_hold:
        return at
    soon = now + LOOK_AGAIN
    return soon if at is None else min(at, soon)


async def claim(
    db: Database, table: str, where: str, order: str, params: Sequence[Any], limit: int
) -> list[Row]:
    """Claim up to `limit` rows of `table` matching `where` (with `params`), in `order`, that
    no other live holder has: mark them as this process's and return them."""
    assert table in CLAIMABLE  # names come from code, never from input
    # Rows only: the rows taken are locked (`FOR UPDATE SKIP LOCKED` passes over those another
    # claim is taking), so claims by several processes run side by side.
    async with db.transaction(key=None) as tx:
        rows = await tx.fetchall(
            f"SELECT * FROM {table} WHERE ({where}) AND (claimed_by IS NULL OR claimed_by = ?)"
            f" ORDER BY {order} LIMIT ?{db.skip_locked}",
            (*params, db.holder, limit),
        )
        if rows:
            ids = [row["id"] for row in rows]
            await tx.execute(
                f"UPDATE {table} SET claimed_by = ? WHERE id IN ({', '.join('?' for _ in ids)})",
                (db.holder, *ids),
            )
    return rows


async def dead_holders(db: Database, table: str, open_rows: str) -> list[str]:
    """The holders of claims on `table`'s rows matching `open_rows` whose process is gone."""
    assert table in CLAIMABLE
    rows = await db.fetchall(
        f"SELECT DISTINCT claimed_by FROM {table}"
        f" WHERE claimed_by IS NOT NULL AND claimed_by <> ? AND ({open_rows})",
        (db.holder,),
    )
    return [row["claimed_by"] for row in rows if not await db.holder_alive(row["claimed_by"])]
