"""The store cannot be written (issue 10 item 4): a read-only database or a full disk.

The sender never posts what it cannot record (each post is marked in flight first), commands
that must save say so, read-only commands still answer, /healthz answers 503 with the reason,
and everything resumes by itself once the store takes writes again. SQLite itself refuses the
writes: `PRAGMA query_only` gives SQLITE_READONLY exactly as a read-only file does, and
`PRAGMA max_page_count` gives SQLITE_FULL as a full disk does.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from bot.commands.common import CANT_SAVE
from bot.store.db import Database, StoreUnavailable
from tests.deskbot.conftest import Deskbot
from tests.deskbot.test_notifications import installed

ROOT = Path(__file__).resolve().parents[2]


async def read_only(db: Database, on: bool) -> None:
    await db._conn.execute(f"PRAGMA query_only={int(on)}")


async def test_30_posts_queued_while_the_store_is_read_only_for_30s_go_out_once_each(
    deskbot: Deskbot,
) -> None:
    await installed(deskbot)
    parts = deskbot.parts
    for n in range(30):
        await parts.outbox.enqueue(None, "channel", "desk", {"text": f"post {n}"}, f"k{n}")
    chat = deskbot.chat()
    await read_only(parts.db, True)
    for _ in range(30):  # 30 s of rounds, one a second, on the injected clock
        assert await parts.sender.run_once() == 0
        deskbot.clock.advance(seconds=1)
    assert deskbot.cliq_messages == []
    assert "read-only" in parts.sender.paused
    health = await deskbot.client.get("/healthz")
    assert health.status == 503
    assert "read-only" in (await health.json())["problems"]["store"]
    saving = await chat.command("checkin")  # must write: says so
    assert saving.kind == "banner" and saving.text == CANT_SAVE
    reading = await chat.command("ticket", "115")  # reads only: still answers
    assert "#115" in reading.text or "115" in reading.title

    await read_only(parts.db, False)
    while await parts.sender.run_once():
        pass
    texts = Counter(m["body"]["text"] for m in deskbot.cliq_messages)
    assert texts == Counter(f"post {n}" for n in range(30))  # each exactly once
    assert parts.sender.paused == ""
    assert (await deskbot.client.get("/healthz")).status == 200
    assert (await chat.command("checkin")).kind != "banner"


class RefusingAfterDelivery:
    """Cliq takes the post, then the store refuses every write: the 553-times fault."""

    def __init__(self, deskbot: Deskbot, refuse: Any) -> None:
        self._poster = deskbot.parts.sender._poster
        self._refuse = refuse
        self.calls = 0

    async def deliver(self, *args: Any) -> Any:
        self.calls += 1
        answer = await self._poster.deliver(*args)
        await self._refuse()
        return answer

    async def was_posted(self, *args: Any) -> bool | None:
        return await self._poster.was_posted(*args)


async def test_a_post_cliq_took_but_the_store_could_not_record_is_sent_once(
    deskbot: Deskbot,
) -> None:
    await installed(deskbot)
    parts = deskbot.parts
    db = parts.db
    for n in range(3):
        await parts.outbox.enqueue(None, "channel", "desk", {"text": f"post {n}"}, f"k{n}")

    async def refuse() -> None:
        await read_only(db, True)

    async def allow() -> None:
        await read_only(db, False)

    poster = RefusingAfterDelivery(deskbot, refuse)
    parts.sender._poster = poster
    await refuse()
    for _ in range(50):
        await parts.sender.run_once()
        deskbot.clock.advance(seconds=0.05)
    assert poster.calls == 0  # nothing is sent while even the in-flight mark cannot be written
    await allow()
    await parts.sender.run_once()
    for _ in range(50):
        await parts.sender.run_once()
        deskbot.clock.advance(seconds=0.05)
    assert poster.calls == 1 and "read-only" in parts.sender.paused  # not 553 times
    await allow()
    parts.sender._poster = poster._poster
    while await parts.sender.run_once():
        pass
    texts = Counter(m["body"]["text"] for m in deskbot.cliq_messages)
    assert texts == Counter(f"post {n}" for n in range(3))


def read_only_file(path: Path) -> None:
    """Make a file read-only even for root (immutable), or skip where that is not allowed."""
    path.chmod(0o444)
    if os.geteuid() == 0:
        done = subprocess.run(["chattr", "+i", str(path)], capture_output=True, check=False)
        if done.returncode != 0:
            pytest.skip("cannot make a file read-only for root here (chattr +i refused)")


def writable_file(path: Path) -> None:
    if os.geteuid() == 0:
        subprocess.run(["chattr", "-i", str(path)], capture_output=True, check=False)
    path.chmod(0o644)


@pytest.mark.parametrize("command", [["outbox"], ["inbox"], ["serve", "--port", "0"]])
@pytest.mark.parametrize("fault", ["read-only file", "a folder in the way"])
def test_a_store_that_cannot_be_opened_at_start_up_is_one_line(
    tmp_path: Path, command: list[str], fault: str
) -> None:
    path = tmp_path / "deskbot.db"
    config = tmp_path / "bot.toml"
    shipped = (ROOT / "bot.toml").read_text()
    config.write_text(shipped.replace('path = "var/deskbot.db"', f'path = "{path}"', 1))
    assert f'path = "{path}"' in config.read_text()
    if fault == "read-only file":
        path.write_bytes(b"")
        read_only_file(path)
    else:
        path.mkdir()
    try:
        result = subprocess.run(
            [sys.executable, "-m", "bot", *command, "--config", str(config)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=30,
            env={**os.environ, "PYTHONPATH": str(ROOT), "DESKBOT_CLIQ_SECRET": "s"},
        )
    finally:
        if fault == "read-only file":
            writable_file(path)
    lines = [line for line in result.stderr.splitlines() if line.startswith("deskbot:")]
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr and len(lines) == 1, result.stderr
    assert lines[0].startswith(f"deskbot: cannot open the store {path}")
    assert ("readonly" if fault == "read-only file" else "unable to open") in lines[0]


async def test_a_full_disk_is_told_apart_and_passes_by_itself(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "full.db")
    await db.execute("CREATE TABLE filler (x BLOB)")
    await db._conn.execute("PRAGMA max_page_count=1")  # no page more than it has now
    with pytest.raises(StoreUnavailable, match="disk full"):
        await db.execute("INSERT INTO filler VALUES (zeroblob(100000))")
    assert not db.health.writable and "disk full" in db.health.reason
    await db._conn.execute("PRAGMA max_page_count=1073741823")
    await db.execute("INSERT INTO filler VALUES (zeroblob(100000))")
    assert db.health.writable and await db.probe() is None
    await db.close()


async def test_any_route_that_cannot_save_answers_503_not_500(aiohttp_client) -> None:  # type: ignore[no-untyped-def]
    from aiohttp import web

    from bot.handlers.errors import edge

    async def saving(request: web.Request) -> web.Response:
        raise StoreUnavailable("read-only: attempt to write a readonly database")

    app = web.Application()
    app.router.add_post("/save", edge(saving))
    client = await aiohttp_client(app)
    answer = await client.post("/save")
    assert answer.status == 503
    body = await answer.json()
    assert body["error"] == "store_unavailable" and "read-only" in body["reason"]
