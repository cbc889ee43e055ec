"""Rows claimed by one process at a time (the outbox's posts, the inbox's events), so several
deskbot processes on one store share the work without doing any of it twice (DESIGN §8).

A claim names its holder (`Database.holder`, one per process) in the row's `claimed_by`. It is
taken in a write transaction with `SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL (rows another
transaction is claiming are passed over, not waited for), and it lasts as long as its holder
lives: `dead_holders` finds the holders whose process is gone (`Database.holder_alive`), and the
queue gives their rows back. A holder takes its own claims again each round, so rows a round
left unsettled (the store refused a write mid-round) are never stranded; a row's outcome
(delivered, retried later, dead, processed) gives it back.

Each claim also has a token of its own (`claim_token`, new at every claim), carried by the rows
it returns. An outcome is written only while that claim still holds (`settle`: the row's holder
and token are still the claimer's, in the same statement that writes it). A worker whose claim
was taken over meanwhile (its process looked gone to another, e.g. its PostgreSQL liveness
connection dropped, and the other claimed the row) writes nothing: its outcome is dropped and
logged, and the row's new holder decides, so a late worker can never park, reschedule or
re-open what the new holder has done.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from bot.store.db import Database, Row, Tx

log = logging.getLogger(__name__)

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


class Claimed(NamedTuple):
    """The rows one claim took, and its token (each row's outcome must name it: `settle`)."""

    token: str
    rows: list[Row]


async def claim(
    db: Database, table: str, where: str, order: str, params: Sequence[Any], limit: int
) -> Claimed:
    """Claim up to `limit` rows of `table` matching `where` (with `params`), in `order`, that
    no other live holder has: mark them as this process's under a new token, and return them
    with it."""
    assert table in CLAIMABLE  # names come from code, never from input
    token = uuid.uuid4().hex
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
                f"UPDATE {table} SET claimed_by = ?, claim_token = ?"
                f" WHERE id IN ({', '.join('?' for _ in ids)})",
                (db.holder, token, *ids),
            )
    return Claimed(token, rows)


async def settle(
    into: Tx | Database,
    holder: str,
    table: str,
    row_id: int,
    claim: str | None,
    sets: str,
    params: Sequence[Any],
    *,
    keep: bool = False,
    also: str = "",
    quiet: bool = False,
) -> bool:
    """Write an outcome (`sets`, an SQL `SET` list, with `params`) to row `row_id` of `table`
    if the claim `claim` (a token from `claim`) still holds it for this process; the claim is
    given back with it unless `keep` (a step within the attempt: the holder goes on). `also`:
    a further condition on the row (SQL without placeholders). `quiet`: the caller logs a lost
    claim itself.

    `into` is the caller's transaction or the store (then one statement of its own); `holder`
    is this process's (`Database.holder`). True if written; False if the claim was lost (taken
    over by another process, or no claim given): nothing is written, and the dropped outcome
    is logged."""
    assert table in CLAIMABLE
    release = "" if keep else ", claimed_by = NULL, claim_token = NULL"
    condition = f" AND ({also})" if also else ""
    written = claim is not None and (
        await into.execute(
            f"UPDATE {table} SET {sets}{release}"
            f" WHERE id = ? AND claimed_by = ? AND claim_token = ?{condition}",
            (*params, row_id, holder, claim),
        )
        > 0
    )
    if not written and not quiet:
        log.warning(
            "%s row %s: this process's claim was lost (another process holds it now);"
            " its outcome is dropped: SET %s",
            table,
            row_id,
            sets,
        )
    return written


async def dead_holders(db: Database, table: str, open_rows: str) -> list[str]:
    """The holders of claims on `table`'s rows matching `open_rows` whose process is gone."""
    assert table in CLAIMABLE
    rows = await db.fetchall(
        f"SELECT DISTINCT claimed_by FROM {table}"
        f" WHERE claimed_by IS NOT NULL AND claimed_by <> ? AND ({open_rows})",
        (db.holder,),
    )
    return [row["claimed_by"] for row in rows if not await db.holder_alive(row["claimed_by"])]
