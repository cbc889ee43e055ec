"""The whole system on PostgreSQL (issue 14's Show): one `deskbot sandbox` process (Desk, Cliq,
Accounts and their one clock), 3 full `deskbot serve` processes on one PostgreSQL store behind a
load balancer, and one of them SIGKILLed at a time:

1. 500 comments made in the sandbox Desk reach the processes as signed webhook deliveries through
   the balancer, one process killed (and restarted) mid-way: every notification is in the
   sandbox Cliq exactly once (counted from the sandbox Cliq's record of posts), but for a bot
   DM in flight at the kill instant, which Cliq gives no way to look for (at most one a kill);
2. 100 attendance moves for one agent sent at once through /cliq, spread over the 3 processes,
   make a legal log (no double check-in);
3. the daily digest is posted once per place and day while the scheduler lease's holder is
   SIGKILLed just before the digest's time: the world's clock is moved with
   `POST /sandbox/clock`, and another process takes the lease and posts it.

Nothing waits by sleeping for work: each wait is for a condition, with a bound (`until`).
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import sys
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg
import pytest
from aiohttp import web

from attendance.service import AttendanceService
from bot.clock import SystemClock
from bot.sandbox.desk.seed import PEOPLE
from bot.store.db import Database
from bot.testing import Conversation, SignedRequests
from tests.crash.test_sigkill import ROOT, STARTUP_S, WITHIN_S, free_port
from tests.engines import PostgresSchema, postgres_base
from tests.store.test_shared import attendance_log_is_legal

PROCESSES = 3
EVENTS = 500
MOVES = 100
SECRET = "deskbot-sandbox-secret"  # the shipped [cliq] dev_secret: the sandbox's shims sign with it
AGENT = {"email": "agent@example.com", "first_name": "Aiko", "id": "555001"}
DEADLINE_S = 150  # the whole test takes ~40 s alone; a shared 2-core machine is slower

pytestmark = pytest.mark.timeout(DEADLINE_S)


async def until(what: str, check: Callable[[], Awaitable[bool]], within: float = WITHIN_S) -> None:
    """Ask `check` until it holds (each ask a query or request to what is being watched), and
    fail after `within` seconds: a bounded poll, never a sleep standing in for the work."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not await check():
        if loop.time() > deadline:
            raise AssertionError(f"{what}: not within {within} s")
        await asyncio.sleep(0.05)


class Child:
    """A `deskbot` command in a process of its own; its stdout lines are kept as they come."""

    def __init__(self, process: asyncio.subprocess.Process, name: str) -> None:
        self.process, self.name = process, name
        self.lines: list[str] = []
        self._new = asyncio.Event()
        self._reader = asyncio.ensure_future(self._read())

    @classmethod
    async def start(cls, name: str, log: Path, *args: str) -> Child:
        env = {k: v for k, v in os.environ.items() if not k.startswith("DESKBOT_")}
        with log.open("ab") as stderr:
            process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", *args,
                cwd=ROOT, env={**env, "PYTHONPATH": str(ROOT)},
                stdout=asyncio.subprocess.PIPE, stderr=stderr,
            )  # fmt: skip
        return cls(process, name)

    async def _read(self) -> None:
        assert self.process.stdout is not None
        async for line in self.process.stdout:
            self.lines.append(line.decode().rstrip("\n"))
            self._new.set()
        self._new.set()

    async def line(self, starting: str) -> str:
        """The first line starting with `starting` (waiting for it, at most STARTUP_S)."""
        async with asyncio.timeout(STARTUP_S):
            while True:
                for line in self.lines:
                    if line.startswith(starting):
                        return line
                assert self.process.returncode is None, f"{self.name} exited: {self.lines}"
                self._new.clear()
                await self._new.wait()

    async def kill(self) -> None:
        if self.process.returncode is None:
            self.process.kill()
        await self.process.wait()
        await self._reader


@dataclass
class Balancer:
    """The load balancer in front of the serve processes, as in a deployment: each request goes
    to a random live process; one refusing connections is taken out and the request tried on
    another; one that dies with the request in flight answers 502 (Desk delivers again)."""

    session: aiohttp.ClientSession
    ports: list[int] = field(default_factory=list)
    rng: random.Random = field(default_factory=lambda: random.Random(14))

    async def forward(self, request: web.Request) -> web.Response:
        body = await request.read()
        headers = {
            k: v
            for k, v in request.headers.items()
            if k.lower() not in ("host", "content-length", "transfer-encoding", "connection")
        }
        while self.ports:
            port = self.rng.choice(self.ports)
            url = f"http://127.0.0.1:{port}{request.path_qs}"
            try:
                async with self.session.request(
                    request.method, url, data=body, headers=headers
                ) as answer:
                    kind = answer.headers.get("Content-Type", "application/json")
                    return web.Response(
                        status=answer.status,
                        body=await answer.read(),
                        content_type=kind.split(";")[0],
                    )
            except aiohttp.ClientConnectorError:
                if port in self.ports:
                    self.ports.remove(port)  # down: its health check would say so
            except aiohttp.ClientError:
                return web.Response(status=502)
        return web.Response(status=503)


@dataclass
class World:
    """What the test talks to: the sandboxes' URLs, the serve processes and the store."""

    tmp: Path
    store_url: str
    urls: dict[str, str]
    session: aiohttp.ClientSession
    balancer: Balancer
    public_url: str
    digest_at: datetime
    serving: dict[int, Child] = field(default_factory=dict)  # port → its serve process
    kills: int = 0

    def config(self, n: int, *, installs: bool) -> Path:
        path = self.tmp / f"bot-{n}.toml"
        path.write_text(
            f"""
[server]
host = "127.0.0.1"
public_url = "{self.public_url}"
[cliq]
datacenter = "sandbox"
dev_secret = "{SECRET}"
[desk]
datacenter = "sandbox"
[notifications]
digest_time = "{self.digest_at:%H:%M}"
digest_zone = "UTC"
posts_per_minute = 100000
[sandbox]
auto_install = {"true" if installs else "false"}
desk_url = "{self.urls["desk"]}"
cliq_url = "{self.urls["cliq"]}"
accounts_url = "{self.urls["accounts"]}"
[store]
url = "{self.store_url}"
""",
            encoding="utf-8",
        )
        return path

    async def serve(self, n: int, *, installs: bool = False) -> int:
        port = free_port()
        child = await Child.start(
            f"serve-{n}",
            self.tmp / f"serve-{n}.log",
            "serve", "--config", str(self.config(n, installs=installs)), "--port", str(port),
        )  # fmt: skip
        self.serving[port] = child
        await child.line("deskbot listening")
        self.balancer.ports.append(port)
        if installs:  # Desk checks the events URL answers (through the balancer)
            await child.line("install: Desk events")
        return port

    async def kill(self, port: int) -> None:
        self.kills += 1
        await self.serving.pop(port).kill()

    async def get(self, url: str, **params: str) -> Any:
        async with self.session.get(url, params=params) as answer:
            assert answer.status == 200, await answer.text()
            return await answer.json()

    async def send(self, method: str, url: str, body: object) -> Any:
        async with self.session.request(method, url, json=body) as answer:
            assert answer.status in (200, 201), await answer.text()
            return await answer.json()

    async def messages(self) -> list[dict[str, Any]]:
        return list((await self.get(f"{self.urls['cliq']}/sandbox/messages"))["messages"])

    async def count(self, sql: str) -> int:
        conn = await asyncpg.connect(self.store_url)
        try:
            return int(await conn.fetchval(sql))
        finally:
            await conn.close()

    async def quiet(self) -> bool:
        """Every post queued so far delivered (none waiting, none dead)."""
        return (
            await self.count(
                "SELECT count(*) FROM outbox WHERE delivered_at IS NULL AND dead_at IS NULL"
            )
            == 0
            and await self.count("SELECT count(*) FROM outbox WHERE dead_at IS NOT NULL") == 0
        )

    async def move_clock(self, delta: timedelta) -> dict[str, Any]:
        url = f"{self.urls['desk']}/sandbox/clock"
        return dict(await self.send("POST", url, {"seconds": delta.total_seconds()}))


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    """The sandboxes in their own process, the balancer, and a PostgreSQL schema for the store;
    the serve processes are started by the test. Everything is stopped at the end."""
    schema = PostgresSchema(postgres_base())
    await schema.create()
    sandbox_config = tmp_path / "sandbox.toml"
    sandbox_config.write_text(
        f'[sandbox]\nstate_path = "{tmp_path / "sandbox.db"}"\n', encoding="utf-8"
    )
    sandbox = await Child.start(
        "sandbox", tmp_path / "sandbox.log", "sandbox", "--config", str(sandbox_config)
    )
    session = aiohttp.ClientSession()
    runner: web.AppRunner | None = None
    world: World | None = None
    try:
        await sandbox.line("serve uses them")
        urls = {
            w[1]: w[2]
            for w in (line.split() for line in sandbox.lines)
            if w[0] == "sandbox" and w[1] != "state"
        }
        balancer = Balancer(session)
        lb = web.Application()
        lb.router.add_route("*", "/{tail:.*}", balancer.forward)
        runner = web.AppRunner(lb, access_log=None)
        await runner.setup()
        lb_port = free_port()
        await web.TCPSite(runner, "127.0.0.1", lb_port).start()
        now = datetime.now(UTC).replace(second=0, microsecond=0)
        world = World(
            tmp_path, schema.url, urls, session, balancer, f"http://127.0.0.1:{lb_port}",
            digest_at=now + timedelta(minutes=41),
        )  # fmt: skip
        yield world
    finally:
        for child in world.serving.values() if world else []:
            await child.kill()
        await sandbox.kill()
        if runner is not None:
            await runner.cleanup()
        await session.close()
        await schema.drop()


async def test_three_serve_processes_on_postgresql_one_killed_post_each_notification_once(
    world: World,
) -> None:
    cliq = world.urls["cliq"]
    # Cliq's own 50 posts a minute would make this a 20-minute test: it measures our senders.
    await world.send("POST", f"{cliq}/sandbox/switches", {"posting_limit": False})
    for person in PEOPLE:  # every agent opened Deskbot's chat: owner DMs reach them
        await world.send("POST", f"{cliq}/sandbox/bots/deskbot/chat", {"user": person[2]})
    ports = [await world.serve(0, installs=True)]
    ports += await asyncio.gather(*(world.serve(n) for n in range(1, PROCESSES)))

    # 1. 500 Desk events, one process killed mid-way and restarted ------------------------------
    desk = world.urls["desk"]

    async def comment(n: int) -> None:
        number = 101 + (n * 7) % 2000  # 500 different tickets, spread over the 2,000
        # by Lee, a light agent, who owns no ticket: each comment tells its owner, or the channel
        body = {"actor": "light@example.com", "content": f"show-note-{n:03d} please look"}
        await world.send("POST", f"{desk}/sandbox/tickets/{number}/comments", body)

    async def comments() -> None:
        for start in range(0, EVENTS, 20):
            await asyncio.gather(*(comment(n) for n in range(start, start + 20)))

    making = asyncio.ensure_future(comments())
    delivered = "SELECT count(*) FROM outbox WHERE delivered_at IS NOT NULL"
    await until("150 posts delivered", lambda: _at_least(world.count(delivered), 150))
    victim = ports[1]
    await world.kill(victim)  # with its claims, and maybe a post in flight
    await making
    ports[1] = await world.serve(3)  # restarted, as a supervisor would
    processed = "SELECT count(*) FROM inbox WHERE processed_at IS NOT NULL"
    await until(f"{EVENTS} events processed", lambda: _at_least(world.count(processed), EVENTS))
    await until("every post delivered", world.quiet)
    posts = await world.messages()
    per_note = Counter(
        (m["target"], note) for m in posts for note in _notes(str(m["body"].get("text", "")))
    )
    notes = {note for _, note in per_note}
    assert notes == {f"show-note-{n:03d}" for n in range(EVENTS)}  # each event told someone
    repeated = {key: count for key, count in per_note.items() if count > 1}
    print(
        f"{EVENTS} events over {PROCESSES} processes, one killed: {len(posts)} posts, repeated {repeated}"
    )
    # Once each, but for the physics of a kill: a post in flight when its process died is
    # looked for in its channel before it is posted again, but a bot's DM cannot be looked for
    # (Cliq lists no bot DMs), so the one DM in flight at the kill may arrive twice.
    assert all("@" in target for target, _ in repeated), "a channel post repeated"
    assert sum(count - 1 for count in repeated.values()) <= world.kills

    # 2. 100 attendance moves for one agent, at once, spread over the 3 processes ---------------
    signer = SignedRequests(SECRET, SystemClock())
    rng = random.Random(15)
    moves = [rng.choice(["checkin", "checkout", "short", "meal"]) for _ in range(MOVES)]

    async def move(n: int, what: str) -> int:
        url = f"http://127.0.0.1:{ports[n % PROCESSES]}/cliq"
        chat = Conversation(world.session, signer, url=url, user=AGENT, bot_name="deskbot")
        if what in ("short", "meal"):
            answer = await chat.command("break", what)
        else:
            answer = await chat.command(what)
        return answer.status

    statuses = await asyncio.gather(*(move(n, what) for n, what in enumerate(moves)))
    assert set(statuses) == {200}
    db = await Database.open(world.store_url)
    try:
        moved = await attendance_log_is_legal(
            db, AttendanceService(db, SystemClock()), AGENT["email"]
        )
    finally:
        await db.close()
    print(f"{MOVES} attendance moves over {PROCESSES} processes: {moved} stored, all legal")
    assert moved > 1

    # 3. The digest, once per place and day, its scheduler's holder killed before its time -----
    now = datetime.fromisoformat((await world.get(f"{desk}/sandbox/clock"))["now"])
    await world.move_clock(world.digest_at - timedelta(minutes=5) - now)

    async def holders() -> list[int]:
        held = []
        for port in list(world.serving):
            health = await world.get(f"http://127.0.0.1:{port}/healthz")
            if health["scheduler"].get("lease") == "held":
                held.append(port)
        return held

    await until("one process holds the scheduler lease", lambda: _one(holders()))
    [holder] = await holders()
    await world.kill(holder)
    await world.move_clock(timedelta(minutes=10))  # past the digest's time, without the holder
    await until("the digest posted", lambda: _digests_posted(world))
    await world.move_clock(timedelta(minutes=10))  # a later round, by whichever process leads
    await until("every post delivered", world.quiet)
    day = world.digest_at.date().isoformat()
    places = await world.count(
        f"SELECT count(*) FROM outbox WHERE dedupe_key LIKE 'digest:%:{day}'"
    )
    digests = Counter(
        m["target"] for m in await world.messages() if "Daily digest" in str(m["body"])
    )
    print(f"digests: {dict(digests)} for {places} places; kills {world.kills}")
    assert places >= 1 and len(digests) == places and set(digests.values()) == {1}


async def _at_least(count: Awaitable[int], wanted: int) -> bool:
    return await count >= wanted


async def _one(held: Awaitable[list[int]]) -> bool:
    return len(await held) == 1


async def _digests_posted(world: World) -> bool:
    return any("Daily digest" in str(m["body"]) for m in await world.messages())


def _notes(text: str) -> list[str]:
    """The comments' markers a post quotes (people's text is shown literally: word joiners
    keep it from being read as markup, and are not part of it)."""
    return re.findall(r"show-note-\d{3}", text.replace("\u2060", ""))
