"""Where a `POST /cliq` request's time goes: each part of deskbot's request taken out in turn.

Run by hand:

    .venv/bin/python bench/cliq_account.py [--requests 30000] [--rounds 7]

The apps and the signed request of `bench/cliq_endpoint.py`, served inside one process with no
sockets (aiohttp's own connection handler fed the bytes, as in `bench/cliq_instructions.py`),
on 64 connections whose requests are handed over together, as wrk's 64 connections arrive:
each phase of aiohttp (parse, handle, write) then runs for many requests at once, which is
where the cost of a part shows as it does under load (one request at a time keeps every part
hot in the CPU's caches and hides about half of it).

Each variant runs in a fresh process, once a round, the variants in turn; the median of
`--rounds` rounds is kept, and a part's saving is taken within each round (one variant's best
run against another's moved by ±2 µs with what else the machine did). The variants:
- `bare`: the aiohttp handler returning fixed JSON (the baseline);
- `floor`: the work no bot with these models can skip, in a bare aiohttp handler (the HMAC, the
  envelope models, the ticket card and its JSON; `cliq_endpoint.floor_app`);
- `deskbot`: the framework's app, whole;
- `deskbot -X`: the same with part X taken out, replaced by its result computed beforehand:
  `verify` (the signature check), `replays` (the replay memory), `parse` (the envelope
  models), `dispatch` (routing, context, listener, card, JSON), `deadline` (the watch for
  overruns), `edge` (the wrapper every route's handler runs in: request id, JSON errors);
  `all` takes out every one of them.
What a part costs is the time it saves when taken out (parts share the caches, so the savings
add up to more than the whole).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

PARTS = ["verify", "replays", "parse", "dispatch", "deadline", "edge"]
VARIANTS = ["bare", "floor", "deskbot", *(f"deskbot-{p}" for p in PARTS), "deskbot-all"]
CONNECTIONS = 64


def make_app(variant: str, first_body: bytes) -> Any:
    """The aiohttp app of `variant`, its parts replaced as the variant says."""
    from aiohttp import web
    from cliq_endpoint import bare_app, deskbot_app, floor_app

    if variant == "bare":
        return bare_app()
    if variant == "floor":
        return floor_app()
    from bot.cliq.envelope import parse_envelope
    from bot.cliq.verify import SIGNATURE_HEADER, Verified
    from bot.handlers import cliq
    from bot.handlers.errors import EDGED, REQUEST_ID

    app = deskbot_app()
    out = set(PARTS) if variant == "deskbot-all" else {variant.removeprefix("deskbot-")}
    if "verify" in out:

        class Verifier:
            def check_headers(self, headers: Any) -> None:
                pass

            def verify(self, headers: Any, body: bytes) -> Verified:
                return Verified(headers[SIGNATURE_HEADER], 2**52)  # still one per call

        app[cliq.VERIFIER] = Verifier()  # type: ignore[assignment]
    if "replays" in out:

        class Replays:
            async def first_use(self, credential: str, expires_at_ms: int) -> bool:
                return True

        app[cliq.REPLAYS] = Replays()
    if "parse" in out:
        envelope = parse_envelope(first_body)
        cliq.parse_envelope = lambda body: envelope  # type: ignore[assignment]
    if "dispatch" in out:
        bot = app[cliq.BOT]
        output = asyncio.run(bot.dispatch(parse_envelope(first_body), "r"))

        async def dispatch(envelope: Any, request_id: str = "") -> bytes:
            return output

        bot.dispatch = dispatch  # type: ignore[method-assign]
    if "deadline" in out:

        class Watch:
            def bind(self, loop: Any) -> None:
                pass

            def start(self, call: Any, seconds: float) -> None:
                pass

            def finish(self, call: Any) -> None:
                pass

        app[cliq.DEADLINES] = Watch()  # type: ignore[assignment]
    if "edge" in out:
        route = next(r for r in app.router.routes() if r.method == "POST")
        handle = route.handler.__wrapped__  # type: ignore[attr-defined]  # (the endpoint's)

        async def bare_edge(request: web.Request) -> web.StreamResponse:
            request[REQUEST_ID] = "r"  # (what the listener's context reads of the edge)
            return await handle(request)

        route._handler = bare_edge
        EDGED.add(bare_edge)  # (let through the app's start-up check: taking the edge out is meant)
    return app


async def serve(app: Any, requests: list[bytes]) -> float:
    """Microseconds per request, `requests` handed over CONNECTIONS at a time."""
    from aiohttp import web
    from cliq_instructions import _Collector

    from bot.handlers.serving import express

    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    assert runner.server is not None
    express(runner.server, app)  # as `start_server` serves it (bare's and floor's: no lane)
    loop = asyncio.get_running_loop()
    connections = []
    for _ in range(CONNECTIONS):
        protocol, transport = runner.server(), _Collector()
        protocol.connection_made(transport)
        connections.append((protocol, transport))
    started = time.perf_counter()
    for at in range(0, len(requests), CONNECTIONS):
        answers = []
        for (protocol, transport), raw in zip(
            connections, requests[at : at + CONNECTIONS], strict=False
        ):
            transport.whole = loop.create_future()
            answers.append(transport.whole)
            protocol.data_received(raw)
        for answer in answers:
            if not (await answer).startswith(b"HTTP/1.1 200"):
                raise SystemExit(f"not a 200:\n{(await answer).decode(errors='replace')}")
    elapsed = time.perf_counter() - started
    await runner.cleanup()
    return elapsed / len(requests) * 1e6


def run(variant: str, count: int) -> float:
    from cliq_instructions import raw_requests

    requests = raw_requests("deskbot", count)
    app = make_app(variant, requests[0].split(b"\r\n\r\n", 1)[1])
    gc.freeze()  # as the endpoint bench's servers
    return asyncio.run(serve(app, requests))


def measure_once(variant: str, count: int) -> float:
    """Microseconds per request of `variant`, in a fresh process."""
    out = subprocess.run(
        [sys.executable, __file__, "--run", variant, "--requests", str(count)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return float(out)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=30_000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--run", choices=VARIANTS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        print(run(args.run, args.requests))
        return
    # Every round runs each variant once, so what the machine does meanwhile falls on all of
    # them alike; a part's saving is taken within each round, and the median of the rounds kept.
    rounds = [
        {variant: measure_once(variant, args.requests) for variant in VARIANTS}
        for _ in range(args.rounds)
    ]
    times = {variant: statistics.median(r[variant] for r in rounds) for variant in VARIANTS}
    bare, whole, floor = times["bare"], times["deskbot"], times["floor"]
    print(f"{'variant':<20} {'us/request':>10} {'bare/this':>10} {'saves':>8}")
    for variant, spent in times.items():
        saves = ""
        if variant.startswith("deskbot-"):
            saved = statistics.median(r["deskbot"] - r[variant] for r in rounds)
            saves = f"{saved:>6.1f}us"
        print(f"{variant:<20} {spent:>10.1f} {bare / spent:>9.2f}x {saves:>8}")
    framework = statistics.median(r["deskbot"] - r["floor"] for r in rounds)
    print(
        f"\nmedians of {args.rounds} rounds; beyond bare: deskbot {whole - bare:.1f} us, of which"
        f" the required work (floor) {floor - bare:.1f} us and the framework {framework:.1f} us"
    )


if __name__ == "__main__":
    main()
