"""A child process for the crash tests: `ingest <db> <port>` serves /desk/events into an inbox;
`send <db> <cliq url>` runs the sender over an outbox; `cliq <db> <port>` serves the framework's
/cliq with its replay memory in the store; `lead <db> <day>` runs a digest-like scheduler job
under the store's scheduler lease (bot/workers/leader.py), queueing one post per place for `day`
each round and printing `leading` when it starts. `<db>` is a SQLite path or a PostgreSQL URL.
The parent kills it with SIGKILL."""

from __future__ import annotations

import asyncio
import os
import secrets
import sys
from datetime import UTC, datetime, timedelta

import aiohttp
from aiohttp import web

from bot.cliq.client import CliqClient
from bot.clock import SystemClock
from bot.desk.webhook_jwt import Claims, MalformedToken
from bot.handlers import desk_events
from bot.store.db import Database
from bot.store.inbox import Inbox
from bot.store.outbox import Outbox
from bot.workers.leader import LEASE, lead
from bot.workers.sender import Sender


class StaticToken:
    async def token(self) -> str:
        return "crash-test-token"

    async def invalidate(self, token: str) -> None:
        return None


async def accept(token: str) -> Claims:
    if token != "ok":
        raise MalformedToken("not ok")
    now = datetime.now(UTC)  # each post counts as its own token: no body binding here
    return Claims("1", "1", now, now + timedelta(minutes=5), None, secrets.token_hex(8))


async def ingest(path: str, port: int) -> None:
    db = await Database.open(path)
    inbox = Inbox(db, SystemClock())
    await inbox.setup()
    app = web.Application()
    app.add_routes(desk_events.routes(lambda: inbox, lambda: accept, lambda: None))
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    print("ready", flush=True)
    await asyncio.Event().wait()


async def send(path: str, cliq_url: str) -> None:
    db = await Database.open(path)
    clock = SystemClock()
    outbox = Outbox(db, clock)
    await outbox.setup()
    async with aiohttp.ClientSession() as session:
        client = CliqClient(session, cliq_url, StaticToken(), "deskbot", attempts=1)
        sender = Sender(outbox, client, clock, per_target_per_minute=100_000)
        print("ready", flush=True)
        # the app's own continuous worker: a post that must wait (a backoff after a failed
        # attempt, a lost answer to check) is sent when due; the parent kills us when it is done
        await sender.run_forever()


CLIQ_SECRET = "crash-test-secret"


async def cliq(path: str, port: int) -> None:
    """`/note` answers "noted"; every signed call is remembered in the store (group commit)."""
    from bot.cliq.verify import HmacVerifier
    from bot.dispatch import Bot
    from bot.handlers.cliq import REPLAYS
    from bot.handlers.web import make_web_app
    from bot.router import Router
    from bot.store.seen import SeenCredentials

    clock = SystemClock()
    db = await Database.open(path)
    seen = SeenCredentials(db, clock)
    await seen.setup()
    router = Router()

    @router.command("note")
    async def note(ctx: object, args: str) -> str:
        return "noted"

    app = make_web_app(Bot(name="t", clock=clock).include(router), HmacVerifier(CLIQ_SECRET, clock))
    app[REPLAYS] = seen
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    print("ready", flush=True)
    await asyncio.Event().wait()


async def lead_digests(path: str, day: str) -> None:
    db = await Database.open(path)
    outbox = Outbox(db, SystemClock())
    await outbox.setup()

    async def digests() -> None:
        print("leading", flush=True)
        while True:  # each round queues what is due; the dedupe key makes it once per place/day
            for place in ("desk", "support"):
                await outbox.enqueue(None, "channel", place, {"text": day}, f"digest:{place}:{day}")
            await asyncio.sleep(0.2)

    print("ready", flush=True)
    await lead(db.lease(LEASE), [digests], SystemClock(), every=0.2)


def whole_store_locks() -> None:
    """Every write transaction on the whole store's lock, whatever key it names: PostgreSQL as
    it was before transactions named narrower keys (the bench's baseline for them)."""
    from contextlib import AbstractAsyncContextManager

    from bot.store.db import WHOLE_STORE
    from bot.store.db import Tx as StoreTx
    from bot.store.postgres import PostgresDatabase

    narrow = PostgresDatabase.transaction

    def whole(
        self: PostgresDatabase, key: str | None = WHOLE_STORE
    ) -> AbstractAsyncContextManager[StoreTx]:
        return narrow(self, WHOLE_STORE)

    PostgresDatabase.transaction = whole  # type: ignore[method-assign,assignment]


if __name__ == "__main__":
    if os.environ.get("DESKBOT_BENCH_WHOLE_STORE") == "1":
        whole_store_locks()
    if sys.argv[1] == "ingest":
        asyncio.run(ingest(sys.argv[2], int(sys.argv[3])))
    elif sys.argv[1] == "cliq":
        asyncio.run(cliq(sys.argv[2], int(sys.argv[3])))
    elif sys.argv[1] == "lead":
        asyncio.run(lead_digests(sys.argv[2], sys.argv[3]))
    else:
        asyncio.run(send(sys.argv[2], sys.argv[3]))
