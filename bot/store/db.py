"""The one database module: connection, migrations and transactions.

SQL is kept portable (no SQLite-only syntax beyond what PostgreSQL also accepts where we can) so the
store can move to PostgreSQL later (DESIGN §8). Each owner (the bot's core tables, attendance, the
sandbox Desk) registers its own ordered migrations under a namespace.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite

Migration = str  # one migration: a script of SQL statements


class Database:
    """A single aiosqlite connection with a write lock.

    Writes go through `transaction()`, which holds `BEGIN IMMEDIATE … COMMIT` under an asyncio lock
    so a state change and the rows it causes (an outbox post, an audit event) commit together.
    """

    def __init__(self, conn: aiosqlite.Connection, path: str) -> None:
        self._conn = conn
        self._write_lock = asyncio.Lock()
        self.path = path

    @classmethod
    async def open(cls, path: str | Path) -> Database:
        path = str(path)
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        conn = await aiosqlite.connect(path, isolation_level=None)
        conn.row_factory = aiosqlite.Row
        await conn.execute("PRAGMA journal_mode=WAL")
        # NORMAL in WAL mode survives a process crash (SIGKILL); only power loss may drop the tail.
        await conn.execute("PRAGMA synchronous=NORMAL")
        await conn.execute("PRAGMA foreign_keys=ON")
        await conn.execute("PRAGMA busy_timeout=5000")
        await conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " namespace TEXT NOT NULL, version INTEGER NOT NULL,"
            " PRIMARY KEY (namespace, version))"
        )
        return cls(conn, path)

    async def close(self) -> None:
        await self._conn.close()

    async def migrate(self, namespace: str, migrations: Sequence[Migration]) -> int:
        """Apply the migrations of `namespace` not applied yet; return how many ran."""
        rows = await self.fetchall(
            "SELECT version FROM schema_migrations WHERE namespace = ?", (namespace,)
        )
        done = {row["version"] for row in rows}
        ran = 0
        for version, script in enumerate(migrations, start=1):
            if version in done:
                continue
            async with self.transaction() as tx:
                for statement in _statements(script):
                    await tx.execute(statement)
                await tx.execute(
                    "INSERT INTO schema_migrations (namespace, version) VALUES (?, ?)",
                    (namespace, version),
                )
            ran += 1
        return ran

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """One short write transaction; rolled back if the body raises."""
        async with self._write_lock:
            await self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                await self._conn.execute("ROLLBACK")
                raise
            await self._conn.execute("COMMIT")

    async def execute(self, sql: str, params: Iterable[Any] = ()) -> int:
        """Run one write statement in its own transaction; return the last row id."""
        async with self.transaction() as tx:
            cursor = await tx.execute(sql, tuple(params))
            return cursor.lastrowid or 0

    async def fetchall(self, sql: str, params: Iterable[Any] = ()) -> list[aiosqlite.Row]:
        async with self._conn.execute(sql, tuple(params)) as cursor:
            return list(await cursor.fetchall())

    async def fetchone(self, sql: str, params: Iterable[Any] = ()) -> aiosqlite.Row | None:
        async with self._conn.execute(sql, tuple(params)) as cursor:
            return await cursor.fetchone()


def _statements(script: str) -> list[str]:
    """Split a migration script on semicolons (our migrations hold no semicolons in literals)."""
    return [part.strip() for part in script.split(";") if part.strip()]
