"""The store's one interface on both engines (SQLite and PostgreSQL): migrations numbered once,
new ids, row counts, the queues' counts, one-shot claims across connections, and a store that
cannot be reached answering `StoreUnavailable`."""

from __future__ import annotations

import asyncio
import socket

import pytest

from bot.clock import FrozenClock
from bot.config import StoreConfig
from bot.store.db import Database, StoreUnavailable, sqlite_path
from bot.store.inbox import Inbox
from bot.store.outbox import BULK, Outbox
from bot.store.postgres import column_types, placeholders

MIGRATIONS = [
    "CREATE TABLE things (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, big INTEGER, raw BLOB)",
    "ALTER TABLE things ADD COLUMN weight REAL",
]


async def test_migrations_run_once_whoever_opens_the_store(store_url: str) -> None:
    first, second = await Database.open(store_url), await Database.open(store_url)
    ran = await asyncio.gather(
        first.migrate("things", MIGRATIONS), second.migrate("things", MIGRATIONS)
    )
    assert sum(ran) == 2  # each migration once, whichever process applied it
    assert (
        await first.migrate("things", [*MIGRATIONS, "CREATE INDEX things_big ON things (big)"]) == 1
    )
    async with first.transaction() as tx:
        one = await tx.fetchone(
            "INSERT INTO things (name, big, raw, weight) VALUES (?, ?, ?, ?) RETURNING id",
            ("a", 2**40, b"\x00\xff", 1.5),
        )
        two = await tx.fetchone("INSERT INTO things (name) VALUES (?) RETURNING id", ("b",))
        assert one is not None and two is not None and two["id"] > one["id"]
        assert (
            await tx.execute(
                "INSERT INTO things (name) VALUES (?) ON CONFLICT (name) DO NOTHING", ("a",)
            )
            == 0
        )
    row = await second.fetchone("SELECT name, big, raw, weight FROM things WHERE name = ?", ("a",))
    assert row is not None and (row["name"], row["big"], bytes(row["raw"]), row["weight"]) == (
        "a",
        2**40,
        b"\x00\xff",
        1.5,
    )
    assert await second.execute("UPDATE things SET big = ? WHERE big IS NULL", (7,)) == 1
    assert await second.execute("DELETE FROM things WHERE name = ?", ("zz",)) == 0
    await first.close()
    await second.close()


async def test_a_failed_transaction_leaves_nothing(store_url: str) -> None:
    db = await Database.open(store_url)
    await db.migrate("things", MIGRATIONS)
    with pytest.raises(RuntimeError):
        async with db.transaction() as tx:
            await tx.execute("INSERT INTO things (name) VALUES (?)", ("gone",))
            raise RuntimeError("the caller's own failure")
    assert await db.fetchall("SELECT * FROM things") == []
    assert await db.probe() is None and db.health.writable
    await db.close()


async def test_the_queues_count_and_claim_the_same_on_both_engines(
    store_url: str, clock: FrozenClock
) -> None:
    db = await Database.open(store_url)
    outbox, inbox = Outbox(db, clock), Inbox(db, clock)
    await outbox.setup()
    await inbox.setup()
    assert await outbox.enqueue(None, "channel", "desk", {"text": "1"}, "k1")
    assert not await outbox.enqueue(None, "channel", "desk", {"text": "1"}, "k1")
    assert await outbox.enqueue(None, "user", "a@x", {"text": "2"}, "k2", priority=BULK)
    due = await outbox.due()
    assert [p.dedupe_key for p in due] == ["k1", "k2"]
    assert not await outbox.delivered(due[0])  # only a claim's holder writes an outcome
    due = await outbox.claim()
    assert await outbox.delivered(due[0])
    assert await outbox.dead(due[1], "refused")
    assert await outbox.counts() == {"delivered": 1, "dead": 1, "waiting": 0, "rerouted": 0}
    assert await outbox.revive(due[1].id) and not await outbox.revive(due[1].id)
    assert await inbox.add([("e1", "Ticket_Add", {"n": 1}), ("e1", "Ticket_Add", {"n": 1})]) == (
        1,
        1,
    )
    assert await inbox.counts() == {"processed": 0, "pending": 1, "waiting": 0, "dead": 0}
    await db.close()


async def test_an_unreachable_postgresql_is_a_store_unavailable() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again: nothing listens there
    with pytest.raises(StoreUnavailable, match="cannot open the store") as refused:
        await Database.open(f"postgresql://deskbot:secret@127.0.0.1:{port}/none")
    assert "secret" not in refused.value.reason  # the password never reaches a log


def test_store_urls_pick_the_engine_and_the_file() -> None:
    assert sqlite_path("sqlite:///var/deskbot.db") == "var/deskbot.db"
    assert sqlite_path("sqlite:////srv/deskbot.db") == "/srv/deskbot.db"
    assert sqlite_path("sqlite:///:memory:") == ":memory:"
    assert StoreConfig().location == "var/deskbot.db"
    assert StoreConfig(url="postgresql://h/db").location == "postgresql://h/db"
    with pytest.raises(ValueError):
        StoreConfig(url="mysql://h/db")


def test_postgresql_differences_are_translated() -> None:
    assert placeholders("SELECT ? , '?' , ?") == "SELECT $1 , '?' , $2"
    assert column_types(
        "CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER NOT NULL, b BLOB, r REAL)"
    ) == (
        "CREATE TABLE t (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
        " n BIGINT NOT NULL, b BYTEA, r DOUBLE PRECISION)"
    )


async def test_a_read_never_sees_another_tasks_open_transaction(store_url: str) -> None:
    """A row rewritten as DELETE then INSERT in one transaction is never missing to a reader in
    another task (SQLite serves every task on one connection: a read sent between the two
    statements used to find nothing, so Desk's sandbox answered 404 for a ticket just saved)."""
    db = await Database.open(store_url)
    await db.migrate("things", MIGRATIONS)
    await db.execute("INSERT INTO things (name, big) VALUES (?, ?)", ("ticket", 1))
    deleted, go_on = asyncio.Event(), asyncio.Event()

    async def rewrite() -> None:
        async with db.transaction() as tx:
            await tx.execute("DELETE FROM things WHERE name = ?", ("ticket",))
            deleted.set()
            await go_on.wait()
            await tx.execute("INSERT INTO things (name, big) VALUES (?, ?)", ("ticket", 2))

    async def read_meanwhile() -> list[int]:
        await deleted.wait()
        # The read is sent while the rewrite is half done; only then may the rewrite go on.
        reading = asyncio.ensure_future(
            db.fetchall("SELECT big FROM things WHERE name = ?", ("ticket",))
        )
        go_on.set()
        return [row["big"] for row in await reading]

    _, seen = await asyncio.gather(rewrite(), read_meanwhile())
    assert seen in ([1], [2])  # before or after the transaction, never in between
    await db.close()
