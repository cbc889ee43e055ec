"""Backlog drain: how fast the notifier works through Desk events already in the inbox.

    .venv/bin/python bench/backlog_drain.py [--events 2000]

The real services against the sandbox Desk and Cliq (over loopback HTTP, in this process):
`--events` Ticket_Update events for different tickets are stored in the inbox, then the notifier
runs rounds back to back until none is left, as `deskbot serve` does; each event re-reads its
ticket from Desk, is judged, routed and rendered, and its post queued. Printed: events processed
per second, next to the same backlog worked one event at a time (the notifier before it worked
on several tickets at once) and to the old schedule of 50 events per 30-second tick; then the
same backlog behind `--poison` events the notifier cannot use (they used to block all others).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aiohttp import web  # noqa: E402

from bot.app import open_parts  # noqa: E402
from bot.clock import SystemClock  # noqa: E402
from bot.config import load_config  # noqa: E402
from bot.parts import CONFIG, INBOX, NOTIFIER, OUTBOX, SANDBOXES, SETTINGS  # noqa: E402


def poison(n: int) -> tuple[str, str, dict[str, object]]:
    """A correctly shaped delivery the notifier cannot use: a commenter that is a string."""
    return (
        f"Ticket_Comment_Add:p{n}:0",
        "Ticket_Comment_Add",
        {
            "eventType": "Ticket_Comment_Add",
            "eventTime": "1772413200000",
            "orgId": "700000001",
            "payload": {"id": f"p{n}", "ticketId": "1166045000000000115", "commenter": "x"},
        },
    )


async def drain(events: int, concurrency: int, folder: Path, bad: int = 0) -> float:
    os.environ.setdefault("DESKBOT_CLIQ_SECRET", "bench")
    config = load_config(str(ROOT / "bot.toml"))
    config = config.model_copy(
        update={
            "store": config.store.model_copy(
                update={"path": str(folder / f"{concurrency}-{bad}.db")}
            ),
            "sandbox": config.sandbox.model_copy(update={"auto_install": False}),
        }
    )
    async with open_parts(web.Application(), config, SystemClock()) as parts:
        sandboxes = parts[SANDBOXES]
        await parts[SETTINGS].put("dm_owner", False)  # channel posts: no DM subscriptions
        numbers = list(range(101, 101 + events))  # the seeded tickets (2,000 of them)
        ids = []
        for number in numbers:
            found = await sandboxes.desk.ticket_by_number(str(number))
            assert found is not None, number
            ids.append(found)
        batch = []
        for n, ticket in enumerate(ids):
            batch.append(
                (
                    f"Ticket_Update:{ticket['id']}:{n}",
                    "Ticket_Update",
                    {
                        "eventType": "Ticket_Update",
                        "eventTime": str(1772413200000 + n),
                        "orgId": parts[CONFIG].desk_org_id,
                        "payload": {**ticket, "modifiedBy": "6000000001002"},
                        "prevState": {"status": "Waiting on bench"},
                    },
                )
            )
        await parts[INBOX].add([poison(n) for n in range(bad)] + batch)
        parts[NOTIFIER].concurrency = concurrency
        start = time.perf_counter()
        while await parts[NOTIFIER].run_once():
            pass
        elapsed = time.perf_counter() - start
        counts = await parts[INBOX].counts()
        assert counts["processed"] == events and counts["pending"] == bad, counts
        queued = (await parts[OUTBOX].counts())["waiting"]
        assert queued >= events * 0.9, queued  # (nearly) every event caused a post
        return events / elapsed


async def main(events: int, bad: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        one = await drain(events, 1, folder)
        many = await drain(events, 16, folder)
        if bad:
            poisoned = await drain(events, 16, folder / "poisoned", bad)
    print(
        f"backlog drain: {many:,.0f} events/s processed, 16 tickets at a time "
        f"(one at a time: {one:,.0f}/s, {many / one:.2f}x; "
        f"the old 50 per 30-s tick: 1.7/s, {many / (50 / 30):,.0f}x)"
    )
    if bad:
        print(
            f"with {bad} poison events first: all {events:,} good ones processed at "
            f"{poisoned:,.0f} events/s; the {bad} bad ones wait for their retries, alone"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=1900)
    parser.add_argument("--poison", type=int, default=10, help="bad events ahead of the backlog")
    arguments = parser.parse_args()
    asyncio.run(main(arguments.events, arguments.poison))
