"""Ingest and delivery rates on each store engine, with several processes sharing PostgreSQL.

    .venv/bin/python bench/store_engines.py [--events 1500] [--rounds 1] [--postgres URL]

Without `--postgres` a throwaway cluster is started (scripts/postgres) and stopped after.
Each case runs real processes (tests/crash/child.py): `ingest` ones serving `/desk/events` into
the inbox (events POSTed 16 at a time, spread evenly over the processes), then `send` ones
draining an outbox of as many posts into the sandbox Cliq over HTTP (its 50-a-minute limit off).
Cases: SQLite with 1 process (the baseline), PostgreSQL with 1, 2 and 3, and PostgreSQL with
1, 2 and 3 again with every write transaction on the whole store's lock (`whole-store lock`:
how PostgreSQL wrote before transactions named narrower keys, bot/store/db.py). Rates are events
or posts a second, and the ratio to the baseline of the same run; `--rounds N` runs the cases N
times, interleaved, and prints each case's median.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402
import asyncpg  # noqa: E402
from aiohttp import web  # noqa: E402

from bot.clock import SystemClock  # noqa: E402
from bot.sandbox.cliq import CliqSandbox, Switches, create_cliq_app  # noqa: E402
from bot.store.db import Database, stamp  # noqa: E402
from bot.store.outbox import Outbox  # noqa: E402

CHILD = ROOT / "tests" / "crash" / "child.py"
TOKEN = "crash-test-token"


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def spawn(*args: str, whole_store: bool = False) -> asyncio.subprocess.Process:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if whole_store:
        env["DESKBOT_BENCH_WHOLE_STORE"] = "1"
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        str(CHILD),
        *args,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        env=env,
    )
    assert child.stdout is not None
    assert (await child.stdout.readline()).strip() == b"ready"
    return child


async def stop(children: list[asyncio.subprocess.Process]) -> None:
    for child in children:
        child.send_signal(signal.SIGKILL)
        await child.wait()


def event(n: int) -> dict[str, object]:
    return {
        "eventType": "Ticket_Update",
        "eventTime": str(1772413200000 + n),
        "orgId": "700000001",
        "payload": {"id": str(1000 + n), "status": "Open"},
    }


async def ingest(store: str, processes: int, events: int, whole_store: bool) -> float:
    ports = [free_port() for _ in range(processes)]
    children = [await spawn("ingest", store, str(port), whole_store=whole_store) for port in ports]
    try:
        async with aiohttp.ClientSession() as session:
            queue = list(range(events))

            async def worker(lane: int) -> None:
                while queue:
                    n = queue.pop()
                    url = f"http://127.0.0.1:{ports[n % processes]}/desk/events"
                    async with session.post(
                        url, json=[event(n)], headers={"X-ZDesk-JWT": "ok"}
                    ) as answer:
                        assert answer.status == 200, await answer.text()

            started = time.perf_counter()
            await asyncio.gather(*(worker(lane) for lane in range(16)))
            return events / (time.perf_counter() - started)
    finally:
        await stop(children)


async def deliver(store: str, processes: int, posts: int, whole_store: bool) -> float:
    cliq = CliqSandbox(
        lambda token: "admin@example.com" if token == TOKEN else None,
        SystemClock(),
        switches=Switches(posting_limit=False),
    )
    cliq.add_channel("desk", bots=["deskbot"])
    done = asyncio.Event()
    recorded = cliq.record

    def record(*args: object, **kwargs: object) -> dict[str, object]:
        message = recorded(*args, **kwargs)  # type: ignore[arg-type]
        if len(cliq.messages) >= posts:
            done.set()
        return message

    cliq.record = record  # type: ignore[method-assign]
    runner = web.AppRunner(create_cliq_app(cliq), access_log=None)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    db = await Database.open(store)
    outbox = Outbox(db, SystemClock())
    await outbox.setup()
    past = datetime.now(UTC) - timedelta(days=1)
    async with db.transaction() as tx:
        await tx.executemany(
            "INSERT INTO outbox (dedupe_key, target_kind, target, payload, created_at,"
            " next_attempt_at) VALUES (?, 'channel', 'desk', ?, ?, ?)",
            [(f"k{n}", f'{{"text": "post {n}"}}', stamp(past), stamp(past)) for n in range(posts)],
        )
    await db.close()
    started = time.perf_counter()
    url = f"http://127.0.0.1:{port}"
    children = [await spawn("send", store, url, whole_store=whole_store) for _ in range(processes)]
    try:
        await asyncio.wait_for(done.wait(), timeout=600)
        return posts / (time.perf_counter() - started)
    finally:
        await stop(children)
        await runner.cleanup()


async def fresh_schema(base: str) -> str:
    name = f"bench_{uuid.uuid4().hex[:8]}"
    conn = await asyncpg.connect(base)
    await conn.execute(f"CREATE SCHEMA {name}")
    await conn.close()
    return f"{base}?search_path={name}"


async def main(events: int, base: str, rounds: int) -> None:
    cases: list[tuple[str, str, int, bool]] = [("SQLite, 1 process", "sqlite", 1, False)]
    for whole in (False, True):
        for n in (1, 2, 3):
            lock = ", whole-store lock" if whole else ""
            cases.append((f"PostgreSQL ×{n}{lock}", "pg", n, whole))
    measured: dict[str, list[tuple[float, float]]] = {label: [] for label, *_ in cases}
    with tempfile.TemporaryDirectory() as folder:

        async def store(engine: str) -> str:
            if engine == "sqlite":
                return str(Path(folder) / f"{uuid.uuid4().hex}.db")
            return await fresh_schema(base)

        for round_ in range(1, rounds + 1):
            for label, engine, processes, whole in cases:
                ingested = await ingest(await store(engine), processes, events, whole)
                delivered = await deliver(await store(engine), processes, events, whole)
                measured[label].append((ingested, delivered))
                print(
                    f"round {round_}: {label:<36} ingest {ingested:6.0f}/s"
                    f"  delivery {delivered:6.0f}/s",
                    flush=True,
                )
    medians = {
        label: (statistics.median(i for i, _ in runs), statistics.median(d for _, d in runs))
        for label, runs in measured.items()
    }
    base_in, base_out = medians[cases[0][0]]
    print(f"\n{events} events and {events} posts, medians of {rounds} round(s);")
    print("ratios to SQLite with 1 process:")
    for label, (ingested, delivered) in medians.items():
        print(
            f"{label:<36} ingest {ingested:6.0f}/s ×{ingested / base_in:.2f}"
            f"  delivery {delivered:6.0f}/s ×{delivered / base_out:.2f}"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=1500)
    parser.add_argument("--postgres", default="")
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    if args.postgres:
        asyncio.run(main(args.events, args.postgres, args.rounds))
    else:
        started = subprocess.run(
            [str(ROOT / "scripts" / "postgres"), "start"],
            capture_output=True,
            text=True,
            check=True,
        )
        folder, url = started.stdout.split()
        try:
            asyncio.run(main(args.events, url, args.rounds))
        finally:
            subprocess.run([str(ROOT / "scripts" / "postgres"), "stop", folder], check=False)
