"""The Desk client's throughput against the sandbox Desk, and the memory of an idle `serve`.

    .venv/bin/python bench/desk_client.py [--seconds 5]

1. Ticket searches per second (`/tickets/search?ticketNumber=N`, random numbers) with 4 calls in
   flight (Desk's default concurrency cap), through the real client: OAuth header, orgId, JSON
   parsing into models. Baseline in the same run: the same requests through a bare aiohttp
   session with no models (the HTTP + sandbox ceiling), so the ratio is the client's overhead.
2. The resident memory (VmRSS) of `deskbot serve` with its three sandboxes, idle after start.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


async def searches(seconds: float) -> tuple[float, float]:
    from bot.clock import SystemClock
    from bot.config import load_config
    from bot.sandbox.world import sandbox_world

    clock = SystemClock()
    async with sandbox_world(load_config(ROOT / "bot.toml"), clock) as world:
        rng = random.Random(1)
        base = f"{world.sandboxes.urls['desk']}/api/v1/tickets/search"

        async def client_call() -> None:
            await world.desk.search(ticket_number=str(rng.randint(101, 2100)), limit=1)

        async def bare_call() -> None:
            headers = {
                "Authorization": f"Zoho-oauthtoken {await world.tokens.token()}",
                "orgId": "700000001",
            }
            params = {"ticketNumber": str(rng.randint(101, 2100)), "from": "0", "limit": "1"}
            async with world.session.get(base, params=params, headers=headers) as response:
                await response.read()

        async def rate(call) -> float:  # type: ignore[no-untyped-def]
            done = 0
            deadline = time.perf_counter() + seconds

            async def worker() -> None:
                nonlocal done
                while time.perf_counter() < deadline:
                    await call()
                    done += 1

            start = time.perf_counter()
            await asyncio.gather(*(worker() for _ in range(4)))
            return done / (time.perf_counter() - start)

        await rate(bare_call)  # warm-up
        return await rate(bare_call), await rate(client_call)


def idle_serve_rss() -> float:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "DESKBOT_CLIQ_SECRET": "bench"}
    server = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            except OSError:
                time.sleep(0.1)
        time.sleep(2)
        status = Path(f"/proc/{server.pid}/status").read_text()
        kb = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS"))
        return kb / 1024
    finally:
        server.terminate()
        server.wait()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5)
    args = parser.parse_args()
    bare, client = asyncio.run(searches(args.seconds))
    print(
        f"ticket searches/s, 4 in flight: client {client:,.0f}, bare aiohttp {bare:,.0f} "
        f"(client = {client / bare:.2f}x bare)"
    )
    print(f"idle `deskbot serve` with 3 sandboxes: {idle_serve_rss():.1f} MiB resident")


if __name__ == "__main__":
    main()
