"""The SQLite engine of the store (`[store] url = "sqlite:///var/deskbot.db"`, the default): one
file, one aiosqlite connection, WAL mode.

Several processes may share one SQLite file (`deskbot serve` with `deskbot outbox retry` or
`deskbot install`). Two rules keep them from ever seeing "database is locked":

- every write transaction starts with `BEGIN IMMEDIATE` (it takes the write lock up front, so a
  reader never has to upgrade to a writer, which SQLite refuses at once when another process
  committed meanwhile), and a busy answer is waited out and retried;
- every read runs to its end in one call (`execute_fetchall`): no read statement stays open
  across an await, where a write on the same connection would start from a stale snapshot.

One connection serves every task, so a read sent while another task's write transaction is
open would see that transaction's uncommitted rows (a ticket between the DELETE and the INSERT
that rewrite it reads as missing). A read therefore waits for the open transaction to end, as
the store interface promises (reads outside a transaction see committed data only); only the
transaction's own task (and tasks it started meanwhile) reads at once, and sees its own writes.

Only one process may serve on a SQLite store (claims in flight are taken back at its start-up);
several serving processes need PostgreSQL (`bot/store/postgres.py`).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import sqlite3
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

from bot.store.db import (
    BUSY_PATIENCE,
    WHOLE_STORE,
    Database,
    Lease,
    Row,
    StoreHealth,
    StoreUnavailable,
    Tx,
)

T = TypeVar("T")

# SQLite primary result codes (https://www.sqlite.org/rescode.html).
SQLITE_BUSY, SQLITE_LOCKED = 5, 6
_UNWRITABLE = {8: "read-only", 10: "I/O error", 13: "disk full", 14: "cannot open"}
_BY_MESSAGE = (
    ("read-only", "readonly"),
    ("disk full", "disk is full"),
    ("I/O error", "disk i/o error"),
    ("cannot open", "unable to open"),
)


def unwritable_reason(exc: BaseException) -> str | None:
    """One line saying why SQLite refused a write, or None if `exc` is not such a refusal."""
    if not isinstance(exc, sqlite3.Error):
        return None
    code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
    kind = _UNWRITABLE.get(code)
    if kind is None:
        text = str(exc).lower()
        kind = next((k for k, words in _BY_MESSAGE if words in text), None)
    return f"{kind}: {exc}" if kind else None


def _busy(exc: BaseException) -> bool:
    if not isinstance(exc, sqlite3.OperationalError):
        return False
    code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
    return code in (SQLITE_BUSY, SQLITE_LOCKED) or "database is locked" in str(exc)


class SqliteTx(Tx):
    """A write transaction on the store's one aiosqlite connection."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def execute(self, sql: str, params: Iterable[Any] = ()) -> int:
        cursor = await self._conn.execute(sql, tuple(params))
        count = cursor.rowcount
        await cursor.close()
        return max(count, 0)

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        await self._conn.executemany(sql, [tuple(r) for r in rows])

    async def fetchall(self, sql: str, params: Iterable[Any] = ()) -> list[Row]:
        return list(await self._conn.execute_fetchall(sql, tuple(params)))


class SqliteDatabase(Database):
    """A single aiosqlite connection with a write lock.

    Writes go through `transaction()`, which holds `BEGIN IMMEDIATE … COMMIT` under an asyncio lock
    so a state change and the rows it causes (an outbox post, an audit event) commit together.
    """

    engine = "sqlite"

    def __init__(self, conn: aiosqlite.Connection, path: str) -> None:
        self._conn = conn
        self._write_lock = asyncio.Lock()
        self._open_tx: object | None = None  # the marker of the transaction open now, if any
        self._no_tx = asyncio.Event()  # set while no write transaction is open
        self._no_tx.set()
        # The transaction the current task opened on this store, so its own reads do not wait.
        self._tx_of_task: ContextVar[object | None] = ContextVar(f"tx_{id(self)}", default=None)
        self.path = path
        self.health = StoreHealth()
        # One machine shares a SQLite file: a holder lives while its process does.
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        _OPEN.add(self.holder)

    async def holder_alive(self, holder: str) -> bool:
        host, _, rest = holder.partition(":")
        pid = rest.partition(":")[0]
        if host != socket.gethostname() or not pid.isdigit():
            return False  # not a holder this engine names: nothing holds it
        if int(pid) == os.getpid():
            return holder in _OPEN  # this process: alive while that store stays open
        return _process_runs(int(pid))

    def lease(self, name: str) -> Lease:
        return _OneProcess()

    @classmethod
    async def connect(cls, path: str) -> SqliteDatabase:
        """Open (creating if needed) the SQLite file at `path`, in WAL mode.

        Raises `StoreUnavailable` with a one-line reason when the file cannot be opened or
        written (a read-only file or mount, a full disk, a missing folder we may not create)."""
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
            await db._bootstrap()
        except (StoreUnavailable, sqlite3.Error) as exc:
            await conn.close()
            reason = exc.reason if isinstance(exc, StoreUnavailable) else str(exc)
            raise StoreUnavailable(f"cannot open the store {path}: {reason}") from exc
        return db

    async def close(self) -> None:
        _OPEN.discard(self.holder)
        await self._conn.close()

    def migration_statement(self, statement: str) -> str:
        return statement  # migrations are written in SQLite's column types

    @asynccontextmanager
    async def transaction(self, key: str | None = WHOLE_STORE) -> AsyncIterator[Tx]:
        """One short write transaction; rolled back if the body raises. SQLite has one writer
        at a time: every transaction takes the file's write lock, whatever its `key`.

        Raises `StoreUnavailable` when the store refuses the write; waits out (up to
        `BUSY_PATIENCE` seconds) another process holding the write lock."""
        async with self._write_lock:
            await self._guard(
                lambda: self._retry_busy(lambda: self._conn.execute("BEGIN IMMEDIATE"))
            )
            self._open_tx = marker = object()
            self._no_tx.clear()
            mine = self._tx_of_task.set(marker)
            try:
                yield SqliteTx(self._conn)
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
            finally:
                self._open_tx = None
                self._no_tx.set()
                with contextlib.suppress(ValueError):  # (closed from another context)
                    self._tx_of_task.reset(mine)
            self._committed()

    async def fetchall(self, sql: str, params: Iterable[Any] = ()) -> list[Row]:
        """Committed rows only: waits while another task's write transaction is open (see the
        module); inside the caller's own transaction, at once."""

        async def read() -> Iterable[Row]:
            while self._open_tx is not None and self._tx_of_task.get() is not self._open_tx:
                await self._no_tx.wait()
            # No await between that check and the read being queued on the connection's
            # thread: a transaction begun meanwhile writes only after the read has run.
            return await self._conn.execute_fetchall(sql, tuple(params))

        rows = await self._retry_busy(read)
        return list(rows)

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


class _OneProcess(Lease):
    """On SQLite one process serves the file (several need PostgreSQL): it holds every lease."""

    async def held(self) -> bool:
        return True

    async def release(self) -> None:
        return None

    @property
    def holding(self) -> bool:
        return True


_OPEN: set[str] = set()  # the holders of this process's open stores


def _process_runs(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, under another user
    return True


def _preflight(path: str) -> None:
    """Open the file once without a worker thread and put it in WAL mode (a write to a new
    file): a file we cannot open or write fails here, with nothing left running."""
    conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_PATIENCE)
    try:
        conn.execute("PRAGMA journal_mode=WAL").fetchall()
    finally:
        conn.close()


ENGINE = SqliteDatabase  # what `Database.open` looks up
