"""Requests/second and latency of `POST /cliq`, against a bare aiohttp handler and Slack's Bolt.

Run by hand (needs `wrk`: `apt-get install wrk`, and Bolt: `pip install -e '.[bench]'`):

    .venv/bin/python bench/cliq_endpoint.py [--seconds 10]

Each server runs alone in its own process on loopback; wrk loads it with 64 connections, then
with one. The request is a signed slash command whose listener returns a ticket card with four
buttons and does no I/O:
- bare:    an aiohttp handler returning fixed JSON (the ceiling);
- floor:   the work no bot with these models can skip (the HMAC, the envelope models, the card
           and its JSON) in a bare aiohttp handler, nothing of the framework: the lower bound
           the framework's cost is measured from (`bench/cliq_account.py` splits it up);
- deskbot: the framework's app (verification, parsing, dispatch, card models, serialisation),
           signed calls remembered in memory (a bare framework app's replay memory);
- deskbot-store: the same, remembering signed calls in a SQLite store as `deskbot serve` does
           (durable: replays are refused after a restart; calls arriving together share one
           commit). Shown for the cost of durability; the goals are for `deskbot`;
- bolt:    Bolt's AsyncApp on aiohttp, signature verification on, the same card as Block Kit,
           with process_before_response off and on.
Access logs are off for every server. Ratios are against figures from the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SECRET = "bench-secret"
SERVERS = ["bare", "floor", "deskbot", "deskbot-store", "bolt", "bolt-pbr"]
PEAK_RPS = 30_000  # more than any server here answers on this machine


# --- the servers -----------------------------------------------------------------------


def bare_app() -> Any:
    """The ceiling: an aiohttp handler reading the body and returning fixed JSON."""
    from aiohttp import web

    body = json.dumps({"output": {"text": "ticket", "buttons": []}}).encode()

    async def handle(request: web.Request) -> web.Response:
        await request.read()
        return web.Response(body=body, content_type="application/json")

    app = web.Application()
    app.router.add_post("/cliq", handle)
    return app


def serve_bare(port: int) -> None:
    from aiohttp import web

    web.run_app(bare_app(), host="127.0.0.1", port=port, access_log=None, print=None)


def floor_app() -> Any:
    """The work no Cliq bot with these models can skip, in a bare aiohttp handler: the HMAC
    checked (`KeyedHmac`, the verifier's own: the key's pads hashed once), the body parsed into the envelope models (the cheapest
    validator there is for them: `parse_envelope`'s direct way, pydantic-core with no Python
    step), the listener's ticket card built (its limits checked) and encoded. No replay memory,
    deadline, routing, error handling or request id: a lower bound for `deskbot`."""
    import hmac as hmac_

    from aiohttp import web

    from bot.cliq.envelope import _FROM_JSON as parse  # (the direct way's validator alone)
    from bot.cliq.verify import KeyedHmac
    from bot.context import Context

    bot = deskbot_bot()
    command = bot.find_command("ticket")
    assert command is not None
    listener = command.listener
    mac = KeyedHmac(SECRET.encode())

    async def handle(request: web.Request) -> web.Response:
        body = await request.read()
        headers = request.headers
        signed = headers["X-Deskbot-Timestamp"].encode() + b"." + body
        signature = bytes.fromhex(headers["X-Deskbot-Signature"])
        if not hmac_.compare_digest(mac.digest(signed), signature):
            return web.Response(status=401)
        envelope = parse(body)
        ctx = Context(envelope=envelope, bot=bot, clock=bot.clock, request_id="")
        message = await listener(ctx, envelope.params.arguments)
        return web.Response(
            body=b'{"output":' + message.to_json() + b"}", content_type="application/json"
        )

    app = web.Application()
    app.router.add_post("/cliq", handle)
    return app


def serve_floor(port: int) -> None:
    import gc

    from aiohttp import web

    app = floor_app()
    gc.freeze()
    web.run_app(app, host="127.0.0.1", port=port, access_log=None, print=None)


def deskbot_bot() -> Any:
    """The framework's bot with the `/ticket` listener returning the ticket card."""
    from bot.cliq.message import Button, Card, LabelSlide, Message
    from bot.clock import SystemClock
    from bot.context import Context
    from bot.dispatch import Bot
    from bot.router import Router

    router = Router()

    @router.command("ticket", usage="/ticket [number]")
    async def ticket(ctx: Context, args: str) -> Message:
        return Message(
            text=f"Ticket #{args}",
            card=Card(title=f"#{args} Printer on fire", theme="modern-inline"),
            slides=[LabelSlide.of({"Status": "Open", "Priority": "High", "Due": "in 25 min"})],
            buttons=[
                Button.invoke(label, key=f"{label.lower()}:{args}")
                for label in ("Status", "Assign", "Reply", "Comment")
            ],
        )

    return Bot(name="Deskbot", clock=SystemClock()).include(router)


def deskbot_app() -> Any:
    """The framework's app as `make_web_app` builds it, signed calls remembered in memory."""
    from bot.cliq.verify import HmacVerifier
    from bot.handlers.web import make_web_app

    bot = deskbot_bot()
    return make_web_app(bot, HmacVerifier(SECRET, bot.clock))


def serve_deskbot(port: int, store: bool = False) -> None:
    import gc

    from aiohttp import web

    from bot.handlers import cliq
    from bot.handlers.serving import start_server

    served = deskbot_app()
    gc.freeze()

    async def app() -> None:
        clock = served[cliq.BOT].clock
        if store:  # as `deskbot serve`: signed calls remembered in the SQLite store
            from bot.store.db import Database
            from bot.store.seen import SeenCredentials

            db = await Database.open(Path(tempfile.mkdtemp()) / "bench.db")
            seen = SeenCredentials(db, clock)
            await seen.setup()
            served[cliq.REPLAYS] = seen

            async def close(_: web.Application) -> None:
                await db.close()  # (its thread would keep the process from exiting)

            served.on_cleanup.append(close)
        # As `deskbot serve` serves: `start_server`, the framework's way (its limits, the
        # connection cap, and the express lane for `POST /cliq`).
        runner, _ = await start_server(served, "127.0.0.1", port, access_log=None)
        try:
            await asyncio.Event().wait()
        finally:
            await runner.cleanup()

    asyncio.run(app())


def serve_bolt(port: int, process_before_response: bool) -> None:
    from aiohttp import web
    from slack_bolt.app.async_app import AsyncApp
    from slack_bolt.authorization import AuthorizeResult

    async def authorize(enterprise_id, team_id, user_id):  # type: ignore[no-untyped-def]
        # A fixed installation: no call to slack.com (auth.test) ever leaves the machine.
        return AuthorizeResult(
            enterprise_id=enterprise_id,
            team_id=team_id,
            bot_token="xoxb-bench",
            bot_user_id="UBENCH",
            bot_id="BBENCH",
        )

    app = AsyncApp(
        signing_secret=SECRET,
        authorize=authorize,
        process_before_response=process_before_response,
    )

    @app.command("/ticket")
    async def ticket(ack, command):  # type: ignore[no-untyped-def]
        number = command["text"]
        await ack(
            text=f"Ticket #{number}",
            blocks=[
                {
                    "type": "header",
                    "text": {"type": "plain_text", "text": f"#{number} Printer on fire"},
                },
                {
                    "type": "section",
                    "fields": [
                        {"type": "mrkdwn", "text": "*Status*\nOpen"},
                        {"type": "mrkdwn", "text": "*Priority*\nHigh"},
                        {"type": "mrkdwn", "text": "*Due*\nin 25 min"},
                    ],
                },
                {
                    "type": "actions",
                    "elements": [
                        {
                            "type": "button",
                            "text": {"type": "plain_text", "text": label},
                            "action_id": label.lower(),
                            "value": f"{label.lower()}:{number}",
                        }
                        for label in ("Status", "Assign", "Reply", "Comment")
                    ],
                },
            ],
        )

    web.run_app(app.web_app(path="/cliq"), host="127.0.0.1", port=port, access_log=None, print=None)


# --- the requests ----------------------------------------------------------------------
#
# deskbot executes a signed call at most once (a second use inside its window is answered 409),
# so wrk sends every request with its own timestamp and signature. Each server gets the same
# mechanism (a Lua `request()` joining a fixed template with a pooled timestamp and signature),
# so the client's per-request cost is the same for all of them.

ENVELOPE = {
    "type": "command",
    "name": "ticket",
    "handler": {"type": "execution_handler"},
    "params": {
        "arguments": "115",
        "user": {
            "id": "555",
            "email": "agent@example.com",
            "first_name": "Aiko",
            "timezone": "Asia/Tokyo",
        },
        "chat": {"id": "CT_1_555-B2", "type": "bot"},
    },
}


class Signer:
    """Signed variants of one request: `pool(n)` gives n (timestamp, signature) pairs, each
    timestamp used once (consecutive epoch ms starting 200 s in the past, all inside the
    verifiers' 300 s window for the length of a run)."""

    def __init__(self, slack: bool) -> None:
        self.slack = slack
        self.body = slack_body() if slack else deskbot_body()
        self.next_ms = int(time.time() * 1000) - 200_000

    def pool(self, count: int) -> list[tuple[str, str]]:
        from bot.cliq.verify import hmac_signature

        pairs = []
        for _ in range(count):
            if self.slack:  # Bolt has no replay memory; its timestamps are seconds
                ts = str(int(time.time()))
                base = f"v0:{ts}:".encode() + self.body
                signature = "v0=" + hmac.new(SECRET.encode(), base, hashlib.sha256).hexdigest()
            else:
                ts = str(self.next_ms)
                self.next_ms += 1
                signature = hmac_signature(SECRET, ts, self.body)
            pairs.append((ts, signature))
        return pairs

    def template(self, port: int) -> tuple[str, str, str]:
        """The raw HTTP request cut around its timestamp and signature."""
        if self.slack:
            kind, ts_header, sig_header = (
                "application/x-www-form-urlencoded",
                "X-Slack-Request-Timestamp",
                "X-Slack-Signature",
            )
        else:
            kind, ts_header, sig_header = (
                "application/json",
                "X-Deskbot-Timestamp",
                "X-Deskbot-Signature",
            )
        head = (
            f"POST /cliq HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: {kind}\r\n"
            f"Content-Length: {len(self.body)}\r\n{ts_header}: "
        )
        return head, f"\r\n{sig_header}: ", "\r\n\r\n" + self.body.decode()


def deskbot_body() -> bytes:
    """A slash command as a Deluge shim sends it."""
    envelope = {**ENVELOPE, "timestamp": int(time.time() * 1000)}
    return json.dumps(envelope, separators=(",", ":")).encode()


def slack_body() -> bytes:
    form = {
        "token": "x",
        "team_id": "T1",
        "team_domain": "acme",
        "channel_id": "C1",
        "channel_name": "desk",
        "user_id": "U555",
        "user_name": "aiko",
        "command": "/ticket",
        "text": "115",
        "api_app_id": "A1",
        "response_url": "https://hooks.slack.com/commands/T1/1/x",
        "trigger_id": "1.2.3",
    }
    return urllib.parse.urlencode(form).encode()


# --- the load --------------------------------------------------------------------------

WRK_SCRIPT = """
local head, middle, tail = %s, %s, %s
local pool, size, at, threads = {}, 0, 0, 0
function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end
function init(args)
  local nthreads, line = tonumber(args[2]), 0
  for entry in io.lines(args[1]) do
    if line %% nthreads == id then
      local space = entry:find(" ", 1, true)
      size = size + 1
      pool[size] = head .. entry:sub(1, space - 1) .. middle .. entry:sub(space + 1) .. tail
    end
    line = line + 1
  end
end
function request()
  at = at %% size + 1
  return pool[at]
end
"""


def lua_string(text: str) -> str:
    return (
        '"'
        + "".join(c if c.isalnum() or c in " :/-_.,{}[]=+" else f"\\{ord(c):03d}" for c in text)
        + '"'
    )


def run_wrk(
    port: int, signer: Signer, connections: int, seconds: int, pool: int
) -> dict[str, float]:
    threads = 1 if connections == 1 else 2
    with tempfile.TemporaryDirectory() as folder:
        pairs = Path(folder, "pool.txt")
        pairs.write_text("".join(f"{ts} {sig}\n" for ts, sig in signer.pool(pool)))
        script = Path(folder, "request.lua")
        script.write_text(WRK_SCRIPT % tuple(lua_string(part) for part in signer.template(port)))
        out = subprocess.run(
            [
                "wrk",
                f"-t{threads}",
                f"-c{connections}",
                f"-d{seconds}s",
                "--latency",
                "-s",
                str(script),
                f"http://127.0.0.1:{port}/cliq",
                "--",
                str(pairs),
                str(threads),
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non2xx:
        raise SystemExit(f"server answered {non2xx.group(1)} errors:\n{out}")
    pct = {p: to_ms(v) for p, v in re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)", out, re.MULTILINE)}
    requests = float(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    return {"rps": rps, "p50": pct["50"], "p99": pct["99"], "requests": requests}


def cpu_seconds(pid: int) -> float | None:
    """CPU time (user + system, seconds) the process has used so far; None off Linux."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def to_ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_listening(port: int) -> None:
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"server on {port} did not start")


def measure(name: str, seconds: int) -> dict[str, dict[str, float]]:
    port = free_port()
    server = subprocess.Popen([sys.executable, __file__, "--serve", name, "--port", str(port)])
    try:
        wait_listening(port)
        signer = Signer(slack=name.startswith("bolt"))
        # Pools hold more signed calls than each phase can send (a server answering faster
        # would reuse one and be refused 409, which stops the bench with a message).
        run_wrk(port, signer, 64, 2, pool=2 * PEAK_RPS)  # warm-up
        before = cpu_seconds(server.pid)
        c64 = run_wrk(port, signer, 64, seconds, pool=seconds * PEAK_RPS)
        after = cpu_seconds(server.pid)
        # The server's own CPU per request under load: what the ratios mean, less swayed by
        # what else runs on the machine than requests/second are.
        if before is not None and after is not None:
            c64["cpu_us"] = 1e6 * (after - before) / c64["requests"]
        # (One connection answers about a third as many as 64; half, to be safe.)
        return {"c64": c64, "c1": run_wrk(port, signer, 1, seconds, pool=seconds * PEAK_RPS // 2)}
    finally:
        server.terminate()
        server.wait()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--serve", choices=SERVERS)
    parser.add_argument("--port", type=int)
    parser.add_argument("--only", nargs="+", choices=SERVERS, help="measure just these servers")
    parser.add_argument("--rounds", type=int, default=1, help="each server once a round, in turn")
    args = parser.parse_args()
    if args.serve:
        if args.serve == "bare":
            serve_bare(args.port)
        elif args.serve == "floor":
            serve_floor(args.port)
        elif args.serve.startswith("deskbot"):
            serve_deskbot(args.port, store=args.serve == "deskbot-store")
        else:
            serve_bolt(args.port, process_before_response=args.serve == "bolt-pbr")
        return
    names = args.only or SERVERS
    # Every round measures each server once, in turn, so what the machine does meanwhile (it
    # moves a whole run by ±10%) falls on all of them alike: ratios are taken within a round,
    # and the medians of the rounds printed.
    rounds = [{name: measure(name, args.seconds) for name in names} for _ in range(args.rounds)]
    if args.rounds > 1:
        print(f"medians of {args.rounds} rounds (ratios: the median of each round's, and range)")
    print(
        f"{'server':<13} {'rps c64':>10} {'p50 c64':>9} {'p99 c64':>9} {'cpu/req':>9}"
        f" {'rps c1':>9} {'p50 c1':>8} {'p99 c1':>8}"
    )
    for name in names:
        c64 = {k: _median(rounds, name, "c64", k) for k in ("rps", "p50", "p99", "cpu_us")}
        c1 = {k: _median(rounds, name, "c1", k) for k in ("rps", "p50", "p99")}
        cpu = f"{c64['cpu_us']:>7.1f}us" if c64["cpu_us"] is not None else f"{'-':>9}"
        print(
            f"{name:<13} {c64['rps']:>10.0f} {c64['p50']:>7.2f}ms {c64['p99']:>7.2f}ms"
            f" {cpu} {c1['rps']:>9.0f} {c1['p50']:>6.2f}ms {c1['p99']:>6.2f}ms"
        )
    if "deskbot" not in names:
        return
    print()
    goals = {"bare": "goal >= 0.5x", "bolt": "goal >= 2.5x", "bolt-pbr": "goal >= 2.5x"}
    for server, what in (("floor", "the required work alone"), ("deskbot", "")):
        if server not in names:
            continue
        for other, goal in goals.items():
            if other in names:
                ratio = _ratio(rounds, server, other)
                print(f"{server:<7} / {other:<9} (rps, 64 conn): {ratio}  ({what or goal})")
    if "deskbot-store" in names:
        ratio = _ratio(rounds, "deskbot-store", "deskbot")
        print(f"deskbot-store / deskbot (rps, 64 conn): {ratio}  (the store's cost)")
    p50 = statistics.median(r["deskbot"]["c1"]["p50"] for r in rounds)
    print(f"deskbot p50, one connection: {p50:.2f} ms  (goal < 1 ms)")


Rounds = list[dict[str, dict[str, dict[str, float]]]]


def _median(rounds: Rounds, server: str, phase: str, key: str) -> Any:
    """The median over `rounds` of `server`'s figure `key` in `phase` ("c64" or "c1"), or None
    if no round has it (the CPU time of a process /proc does not show)."""
    values = [r[server][phase][key] for r in rounds if key in r[server][phase]]
    return statistics.median(values) if values else None


def _ratio(rounds: Rounds, server: str, other: str) -> str:
    """`server`'s requests/second over `other`'s, 64 connections: each round's, their median
    and (over several rounds) their range."""
    ratios = [r[server]["c64"]["rps"] / r[other]["c64"]["rps"] for r in rounds]
    shown = f"{statistics.median(ratios):.2f}x"
    if len(ratios) > 1:
        shown += f" ({min(ratios):.2f}-{max(ratios):.2f})"
    return shown


if __name__ == "__main__":
    main()
