"""/healthz is an honest store check without a write per call (bot/store/health.py): a load
balancer asking every second makes at most one probe write per `PROBE_EVERY` on the injected
clock, and a read-only store or an unreachable PostgreSQL is still a 503 with the reason."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.app import create_app
from bot.config import Config
from bot.parts import DB
from bot.store.db import Database, StoreUnavailable
from bot.store.health import PROBE_EVERY
from tests.deskbot.conftest import Deskbot
from tests.engines import PostgresSchema, postgres_base
from tests.faults.test_store_faults import read_only


def count_probes(db: Database, monkeypatch: pytest.MonkeyPatch) -> list[None]:
    """Every probe write `db` makes from now on, one entry each."""
    made: list[None] = []
    probe = db.probe

    async def counted() -> str | None:
        made.append(None)
        return await probe()

    monkeypatch.setattr(db, "probe", counted)
    return made


async def health(client: Any) -> tuple[int, dict[str, Any]]:
    response = await client.get("/healthz")
    assert response.content_type == "application/json"
    return response.status, await response.json()


async def test_a_healthz_poll_writes_at_most_once_per_interval_and_sees_a_read_only_store(
    deskbot: Deskbot, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = deskbot.parts.db
    probes = count_probes(db, monkeypatch)
    for _ in range(3):  # three intervals of a load balancer asking 4 times a second
        for _ in range(int(PROBE_EVERY.total_seconds() * 4)):
            status, body = await health(deskbot.client)
            assert status == 200 and body["ok"] is True
            deskbot.clock.advance(seconds=0.25)
    assert len(probes) == 3

    # The store becomes read-only while nothing else writes: seen within one interval.
    await read_only(db, True)
    deskbot.clock.advance(PROBE_EVERY)
    status, body = await health(deskbot.client)
    assert status == 503 and body["ok"] is False
    assert "read-only" in body["problems"]["store"]
    for _ in range(20):  # still reported on every call, with no more writes tried
        status, body = await health(deskbot.client)
        assert status == 503 and "read-only" in body["problems"]["store"]
    assert len(probes) == 4

    await read_only(db, False)  # back: the next probe sees it
    deskbot.clock.advance(PROBE_EVERY)
    assert (await health(deskbot.client))[0] == 200
    assert len(probes) == 5


async def test_a_failed_write_of_real_work_is_reported_at_once(
    deskbot: Deskbot, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = deskbot.parts.db
    probes = count_probes(db, monkeypatch)
    assert (await health(deskbot.client))[0] == 200
    await read_only(db, True)
    with pytest.raises(StoreUnavailable):  # real work's write is refused
        await deskbot.parts.outbox.enqueue(None, "channel", "desk", {"text": "x"}, "k1")
    status, body = await health(deskbot.client)  # no probe due: the real write's outcome
    assert status == 503 and "read-only" in body["problems"]["store"]
    await read_only(db, False)
    await deskbot.parts.outbox.enqueue(None, "channel", "desk", {"text": "x"}, "k1")  # works
    assert (await health(deskbot.client))[0] == 200
    assert len(probes) == 1


class Relay:
    """A loopback TCP relay in front of PostgreSQL that a test can cut (an outage: the open
    connections drop and new ones are refused) and mend."""

    def __init__(self, host: str, port: int) -> None:
        self._target = (host, port)
        self._server: asyncio.Server | None = None
        self._pipes: set[asyncio.StreamWriter] = set()
        self.port = 0

    async def start(self) -> None:
        """Listen (again, on the same port after a `cut`)."""
        self._server = await asyncio.start_server(self._relay, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def _relay(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(*self._target)
        except OSError:
            writer.close()
            return
        self._pipes |= {writer, up_writer}

        async def pump(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            with contextlib.suppress(OSError, ConnectionError):
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            dst.close()

        await asyncio.gather(pump(reader, up_writer), pump(up_reader, writer))
        self._pipes -= {writer, up_writer}

    async def cut(self) -> None:
        """Drop every relayed connection and refuse new ones (until `start` again)."""
        assert self._server is not None
        self._server.close()
        for pipe in list(self._pipes):
            pipe.transport.abort()
        await self._server.wait_closed()


@pytest.fixture
async def relayed_store() -> AsyncIterator[tuple[str, Relay]]:
    """A fresh PostgreSQL schema and its URL through a relay that can be cut."""
    base = postgres_base()
    schema = PostgresSchema(base)
    await schema.create()
    rest = base.split("@", 1)[1]
    host, _, port_and_db = rest.partition(":")
    port, _, _ = port_and_db.partition("/")
    relay = Relay(host, int(port))
    await relay.start()
    url = schema.url.replace(f"{host}:{port}", f"127.0.0.1:{relay.port}")
    try:
        yield url, relay
    finally:
        await schema.drop()


async def test_an_unreachable_postgresql_is_a_503_without_a_write_per_call(
    config: Config,
    relayed_store: tuple[str, Relay],
    aiohttp_client: Any,
    clock: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url, relay = relayed_store
    served = config.model_copy(update={"store": config.store.model_copy(update={"url": url})})

    async def no_wait(seconds: float) -> None:
        return None

    client = await aiohttp_client(create_app(served, clock=clock, sleep=no_wait, timers=False))
    db = client.server.app[DB]
    probes = count_probes(db, monkeypatch)
    for _ in range(10):
        assert (await health(client))[0] == 200
    assert len(probes) == 1
    await relay.cut()  # PostgreSQL stops answering: the read of every call sees it
    for _ in range(3):
        status, body = await health(client)
        assert status == 503 and body["ok"] is False
        assert body["problems"]["store"].startswith("the store cannot be read (")
        assert body["queues"] == {}  # counted again once the store answers
    assert len(probes) == 1
    await relay.start()  # PostgreSQL answers again: so does /healthz, by itself
    status, body = await health(client)
    assert status == 200 and body["queues"]["outbox"] == {
        "delivered": 0,
        "dead": 0,
        "waiting": 0,
        "rerouted": 0,
    }
