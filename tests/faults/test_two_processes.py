"""Several processes on one SQLite file (issue 10 item 6): a server-like writer that keeps
reading, and a CLI-like one that opens, writes and closes again and again, never see
"database is locked": every one of their 600 writes lands."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from bot.clock import SystemClock
from bot.store.db import Database
from bot.store.outbox import Outbox

ROOT = Path(__file__).resolve().parents[2]
WRITERS = Path(__file__).with_name("writers.py")


async def run(role: str, path: str, count: int) -> list[str]:
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        str(WRITERS),
        role,
        path,
        str(count),
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    out, _ = await child.communicate()
    assert child.returncode == 0
    return out.decode().splitlines()


async def test_two_processes_write_600_of_600(tmp_path: Path) -> None:
    path = str(tmp_path / "shared.db")
    db = await Database.open(path)
    await Outbox(db, SystemClock()).setup()
    await db.close()
    server, cli = await asyncio.gather(run("server", path, 300), run("cli", path, 300))
    errors = [line for line in server + cli if line.startswith("error")]
    assert errors == []
    assert server[-2:] == cli[-2:] == ["failed 0", "done"]
    db = await Database.open(path)
    rows = await db.fetchall("SELECT dedupe_key FROM outbox")
    await db.close()
    assert len(rows) == 600
