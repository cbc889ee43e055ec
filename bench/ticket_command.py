"""`/ticket 115` end to end: signed POST /cliq → verify → dispatch → Desk client → sandbox Desk
over loopback HTTP → card → JSON, against a real `deskbot serve` (with its sandboxes).

    .venv/bin/python bench/ticket_command.py [--seconds 5]

Needs `wrk`. Prints requests/second with 16 connections, and p50/p99 with one connection.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

from cliq_endpoint import SECRET, Signer, free_port, run_wrk, wait_listening  # noqa: E402

PEAK_RPS = 10_000  # more than the whole path answers here (each signed call is used once)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=5)
    args = parser.parse_args()
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "bot.toml"
        text = (
            (ROOT / "bot.toml")
            .read_text()
            .replace('path = "var/deskbot.db"', f'path = "{tmp}/bench.db"')
            # no install: the sandbox's notifications and reminders would compete for the CPU
            .replace("auto_install = true", "auto_install = false")
        )
        config.write_text(text)
        env = {**os.environ, "DESKBOT_CLIQ_SECRET": SECRET}
        server = subprocess.Popen(
            [sys.executable, "-m", "bot", "serve", "--config", str(config), "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_listening(port)
            time.sleep(1)
            signer = Signer(slack=False)
            run_wrk(port, signer, 4, 2, pool=2 * PEAK_RPS)  # warm-up (tokens, agent list)
            many = run_wrk(port, signer, 16, args.seconds, pool=args.seconds * PEAK_RPS)
            one = run_wrk(port, signer, 1, args.seconds, pool=args.seconds * PEAK_RPS)
        finally:
            server.terminate()
            server.wait()
    print(f"/ticket 115 end to end: {many['rps']:,.0f} requests/s with 16 connections")
    print(
        f"one connection: {one['rps']:,.0f} requests/s, p50 {one['p50']:.2f} ms, "
        f"p99 {one['p99']:.2f} ms"
    )


if __name__ == "__main__":
    main()
