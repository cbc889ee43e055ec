"""Delay from a ticket change in Desk to its post in Cliq: polling (Free/Standard editions)
against webhooks (Professional), in the same run.

    .venv/bin/python bench/desk_polling.py [--changes 4] [--poll-seconds 60]

A real deskbot app (its workers, real clock) with the sandboxes on loopback, once with
`[sandbox] desk_edition = "standard"` (no webhooks: install chooses polling every
`[desk] poll_seconds`, default 60) and once with `"professional"` (a webhook). Each round
changes ticket 115's status through the sandbox Desk's admin API at a random moment and
measures the time until the sandbox Cliq has received the notification. Prints each delay,
the mean and the ratio to the webhook baseline.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402
from aiohttp import web  # noqa: E402

from bot.app import create_app  # noqa: E402
from bot.clock import SystemClock  # noqa: E402
from bot.config import load_config  # noqa: E402
from bot.parts import INSTALLATION, POLLER, SANDBOXES  # noqa: E402

STATUSES = ["On Hold", "Open"]


def about(message: dict, status: str) -> bool:
    """Whether a Cliq message is the notification of ticket 115 taking `status`."""
    text = str(message.get("body"))
    return "#115" in text and "Maria Garcia" in text and f"→ {status}" in text


async def measure(
    edition: str, changes: int, poll_seconds: float, rng: random.Random
) -> list[float]:
    shipped = load_config(str(ROOT / "bot.toml"))
    with tempfile.TemporaryDirectory() as folder:
        # The bot's own port must be known before the app starts: Desk calls it back.
        probe = web.AppRunner(web.Application())
        await probe.setup()
        site = web.TCPSite(probe, "127.0.0.1", 0)
        await site.start()
        port = probe.addresses[0][1]
        await probe.cleanup()
        config = shipped.model_copy(
            update={
                "server": shipped.server.model_copy(
                    update={"port": port, "public_url": f"http://127.0.0.1:{port}"}
                ),
                "store": shipped.store.model_copy(update={"path": f"{folder}/deskbot.db"}),
                "desk": shipped.desk.model_copy(update={"poll_seconds": poll_seconds}),
                "sandbox": shipped.sandbox.model_copy(
                    update={"desk_edition": edition, "auto_install": False}
                ),
            }
        )
        app = create_app(config, clock=SystemClock())
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        sandboxes = app[SANDBOXES]
        try:
            for agent in sandboxes.desk.agents:  # everyone opened the bot's chat
                sandboxes.cliq.open_bot_chat(config.cliq.bot_unique_name, agent["emailId"])
            done = await app[INSTALLATION].install(config.public_url)
            print(f"  {edition}: install says: {done[-1] if done else '(nothing)'}", flush=True)
            await app[POLLER].run_once()  # what the worker's first poll does: start the clock
            desk = sandboxes.urls["desk"]
            cliq = sandboxes.cliq
            delays: list[float] = []
            async with aiohttp.ClientSession() as session:
                for n in range(changes):
                    await asyncio.sleep(rng.uniform(0, poll_seconds))  # a random phase
                    status = STATUSES[n % 2]
                    before = len(cliq.messages)
                    started = time.monotonic()
                    async with session.patch(
                        f"{desk}/sandbox/tickets/115",
                        json={"actor": "maria@example.com", "status": status},
                    ) as response:
                        assert response.status == 200, await response.text()
                    while not any(about(m, status) for m in cliq.messages[before:]):
                        if time.monotonic() - started > poll_seconds * 3 + 30:
                            raise SystemExit(f"{edition}: no post after {poll_seconds * 3 + 30} s")
                        await asyncio.sleep(0.02)
                    delays.append(time.monotonic() - started)
                    print(
                        f"  {edition}: change {n + 1}: posted after {delays[-1]:.2f} s", flush=True
                    )
            return delays
        finally:
            await runner.cleanup()


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--changes", type=int, default=4)
    parser.add_argument("--poll-seconds", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    webhook = await measure("professional", args.changes, args.poll_seconds, rng)
    polling = await measure("standard", args.changes, args.poll_seconds, rng)
    hook_mean, poll_mean = statistics.mean(webhook), statistics.mean(polling)
    print(f"webhook (professional): mean {hook_mean:.2f} s, max {max(webhook):.2f} s")
    print(
        f"polling every {args.poll_seconds:.0f} s (standard): mean {poll_mean:.2f} s,"
        f" max {max(polling):.2f} s ({poll_mean / hook_mean:.0f}x the webhook's mean)"
    )


if __name__ == "__main__":
    asyncio.run(main())
