"""Dead letters: inbox events and outbox posts parked because trying again would not help (a
permanent answer, or the last attempt used up), kept with their reason until a person retries
or drops them (`deskbot inbox|outbox`, the console's outbox page).

Parking is one outcome of a claimed row (bot/store/claims.py): written only while the claim
holds, giving it back, counting the attempt, and logged once here. Listing and reviving are the
same for both queues; dropping is each queue's own (a dropped event stays as processed, so a
redelivery with its dedupe key is still a no-op; a dropped post is deleted).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.store import claims
from bot.store.db import Database, Row, Tx, stamp

log = logging.getLogger(__name__)

REASON_CHARS = 500
"""How much of a failure's reason is kept (`last_error`)."""

_CLEARED = {"inbox": "", "outbox": ", sending_since = NULL"}
"""What else parking clears, per queue: a post is no longer in flight."""
_WHAT = {"inbox": "event", "outbox": "post"}


def reason(text: str) -> str:
    """A failure's reason as stored (`last_error`): at most REASON_CHARS characters."""
    return text[:REASON_CHARS]


async def park(
    into: Tx | Database,
    holder: str,
    table: str,
    row_id: int,
    claim: str | None,
    why: str,
    now: datetime,
    *,
    attempt: int,
) -> bool:
    """Park row `row_id` of `table` ("inbox" or "outbox") as dead at `now` with the reason
    `why`, its `attempt` (the number of this try, from 1) counted, if the claim `claim` still
    holds it for `holder` (`claims.settle`). True if parked (logged as an error); False if the
    claim was lost (nothing written)."""
    parked = await claims.settle(
        into,
        holder,
        table,
        row_id,
        claim,
        f"dead_at = ?, last_error = ?, attempts = attempts + 1{_CLEARED[table]}",
        (stamp(now), reason(why)),
    )
    if parked:
        log.error(
            "%s %s parked as dead after %d attempt(s): %s",
            _WHAT[table],
            row_id,
            attempt,
            reason(why),
        )
    return parked


async def listed(db: Database, table: str, limit: int | None = None) -> list[Row]:
    """The dead rows of `table`, oldest first (at most `limit`)."""
    assert table in claims.CLAIMABLE
    sql = f"SELECT * FROM {table} WHERE dead_at IS NOT NULL ORDER BY id"
    if limit is None:
        return await db.fetchall(sql)
    return await db.fetchall(f"{sql} LIMIT ?", (limit,))


async def revive(db: Database, table: str, row_id: int, sets: str, params: Sequence[Any]) -> bool:
    """Make a dead row of `table` live again (`dead_at` cleared, and `sets` with `params`, how
    that queue starts it over); False if `row_id` is not a dead letter."""
    assert table in claims.CLAIMABLE
    async with db.transaction() as tx:
        changed = await tx.execute(
            f"UPDATE {table} SET dead_at = NULL, {sets} WHERE id = ? AND dead_at IS NOT NULL",
            (*params, row_id),
        )
    return changed > 0
