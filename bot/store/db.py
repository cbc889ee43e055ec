"""The one database module: connection, migrations, transactions, and what a failing store means.

SQL is kept portable (no SQLite-only syntax beyond what PostgreSQL also accepts where we can) so the
store can move to PostgreSQL later (DESIGN §8). Each owner (the bot's core tables, attendance, the
sandbox Desk) registers its own ordered migrations under a namespace.

Several processes may share one SQLite file (`deskbot serve` with `deskbot outbox retry` or
`deskbot install`). Two rules keep them from ever seeing "database is locked":

- every write transaction starts with `BEGIN IMMEDIATE` (it takes the write lock up front, so a
  reader never has to upgrade to a writer, which SQLite refuses at once when another process
  committed meanwhile), and a busy answer is waited out and retried;
- every read runs to its end in one call (`execute_fetchall`): no read statement stays open
  across an await, where a write on the same connection would start from a stale snapshot.

A store that cannot be written (read-only file or mount, disk full, I/O error) raises
`StoreUnavailable`; `Database.health` says since when and why, and clears on the next commit.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

Migration = str  # one migration: a script of SQL statements
T = TypeVar("T")

# SQLite primary result codes (https://www.sqlite.org/rescode.html).
SQLITE_BUSY, SQLITE_LOCKED = 5, 6
_UNWRITABLE = {8: "read-only", 10: "I/O error", 13: "disk full", 14: "cannot open"}
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


def unwritable_reason(exc: BaseException) -> str | None:
    """One line saying why the store refused a write, or None if `exc` is not such a refusal."""
    if not isinstance(exc, sqlite3.Error):
        return None
    code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
    kind = _UNWRITABLE.get(code)
    if kind is None:
        text = str(exc).lower()
        kind = next((k for k, words in _BY_MESSAGE if words in text), None)
    return f"{kind}: {exc}" if kind else None


_BY_MESSAGE = (
    ("read-only", "readonly"),
    ("disk full", "disk is full"),
    ("I/O error", "disk i/o error"),
    ("cannot open", "unable to open"),
)


def _busy(exc: BaseException) -> bool:
    if not isinstance(exc, sqlite3.OperationalError):
        return False
    code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
    return code in (SQLITE_BUSY, SQLITE_LOCKED) or "database is locked" in str(exc)


class Database:
    """A single aiosqlite connection with a write lock.

    Writes go through `transaction()`, which holds `BEGIN IMMEDIATE … COMMIT` under an asyncio lock
    so a state change and the rows it causes (an outbox post, an audit event) commit together.
    """

    def __init__(self, conn: aiosqlite.Connection, path: str) -> None:
        self._conn = conn
        self._write_lock = asyncio.Lock()
        self.path = path
        self.health = StoreHealth()

    @classmethod
    async def open(cls, path: str | Path) -> Database:
        """Open (creating if needed) the SQLite file at `path`, in WAL mode.

        Raises `StoreUnavailable` with a one-line reason when the file cannot be opened or
        written (a read-only file or mount, a full disk, a missing folder we may not create)."""
        path = str(path)
        try:
            if path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
                await asyncio.to_thread(_preflight, path)
            conn = await aiosqlite.connect(path, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            raise StoreUnavailable(f"cannot open the store {path}: {exc}") from exc
        conn.row_factory = aiosqlite.Row
        db = cls(conn, path)
        try:
            await db._retry_busy(lambda: conn.execute("PRAGMA busy_timeout=5000"))
            await db._retry_busy(lambda: conn.execute("PRAGMA journal_mode=WAL"))
            # NORMAL in WAL mode survives a process crash (SIGKILL); only power loss may drop the tail.
            await conn.execute("PRAGMA synchronous=NORMAL")
            await conn.execute("PRAGMA foreign_keys=ON")
            async with db.transaction() as tx:
                await tx.execute(
                    "CREATE TABLE IF NOT EXISTS schema_migrations ("
                    " namespace TEXT NOT NULL, version INTEGER NOT NULL,"
                    " PRIMARY KEY (namespace, version))"
                )
                await tx.execute(
                    "CREATE TABLE IF NOT EXISTS store_probe (id INTEGER PRIMARY KEY, at REAL)"
                )
        except (StoreUnavailable, sqlite3.Error) as exc:
            await conn.close()
            reason = exc.reason if isinstance(exc, StoreUnavailable) else str(exc)
            raise StoreUnavailable(f"cannot open the store {path}: {reason}") from exc
        return db

    async def close(self) -> None:
        await self._conn.close()

    async def migrate(self, namespace: str, migrations: Sequence[Migration]) -> int:
        """Apply the migrations of `namespace` not applied yet; return how many ran.

        Each one is checked and applied in its own write transaction, so two processes starting
        together apply it once. Those already applied are read once, without a write
        transaction, so a start-up with nothing to migrate takes no write lock."""
        rows = await self.fetchall(
            "SELECT version FROM schema_migrations WHERE namespace = ?", (namespace,)
        )
        applied = {row["version"] for row in rows}
        ran = 0
        for version, script in enumerate(migrations, start=1):
            if version in applied:
                continue
            async with self.transaction() as tx:
                cursor = await tx.execute(
                    "SELECT 1 FROM schema_migrations WHERE namespace = ? AND version = ?",
                    (namespace, version),
                )
                if await cursor.fetchone() is not None:
                    await cursor.close()
                    continue
                await cursor.close()
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
        """One short write transaction; rolled back if the body raises.

        Raises `StoreUnavailable` when the store refuses the write; waits out (up to
        `BUSY_PATIENCE` seconds) another process holding the write lock."""
        async with self._write_lock:
            await self._guard(
                lambda: self._retry_busy(lambda: self._conn.execute("BEGIN IMMEDIATE"))
            )
            try:
                yield self._conn
                await self._conn.execute("COMMIT")
            except BaseException as exc:
                if self._conn.in_transaction:
                    with contextlib.suppress(sqlite3.Error):
                        await self._conn.execute("ROLLBACK")
                reason = unwritable_reason(exc)
                if reason is None:
                    raise
                self._refused(reason)
                raise StoreUnavailable(reason) from exc
            if not self.health.writable:
                self.health = StoreHealth()

    async def probe(self) -> str | None:
        """Try a tiny write now: None if the store takes it, else why not (for /healthz)."""
        try:
            async with self.transaction() as tx:
                await tx.execute(
                    "INSERT INTO store_probe (id, at) VALUES (1, ?)"
                    " ON CONFLICT (id) DO UPDATE SET at = excluded.at",
                    (time.time(),),
                )
        except StoreUnavailable as exc:
            return exc.reason
        return None

    async def execute(self, sql: str, params: Iterable[Any] = ()) -> int:
        """Run one write statement in its own transaction; return the last row id."""
        async with self.transaction() as tx:
            cursor = await tx.execute(sql, tuple(params))
            return cursor.lastrowid or 0

    async def fetchall(self, sql: str, params: Iterable[Any] = ()) -> list[aiosqlite.Row]:
        """Run one read to its end (no statement left open across an await)."""
        rows = await self._retry_busy(lambda: self._conn.execute_fetchall(sql, tuple(params)))
        return list(rows)

    async def fetchone(self, sql: str, params: Iterable[Any] = ()) -> aiosqlite.Row | None:
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None

    async def _guard(self, step: Callable[[], Awaitable[T]]) -> T:
        """Run a write step; a refusal by the store becomes `StoreUnavailable` (and health)."""
        try:
            return await step()
        except sqlite3.Error as exc:
            reason = unwritable_reason(exc)
            if reason is None:
                raise
            self._refused(reason)
            raise StoreUnavailable(reason) from exc

    def _refused(self, reason: str) -> None:
        if self.health.writable:
            self.health = StoreHealth(False, reason, time.monotonic())

    async def _retry_busy(self, step: Callable[[], Awaitable[T]]) -> T:
        """Run `step`, retrying with growing pauses while another process holds the lock."""
        deadline = time.monotonic() + BUSY_PATIENCE
        pause = 0.005
        while True:
            try:
                return await step()
            except sqlite3.OperationalError as exc:
                if not _busy(exc) or time.monotonic() >= deadline:
                    raise
            await asyncio.sleep(pause)
            pause = min(pause * 2, 0.25)


def _preflight(path: str) -> None:
    """Open the file once without a worker thread and put it in WAL mode (a write to a new
    file): a file we cannot open or write fails here, with nothing left running."""
    conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_PATIENCE)
    try:
        conn.execute("PRAGMA journal_mode=WAL").fetchall()
    finally:
        conn.close()


def _statements(script: str) -> list[str]:
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
