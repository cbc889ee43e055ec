"""Several deskbot processes on one PostgreSQL store (issue 14), each a real process, one of
them SIGKILLed mid-way:

1. 500 Desk events delivered to random ones of 3 `/desk/events` processes: every event is in
   the inbox exactly once (Desk redelivers what got no 200, to any process);
2. 500 posts sent by 3 sender processes to the sandbox Cliq over HTTP: every post reaches Cliq,
   none twice but for the physics of a kill (the killed process's claims come back; its post in
   flight is looked for in the channel before it is posted again);
3. 3 processes running the scheduler under its lease: one leads at a time, another takes over
   within the bound when the leader is killed, and the digest is queued once per place and day.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from bot.clock import SystemClock
from bot.store.db import Database
from bot.store.outbox import Outbox
from tests.crash.test_sigkill import (
    WITHIN_S,
    Progress,
    children,  # noqa: F401 - the fixture, used by name
    event,
    exited,
    free_port,
    inbox_keys,
    kill,
    queue_posts,
    recording_cliq,
    spawn,
)
from tests.engines import PostgresSchema, postgres_base

PROCESSES = 3


@pytest.fixture
async def pg_url() -> AsyncIterator[str]:
    schema = PostgresSchema(postgres_base())
    await schema.create()
    try:
        yield schema.url
    finally:
        await schema.drop()


async def test_events_spread_over_three_processes_one_killed_are_stored_once(
    pg_url: str,
    children: list[asyncio.subprocess.Process],  # noqa: F811
) -> None:
    ports = [free_port() for _ in range(PROCESSES)]
    procs = [await spawn(children, "ingest", pg_url, str(port)) for port in ports]
    alive = list(ports)
    rng = random.Random(14)
    acknowledged: set[int] = set()
    progress = Progress()
    async with aiohttp.ClientSession() as session:

        async def post(n: int) -> None:
            url = f"http://127.0.0.1:{rng.choice(alive)}/desk/events"
            try:
                async with session.post(url, json=[event(n)], headers={"X-ZDesk-JWT": "ok"}) as r:
                    if r.status == 200:
                        acknowledged.add(n)
                        progress.bump()
            except aiohttp.ClientError:
                pass  # that process died with it in flight: Desk delivers it again

        async def flood() -> None:
            for start in range(0, 500, 10):
                await asyncio.gather(*(post(n) for n in range(start, start + 10)))

        flooding = asyncio.ensure_future(flood())
        await progress.until(lambda: len(acknowledged) >= 150, flooding)
        await kill(procs[0])
        alive.remove(ports[0])
        await flooding
        for n in sorted(set(range(500)) - acknowledged):  # Desk's redelivery, to any process
            await post(n)
        for n in range(0, 500, 7):  # and a few redeliveries of events already acknowledged
            await post(n)
    keys = await inbox_keys(pg_url)
    assert len(keys) == len(set(keys)) == 500
    assert acknowledged == set(range(500))


async def test_posts_sent_by_three_processes_one_killed_reach_cliq_once(
    pg_url: str,
    aiohttp_server: Any,
    children: list[asyncio.subprocess.Process],  # noqa: F811
) -> None:
    progress = Progress()
    _, server, received = await recording_cliq(aiohttp_server, progress)
    await queue_posts(pg_url, 500)
    url = str(server.make_url(""))
    procs = [await spawn(children, "send", pg_url, url) for _ in range(PROCESSES)]
    await progress.until(lambda: len(received()) >= 150, exited(procs[1]))
    await kill(procs[0])
    await progress.until(lambda: len(set(received())) >= 500, exited(procs[1]))
    duplicates = len(received()) - len(set(received()))
    print(f"posts delivered by {PROCESSES} processes, one killed: duplicates {duplicates}")
    assert set(received()) == {f"post {n}" for n in range(500)}
    # A post whose request Cliq had fully received when its process was killed may be handled
    # by Cliq after the survivor looked for it: at most one per kill (measured: 0).
    assert duplicates <= 1


async def test_one_process_runs_the_scheduler_and_another_takes_over_when_it_dies(
    pg_url: str,
    children: list[asyncio.subprocess.Process],  # noqa: F811
) -> None:
    db = await Database.open(pg_url)
    await Outbox(db, SystemClock()).setup()
    procs = [await spawn(children, "lead", pg_url, "2026-03-02") for _ in range(PROCESSES)]

    async def first_to_lead(among: list[asyncio.subprocess.Process]) -> asyncio.subprocess.Process:
        reads = {asyncio.ensure_future(p.stdout.readline()): p for p in among if p.stdout}
        done, pending = await asyncio.wait(reads, timeout=WITHIN_S, return_when="FIRST_COMPLETED")
        for task in pending:
            task.cancel()
        assert len(done) == 1, f"{len(done)} processes lead at once"
        (task,) = done
        assert task.result().strip() == b"leading"
        return reads[task]

    leader = await first_to_lead(procs)
    others = [p for p in procs if p is not leader]
    loop = asyncio.get_running_loop()
    started = loop.time()
    await kill(leader)  # the lease's holder dies
    successor = await first_to_lead(others)
    took_over = loop.time() - started
    print(f"scheduler taken over in {took_over:.2f} s")
    assert took_over < 5.0  # the lease is asked for every 0.2 s here (5 s in serve)
    await kill(successor)
    rows = await db.fetchall("SELECT dedupe_key FROM outbox ORDER BY dedupe_key")
    await db.close()
    assert [r["dedupe_key"] for r in rows] == [
        "digest:desk:2026-03-02",
        "digest:support:2026-03-02",
    ]
