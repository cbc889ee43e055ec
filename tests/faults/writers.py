"""A child process for the several-processes test: `server <db> <n>` writes `n` posts through
one long-lived connection while it keeps reading (as `deskbot serve` does); `cli <db> <n>` opens
the file, writes a few posts and closes it, again and again (as `deskbot outbox retry` does).
Each prints how many writes failed, then `done`."""

from __future__ import annotations

import asyncio
import sys

from bot.clock import SystemClock
from bot.store.db import Database
from bot.store.outbox import Outbox

PACE = 0.003  # seconds between the server's writes


async def server(path: str, n: int) -> int:
    db = await Database.open(path)
    outbox = Outbox(db, SystemClock())
    await outbox.setup()
    failed = 0
    stop = asyncio.Event()

    async def reader() -> None:
        while not stop.is_set():
            await db.fetchall("SELECT * FROM outbox ORDER BY id DESC LIMIT 20")
            await outbox.counts()

    readers = [asyncio.ensure_future(reader()) for _ in range(4)]
    for i in range(n):
        try:
            await outbox.enqueue(None, "channel", "desk", {"text": f"s{i}"}, f"server:{i}")
        except Exception as exc:
            failed += 1
            print(f"error: {exc}", flush=True)
        await asyncio.sleep(PACE)  # spread the writes over the other process's run
    stop.set()
    await asyncio.gather(*readers)
    await db.close()
    return failed


async def cli(path: str, n: int, per_open: int = 5) -> int:
    failed = 0
    for start in range(0, n, per_open):
        try:
            db = await Database.open(path)
            outbox = Outbox(db, SystemClock())
            await outbox.setup()
        except Exception as exc:
            failed += per_open
            print(f"error: {exc}", flush=True)
            continue
        for i in range(start, min(n, start + per_open)):
            try:
                await outbox.enqueue(None, "channel", "desk", {"text": f"c{i}"}, f"cli:{i}")
                await outbox.counts()
            except Exception as exc:
                failed += 1
                print(f"error: {exc}", flush=True)
        await db.close()
    return failed


if __name__ == "__main__":
    role, path, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    print("ready", flush=True)
    failures = asyncio.run(server(path, count) if role == "server" else cli(path, count))
    print(f"failed {failures}", flush=True)
    print("done", flush=True)
