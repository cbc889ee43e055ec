"""Group commit: writes that arrive while a transaction runs share the next one.

A caller hands its item to `GroupCommit.submit` and gets its result only once the transaction
holding the item has committed, so whatever it then acts on is durable (a crash right after
cannot lose it). While the store is idle an item is written at once, alone; while a transaction
runs, the items arriving meanwhile wait and then commit together, one `BEGIN … COMMIT` for all
of them instead of one each. If a group's transaction fails, each of its items is tried again
alone, so a bad item fails only its own caller.

The inbox (Desk deliveries) and the replay memory (signed `/cliq` calls) both write this way.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

from bot.store.db import WHOLE_STORE, Database, Tx

Item = TypeVar("Item")
Result = TypeVar("Result")

Write = Callable[[Tx, list[Item]], Awaitable[list[Result | Exception]]]
"""Writes a group of items inside the open transaction; returns one outcome per item, in order:
its result, or the exception its caller gets (the others still commit). Raising fails the
whole group's transaction (each item is then tried alone)."""


class GroupCommit(Generic[Item, Result]):
    """Items written through `write` in shared transactions on `db` (see the module)."""

    def __init__(
        self, db: Database, write: Write[Item, Result], *, key: str | None = WHOLE_STORE
    ) -> None:
        """`key`: the lock the groups' transactions take (`Database.transaction`)."""
        self._db = db
        self._write = write
        self._key = key
        self._waiting: list[tuple[Item, asyncio.Future[Result]]] = []
        self._flusher: asyncio.Task[None] | None = None

    async def submit(self, item: Item) -> Result:
        """`item`'s outcome from `write`, once the transaction holding it has committed.

        Raises the exception `write` gave for it, or what the transaction raised when `item`
        was tried alone (e.g. `StoreUnavailable` while the store cannot be written)."""
        done: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
        self._waiting.append((item, done))
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.ensure_future(self._flush())
        return await done

    async def _flush(self) -> None:
        while self._waiting:
            group, self._waiting = self._waiting, []
            try:
                await self._commit(group)
            except Exception as exc:
                if len(group) == 1:
                    _settle(group[0][1], exc)
                    continue
                for one in group:  # find the item at fault; the others commit alone
                    try:
                        await self._commit([one])
                    except Exception as alone:
                        _settle(one[1], alone)

    async def _commit(self, group: list[tuple[Item, asyncio.Future[Result]]]) -> None:
        """One transaction for `group`; its callers are answered only after COMMIT."""
        async with self._db.transaction(key=self._key) as tx:
            outcomes = await self._write(tx, [item for item, _ in group])
            if len(outcomes) != len(group):  # (a bug in `write`: nothing is committed)
                raise RuntimeError(f"{len(outcomes)} outcomes for {len(group)} items")
        for (_, done), outcome in zip(group, outcomes, strict=True):
            _settle(done, outcome)


def _settle(done: asyncio.Future[Result], outcome: Result | Exception) -> None:
    if done.done():  # (its caller was cancelled meanwhile)
        return
    if isinstance(outcome, Exception):
        done.set_exception(outcome)
    else:
        done.set_result(outcome)


__all__ = ["GroupCommit", "Write"]
