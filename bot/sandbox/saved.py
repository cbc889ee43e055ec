"""The sandbox world kept on disk, so a restart finds it as it was (README "The sandboxes").

The sandbox Desk keeps its tickets, comments, ratings and webhooks in its own tables of the same
SQLite file (`bot/sandbox/desk/state.py`). Here the rest: the Desk's tasks, the Cliq world
(channels, the bot's memberships, chats, subscribers, and every message, one row each), the
Accounts' tokens (agents' connections live on) and the clock's offset. `serve` keeps the file
beside the bot's database (`[store] path` → `….sandbox.db`), since the bot's database remembers
mapped channels, connections and webhooks that only work while the sandboxes do.

Each of the three servers saves after every request that may change something (not GET).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from aiohttp import web

from bot.clock import MovableClock
from bot.sandbox.accounts import TokenRegistry
from bot.sandbox.cliq import CliqSandbox
from bot.sandbox.desk import DeskSandbox
from bot.store.db import Database

MIGRATIONS = [
    """
    CREATE TABLE sw_parts (name TEXT PRIMARY KEY, doc TEXT NOT NULL);
    CREATE TABLE sw_cliq_messages (id INTEGER PRIMARY KEY, doc TEXT NOT NULL)
    """
]
log = logging.getLogger(__name__)
READS = frozenset({"GET", "HEAD", "OPTIONS"})


def state_path(store_path: str) -> str:
    """Where the sandboxes of a bot whose database is `store_path` keep their state:
    `var/deskbot.db` → `var/deskbot.sandbox.db`; in memory when the bot's database is."""
    if store_path in ("", ":memory:"):
        return ":memory:"
    path = Path(store_path)
    return str(path.with_name(f"{path.stem}.sandbox{path.suffix or '.db'}"))


class SavedWorld:
    """Saves and restores the parts of the sandbox world not already in SQLite."""

    def __init__(
        self,
        db: Database,
        *,
        desk: DeskSandbox,
        cliq: CliqSandbox,
        registry: TokenRegistry,
        clock: MovableClock,
    ) -> None:
        self._db, self._desk, self._cliq = db, desk, cliq
        self._registry, self._clock = registry, clock
        self._written: dict[str, str] = {}  # part → the JSON last written
        self._messages_saved = 0  # how many of cliq.messages are rows
        self._lock = asyncio.Lock()

    async def setup(self) -> None:
        await self._db.migrate("sandbox_world", MIGRATIONS)

    async def restore(self) -> bool:
        """Put back what was saved; False when nothing was (a new world: keep the seed)."""
        parts = {r["name"]: r["doc"] for r in await self._db.fetchall("SELECT * FROM sw_parts")}
        if not parts:
            return False
        self._written = dict(parts)
        loaded = {name: json.loads(doc) for name, doc in parts.items()}
        if "clock" in loaded:
            offset = timedelta(seconds=float(loaded["clock"]["offset_seconds"]))
            await self._clock.follow(max(offset, self._clock.offset))
        if "registry" in loaded:
            self._registry.restore(loaded["registry"])
        if "desk_tasks" in loaded:
            self._desk.tasks = loaded["desk_tasks"]
        rows = await self._db.fetchall("SELECT doc FROM sw_cliq_messages ORDER BY id")
        messages = [json.loads(r["doc"]) for r in rows]
        self._cliq.restore(loaded.get("cliq", {}), messages)
        self._messages_saved = len(messages)
        return True

    async def save(self) -> None:
        """Write the parts that changed since the last save, and the new Cliq messages."""
        async with self._lock:
            docs = {
                "clock": json.dumps({"offset_seconds": self._clock.offset.total_seconds()}),
                "registry": json.dumps(self._registry.saved(), sort_keys=True),
                "desk_tasks": json.dumps(self._desk.tasks, sort_keys=True),
                "cliq": json.dumps(self._cliq.saved(), sort_keys=True),
            }
            changed = {k: v for k, v in docs.items() if self._written.get(k) != v}
            messages = self._cliq.messages
            cleared = len(messages) < self._messages_saved
            new = messages if cleared else messages[self._messages_saved :]
            if not changed and not new and not cleared:
                return
            async with self._db.transaction() as tx:
                await tx.executemany(
                    "INSERT INTO sw_parts (name, doc) VALUES (?, ?)"
                    " ON CONFLICT (name) DO UPDATE SET doc = excluded.doc",
                    list(changed.items()),
                )
                if cleared:
                    await tx.execute("DELETE FROM sw_cliq_messages")
                await tx.executemany(
                    "INSERT INTO sw_cliq_messages (id, doc) VALUES (?, ?)",
                    [(m["id"], json.dumps(m)) for m in new],
                )
            self._written.update(changed)
            self._messages_saved = len(messages)


def saving(save: Callable[[], Awaitable[None]]) -> Any:
    """An aiohttp middleware that runs `save` after each request that may change the world."""

    @web.middleware
    async def middleware(request: web.Request, handler: Any) -> web.StreamResponse:
        try:
            response: web.StreamResponse = await handler(request)
            return response
        finally:
            if request.method not in READS:
                try:
                    await save()
                except Exception:  # the answer stands; the next change saves again
                    log.exception("the sandbox world could not be saved")

    return middleware
