"""The one store interface: a `Database` with short write transactions (`Tx`), reads, numbered
migrations per owner, and what a failing store means. Two engines implement it, chosen by
`[store] url`: SQLite (`bot/store/sqlite.py`, the default: one file, nothing to install) and
PostgreSQL (`bot/store/postgres.py`, for several deskbot processes on one store, DESIGN §8).

SQL is written once, portable between the two: `?` placeholders, `ON CONFLICT … DO NOTHING`,
`INSERT … RETURNING id` for a new row's id, `CASE WHEN` rather than summing booleans. Where the
engines differ (placeholders, column types in migrations, locks, which errors mean the store
cannot be written) the difference lives in the engine's own module.

Write transactions are serialised per store, across processes, as SQLite's `BEGIN IMMEDIATE`
does: a read-then-write inside `transaction()` never races another process's (attendance moves,
one-shot claims, migrations). Reads outside a transaction see committed data only.

A transaction that needs less says so with its `key` (`transaction(key=…)`), and PostgreSQL
then lets others run beside it (SQLite, one writer at a time, takes its file's lock whatever the
key): `WHOLE_STORE` (the default) excludes every other write; a named key (`"attendance:ada@…"`)
excludes only transactions naming the same key, and those on the whole store; `None` (rows
only) excludes only whole-store ones, for statements whose safety rests on unique keys and row
locks alone (`INSERT … ON CONFLICT`, an `UPDATE … WHERE` on a row's own state, `SELECT … FOR
UPDATE SKIP LOCKED`). `Database.execute`, one statement, is rows only.

A store that cannot be written (read-only file or mount, disk full, I/O error, a PostgreSQL
server that does not answer) raises `StoreUnavailable`; `Database.health` says since when and
why, and clears on the next commit.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import import_module
from pathlib import Path
from typing import Any, Protocol

Migration = str  # one migration: a script of SQL statements
WHOLE_STORE = "*"
"""`transaction()`'s default key: no other write runs meanwhile, in any process."""
BUSY_PATIENCE = 30.0  # seconds a write waits for another process before giving up


class StoreUnavailable(Exception):
    """The database cannot be written (or opened) right now: `reason` is one short line."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class StoreHealth:
    """Whether the last write worked; `reason`/`since` (monotonic seconds) when it did not."""

    writable: bool = True
    reason: str = ""
    since: float = 0.0


class Row(Protocol):
    """One result row, read by column name or position (sqlite3.Row, asyncpg.Record)."""

    def __getitem__(self, key: Any, /) -> Any: ...

    def keys(self) -> Any: ...

    def __iter__(self) -> Iterator[Any]: ...


class Tx(ABC):
    """The statements of one write transaction in progress (from `Database.transaction()`)."""

    @abstractmethod
    async def execute(self, sql: str, params: Iterable[Any] = ()) -> int:
        """Run one statement; return how many rows it inserted, changed or deleted."""

    @abstractmethod
    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        """Run one statement once per parameter row."""

    @abstractmethod
    async def fetchall(self, sql: str, params: Iterable[Any] = ()) -> list[Row]:
        """Run one query (or `… RETURNING`) inside the transaction; every row."""

    async def fetchone(self, sql: str, params: Iterable[Any] = ()) -> Row | None:
        """The first row of `fetchall`, or None."""
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None


class Lease(ABC):
    """A named right that one process holds at a time (`Database.lease`), e.g. running the
    scheduler. A holder that dies loses it; another process's `held()` then takes it."""

    @abstractmethod
    async def held(self) -> bool:
        """True if this process holds the lease now (taking it if it is free)."""

    @abstractmethod
    async def release(self) -> None:
        """Give the lease up (at shutdown)."""

    @property
    @abstractmethod
    def holding(self) -> bool:
        """Whether this process held the lease when it last asked (`held()`), without asking
        the store again (for /healthz)."""


class Database(ABC):
    """A store on one engine. `engine` is "sqlite" or "postgresql"; `path` says where (a file
    path, or the URL without its password).

    `holder` names this store connection (this process) in the rows it claims (outbox posts,
    inbox events); `holder_alive` says whether a claim's holder still lives, so a dead
    process's claims come back. `skip_locked` is the clause a claiming `SELECT` ends with."""

    engine: str
    path: str
    health: StoreHealth
    holder: str
    skip_locked: str = ""

    @abstractmethod
    async def holder_alive(self, holder: str) -> bool:
        """Whether the process that claimed rows as `holder` still runs."""

    @abstractmethod
    def lease(self, name: str) -> Lease:
        """The lease called `name` (one holder among all processes on this store)."""

    @staticmethod
    async def open(where: str | Path) -> Database:
        """Open the store at `where`: `postgresql://user@host:port/db` (PostgreSQL), or
        `sqlite:///path`, a plain file path or `:memory:` (SQLite, created if needed).

        Raises `StoreUnavailable` with a one-line reason when it cannot be opened or written."""
        text = str(where)
        postgres = text.startswith(("postgresql://", "postgres://"))
        # The engine's module is loaded by name, when its URL is used: the engines build on this
        # module, and asyncpg is imported only by a store that is configured for PostgreSQL.
        module = import_module("bot.store.postgres" if postgres else "bot.store.sqlite")
        engine: type[Database] = module.ENGINE
        return await engine.connect(text if postgres else sqlite_path(text))

    @classmethod
    @abstractmethod
    async def connect(cls, where: str) -> Database:
        """Open this engine's store at `where` (see `open`)."""

    @abstractmethod
    async def close(self) -> None:
        """Close every connection."""

    @abstractmethod
    def transaction(self, key: str | None = WHOLE_STORE) -> AbstractAsyncContextManager[Tx]:
        """One short write transaction; rolled back if the body raises. Serialised, in any
        process, with every other write transaction on the store (`key=WHOLE_STORE`), or only
        with those naming the same `key` and those on the whole store (a named key), or only
        with those on the whole store (`key=None`: rows only; see the module). Raises
        `StoreUnavailable` when the store refuses the write."""

    @abstractmethod
    async def fetchall(self, sql: str, params: Iterable[Any] = ()) -> list[Row]:
        """Run one read to its end (no statement left open across an await)."""

    @abstractmethod
    def migration_statement(self, statement: str) -> str:
        """One migration statement as this engine takes it (column types differ)."""

    async def fetchone(self, sql: str, params: Iterable[Any] = ()) -> Row | None:
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None

    async def execute(self, sql: str, params: Iterable[Any] = ()) -> int:
        """Run one write statement in its own transaction; return how many rows it touched.

        One statement is atomic by itself, so it takes the rows-only lock (`key=None`); a
        statement that reads to decide what to write (`INSERT … SELECT … WHERE NOT EXISTS`)
        must run in `transaction()` instead."""
        async with self.transaction(key=None) as tx:
            return await tx.execute(sql, params)

    async def migrate(self, namespace: str, migrations: Sequence[Migration]) -> int:
        """Apply the migrations of `namespace` not applied yet; return how many ran.

        Migrations are numbered once (their position, from 1) for every engine. Each one is
        checked and applied in its own write transaction, so two processes starting together
        apply it once. Those already applied are read once, without a write transaction, so a
        start-up with nothing to migrate takes no write lock."""
        rows = await self.fetchall(
            "SELECT version FROM schema_migrations WHERE namespace = ?", (namespace,)
        )
        applied = {row["version"] for row in rows}
        ran = 0
        for version, script in enumerate(migrations, start=1):
            if version in applied:
                continue
            async with self.transaction() as tx:
                found = await tx.fetchone(
                    "SELECT 1 FROM schema_migrations WHERE namespace = ? AND version = ?",
                    (namespace, version),
                )
                if found is not None:
                    continue
                for statement in statements(script):
                    await tx.execute(self.migration_statement(statement))
                await tx.execute(
                    "INSERT INTO schema_migrations (namespace, version) VALUES (?, ?)",
                    (namespace, version),
                )
            ran += 1
        return ran

    async def probe(self) -> str | None:
        """Try a tiny write now: None if the store takes it, else why not (for /healthz)."""
        try:
            async with self.transaction(key=None) as tx:  # one upsert of its own row
                await tx.execute(
                    "INSERT INTO store_probe (id, at) VALUES (1, ?)"
                    " ON CONFLICT (id) DO UPDATE SET at = excluded.at",
                    (time.time(),),
                )
        except StoreUnavailable as exc:
            return exc.reason
        return None

    async def _bootstrap(self) -> None:
        """The store's own tables: which migrations ran, and the health probe's row."""
        async with self.transaction() as tx:
            await tx.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                " namespace TEXT NOT NULL, version INTEGER NOT NULL,"
                " PRIMARY KEY (namespace, version))"
            )
            await tx.execute(
                self.migration_statement(
                    "CREATE TABLE IF NOT EXISTS store_probe (id INTEGER PRIMARY KEY, at REAL)"
                )
            )

    def _refused(self, reason: str) -> None:
        if self.health.writable:
            self.health = StoreHealth(False, reason, time.monotonic())

    def _committed(self) -> None:
        if not self.health.writable:
            self.health = StoreHealth()


def sqlite_path(where: str) -> str:
    """`sqlite:///relative/path`, `sqlite:////absolute/path` (as SQLAlchemy writes them), a plain
    path or `:memory:` → the SQLite file path."""
    return where.removeprefix("sqlite:///")


def statements(script: str) -> list[str]:
    """Split a migration script on semicolons (our migrations hold no semicolons in literals)."""
    return [part.strip() for part in script.split(";") if part.strip()]


STAMP_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
"""How a moment is stored in a TEXT column: UTC with microseconds, so text order is time order."""


def stamp(moment: datetime) -> str:
    """A moment (aware datetime) as stored text, in UTC (`STAMP_FORMAT`)."""
    return moment.astimezone(UTC).strftime(STAMP_FORMAT)


def parse_stamp(text: str) -> datetime:
    """Stored text written by `stamp` back to an aware UTC datetime; ValueError if malformed."""
    return datetime.strptime(text, STAMP_FORMAT).replace(tzinfo=UTC)
