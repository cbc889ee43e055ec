"""Webhook ingest and delivery rates.

    .venv/bin/python bench/webhook_ingest.py [--events 2000]

1. Ingest: Desk events POSTed to `/desk/events` (16 in flight, one event per POST as Desk
   sends them), each acknowledged only after it is durably in the inbox (SQLite WAL, file on
   disk), with deliveries arriving together sharing one commit (each judged alone: a failed
   group is retried one by one). Baselines in the same run: the same POSTs answered by a
   handler that stores nothing, and an inbox committing each delivery on its own.
2. Delivery: the sender draining an outbox of the same number of posts into the sandbox Cliq
   (token check and message validation included).
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402
from aiohttp import web  # noqa: E402

from bot.cliq.client import CliqClient  # noqa: E402
from bot.clock import SystemClock  # noqa: E402
from bot.desk.webhook_jwt import Claims  # noqa: E402
from bot.handlers import desk_events  # noqa: E402
from bot.sandbox.accounts import TokenRegistry  # noqa: E402
from bot.sandbox.cliq import CliqSandbox, Switches, create_cliq_app  # noqa: E402
from bot.store.db import Database  # noqa: E402
from bot.store.inbox import Inbox, _Delivery  # noqa: E402
from bot.store.outbox import Outbox  # noqa: E402
from bot.workers.sender import Sender  # noqa: E402


def event(n: int) -> list[dict[str, object]]:
    return [
        {
            "eventType": "Ticket_Update",
            "eventTime": str(1772413200000 + n),
            "orgId": "700000001",
            "payload": {"id": str(10**15 + n), "status": "Closed"},
            "prevState": {"status": "Open"},
        }
    ]


async def serve(app: web.Application) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, f"http://127.0.0.1:{runner.addresses[0][1]}"


async def load(url: str, events: int) -> float:
    async with aiohttp.ClientSession() as session:
        numbers = iter(range(events))

        async def worker() -> None:
            for n in numbers:
                async with session.post(url, json=event(n), headers={"X-ZDesk-JWT": "ok"}) as r:
                    assert r.status == 200, await r.text()

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(16)))
        return events / (time.perf_counter() - start)


async def accept(token: str) -> Claims:
    now = datetime.now(UTC)  # every POST its own token: no body binding in the way
    return Claims("1", "1", now, now + timedelta(minutes=5), None, secrets.token_hex(8))


class OneCommitPerDelivery(Inbox):
    """The inbox without group commit: each delivery is its own transaction."""

    async def add(self, events, *, binding=None):  # type: ignore[no-untyped-def]
        done = asyncio.get_running_loop().create_future()
        await self._commit([_Delivery(list(events), binding, done)])
        return await done


async def ingest_rate(path: Path, events: int, inbox_class: type[Inbox]) -> float:
    db = await Database.open(path)
    clock = SystemClock()
    inbox = inbox_class(db, clock)
    await inbox.setup()
    app = web.Application()
    app.add_routes(desk_events.routes(lambda: inbox, lambda: accept, lambda: None))
    runner, base = await serve(app)
    rate = await load(f"{base}/desk/events", events)
    await runner.cleanup()
    assert await inbox.count() == events
    await db.close()
    return rate


async def main(events: int) -> None:
    async def nothing(request: web.Request) -> web.Response:
        await request.read()
        return web.json_response({"accepted": 1})

    bare = web.Application()
    bare.router.add_post("/desk/events", nothing)
    runner, base = await serve(bare)
    ceiling = await load(f"{base}/desk/events", events)
    await runner.cleanup()

    with tempfile.TemporaryDirectory() as tmp:
        single = await ingest_rate(Path(tmp) / "single.db", events, OneCommitPerDelivery)
        ingest = await ingest_rate(Path(tmp) / "bench.db", events, Inbox)
        db = await Database.open(Path(tmp) / "bench.db")
        clock = SystemClock()

        registry = TokenRegistry(clock)
        registry.add_refresh_token("r", "bot")
        token, _ = registry.issue("r")
        # Cliq's 50 posts a minute per user is off: this measures our sender, not Cliq's quota.
        cliq = CliqSandbox(registry.identity, clock, switches=Switches(posting_limit=False))
        cliq.add_channel("desk", bots=("deskbot",))
        runner, base = await serve(create_cliq_app(cliq))
        outbox = Outbox(db, clock)
        await outbox.setup()
        for n in range(events):
            await outbox.enqueue(None, "channel", "desk", {"text": f"Ticket {n} closed"}, f"b{n}")

        class Token:
            async def token(self) -> str:
                return token

            async def invalidate(self, t: str) -> None:
                return None

        async with aiohttp.ClientSession() as session:
            client = CliqClient(session, base, Token(), "deskbot", attempts=1)
            sender = Sender(outbox, client, clock, per_target_per_minute=10**9)
            start = time.perf_counter()
            while await sender.run_once(limit=200):
                pass
            delivery = events / (time.perf_counter() - start)
        await runner.cleanup()
        assert len(cliq.messages) == events
        await db.close()
    print(
        f"ingest: {ingest:,.0f} events/s acknowledged and durably stored "
        f"(bare handler storing nothing: {ceiling:,.0f}/s, {ingest / ceiling:.2f}x; "
        f"one commit per delivery: {single:,.0f}/s, shared commits {ingest / single:.2f}x that)"
    )
    print(f"delivery: {delivery:,.0f} posts/s from the outbox to the sandbox Cliq")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=2000)
    asyncio.run(main(parser.parse_args().events))
