"""CPU instructions per `POST /cliq`, counted by valgrind, against the bare aiohttp handler.

Run by hand (needs `valgrind`: `apt-get install valgrind`):

    .venv/bin/python bench/cliq_instructions.py [--only bare deskbot] [--parts] [--account]
    .venv/bin/python bench/cliq_instructions.py --profile deskbot

The same apps as `bench/cliq_endpoint.py` (same request, same card, signature checking on), but
served inside one process with no sockets: each request's bytes are handed to aiohttp's own
connection handler (`RequestHandler.data_received`) and its answer is taken from a transport
that only collects bytes. Each server is run twice under `valgrind --tool=cachegrind` (a few
and many requests, every request signed beforehand in both); the difference of the two counts
divided by the difference of requests is the instructions one request costs, start-up left
out. Unlike requests/second on a shared machine, the count barely moves from run to run, so it
shows what a change to the code is worth. `--account` also counts `bench/cliq_account.py`'s
variants (deskbot with one part taken out at a time, replaced by its result). `--parts` also counts deskbot's parts one by one
(verification, replay memory, parsing, the card, its JSON, dispatch), each alone on the same
inputs, and what is left beyond the bare handler (the edge). `--profile NAME` runs one server
or part under `valgrind --tool=callgrind` instead and prints the C functions that cost the most
per request (inclusive, the same difference of two runs): where the interpreter spends it
(`slot_tp_getattr_hook` is a pydantic model's attribute read, `_hashlib` the HMAC, the
`_pydantic_core` addresses the models, `lru_cache_call`/`partial_call` aiohttp's middleware
layer, which the framework app does without but a sub-app with middlewares, such as Deskbot's
console, brings back for every route; a recursive function, marked `'2`, is counted once per
level it nests).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from cliq_account import VARIANTS as ACCOUNT_VARIANTS  # noqa: E402 (bench/ is on the path now)

SERVERS = ["bare", "floor", "deskbot"]
FEW, MANY = 200, 1200


class _Collector(asyncio.Transport):
    """A transport that keeps what aiohttp writes and wakes the driver once an answer is whole."""

    def __init__(self) -> None:
        super().__init__()
        self.buffer = bytearray()
        self.whole: asyncio.Future[bytes] | None = None

    def write(self, data: Any) -> None:
        self.buffer += data
        self._check()

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.buffer += line
        self._check()

    def _check(self) -> None:
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            return
        length = re.search(rb"Content-Length: (\d+)", self.buffer[:end], re.IGNORECASE)
        if length and len(self.buffer) >= end + 4 + int(length.group(1)):
            answer = bytes(self.buffer)
            self.buffer.clear()
            if self.whole is not None and not self.whole.done():
                self.whole.set_result(answer)

    def is_closing(self) -> bool:
        return False

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"peername": ("127.0.0.1", 40000), "sockname": ("127.0.0.1", 8080)}.get(
            name, default
        )

    def close(self) -> None:
        pass

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass


async def drive(app: Any, requests: list[bytes]) -> None:
    """Serve `requests` one after another on one keep-alive connection; check each is a 200."""
    from aiohttp import web

    from bot.handlers.serving import express

    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    server = runner.server
    assert server is not None
    express(server, app)  # as `start_server` serves it (bare's and floor's: no lane)
    protocol = server()
    transport = _Collector()
    protocol.connection_made(transport)
    loop = asyncio.get_running_loop()
    for raw in requests:
        transport.whole = loop.create_future()
        protocol.data_received(raw)
        answer = await transport.whole
        if not answer.startswith(b"HTTP/1.1 200"):
            raise SystemExit(f"not a 200:\n{answer.decode(errors='replace')}")
    protocol.connection_lost(None)
    await runner.cleanup()


def raw_requests(name: str, count: int) -> list[bytes]:
    """`count` requests as wrk sends them, each with its own timestamp and signature."""
    from cliq_endpoint import Signer

    signer = Signer(slack=False)
    head, middle, tail = signer.template(8080)
    return [(head + ts + middle + sig + tail).encode() for ts, sig in signer.pool(count)]


def make_app(name: str) -> Any:
    from cliq_endpoint import bare_app, deskbot_app, floor_app

    return {"bare": bare_app, "floor": floor_app, "deskbot": deskbot_app}[name]()


def serve(name: str, count: int) -> None:
    requests = raw_requests(name, MANY)  # signed in both runs, so signing cancels out
    if name in PARTS:
        run_part(name, count)
        return
    if name in ACCOUNT:
        from cliq_account import make_app as account_app

        app = account_app(name, requests[0].split(b"\r\n\r\n", 1)[1])
    else:
        app = make_app(name)
    asyncio.run(drive(app, requests[:count]))


PARTS = {
    "verify": "the HMAC verifier judging the headers and body",
    "replays": "the memory of signed calls (first use)",
    "parse": "parse_envelope: the body into the envelope models",
    "card": "the listener building the ticket card (7 objects)",
    "encode": "the card's JSON (Outbound.to_json)",
    "dispatch": "Bot.dispatch: routing, context, listener, card and its JSON",
}
"""Parts of deskbot's request, each counted alone in the same way (their own instructions,
run back to back on the same inputs, without aiohttp)."""


ACCOUNT = [v for v in ACCOUNT_VARIANTS if v.startswith("deskbot-")]
"""`bench/cliq_account.py`'s variants (deskbot with one part taken out), counted here too."""


def run_part(name: str, count: int) -> None:
    from cliq_endpoint import SECRET, Signer, deskbot_bot

    from bot.cliq.envelope import parse_envelope
    from bot.cliq.replays import MemoryReplays
    from bot.cliq.verify import SIGNATURE_HEADER, TIMESTAMP_HEADER, HmacVerifier

    signer = Signer(slack=False)
    body = signer.body
    signed = [{TIMESTAMP_HEADER: ts, SIGNATURE_HEADER: sig} for ts, sig in signer.pool(MANY)]
    bot = deskbot_bot()
    verifier = HmacVerifier(SECRET, bot.clock)
    verified = [verifier.verify(headers, body) for headers in signed]
    replays = MemoryReplays(bot.clock)
    envelope = parse_envelope(body)
    command = bot.find_command("ticket")
    assert command is not None
    context = done(bot.context_factory(envelope, bot, "r"))
    card = done(command.listener(context, "115"))

    if name == "verify":
        for headers in signed[:count]:
            verifier.verify(headers, body)
    elif name == "replays":
        for call in verified[:count]:
            replays.first_use(call.credential, call.expires_at_ms)
    elif name == "parse":
        for _ in range(count):
            parse_envelope(body)
    elif name == "card":
        for _ in range(count):
            done(command.listener(context, "115"))
    elif name == "encode":
        for _ in range(count):
            card.to_json()
    elif name == "dispatch":
        for _ in range(count):
            done(bot.dispatch(envelope, "r"))


def done(awaitable: Any) -> Any:
    """The result of a coroutine that never waits (all of these), run without a loop."""
    try:
        awaitable.send(None)
    except StopIteration as finished:
        return finished.value
    raise RuntimeError("the part waited")


STEADY = {**os.environ, "PYTHONHASHSEED": "0"}
"""The environment of every counted run: string hashes fixed, so dicts and sets probe the same
way in each (a random seed moves a count by a few thousand)."""


def count_instructions(name: str, count: int) -> int:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder, "cg.out")
        subprocess.run(
            [
                "valgrind",
                "--tool=cachegrind",
                "--cache-sim=no",
                f"--cachegrind-out-file={out}",
                sys.executable,
                __file__,
                "--serve",
                name,
                "--count",
                str(count),
            ],
            check=True,
            capture_output=True,
            env=STEADY,
        )
        summary = re.search(r"^summary:\s+(\d+)", out.read_text(), re.MULTILINE)
        assert summary is not None
        return int(summary.group(1))


def callgrind_functions(name: str, count: int) -> dict[str, int]:
    """Inclusive instructions by C function over a whole run of `name` with `count` requests."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder, "cg.out")
        subprocess.run(
            [
                *("valgrind", "--tool=callgrind", f"--callgrind-out-file={out}"),
                *(sys.executable, __file__, "--serve", name, "--count", str(count)),
            ],
            check=True,
            capture_output=True,
            env=STEADY,
        )
        listing = subprocess.run(
            ["callgrind_annotate", "--inclusive=yes", "--threshold=100", str(out)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    found: dict[str, int] = {}
    for line in listing.splitlines():
        row = re.match(r"\s*([\d,]+) \([^)]*\)\s+\S*?([^/\s]+:[^\s\[]+)(?: \[.*/([^/]+)\])?", line)
        if row:
            function = row.group(2)
            if function.startswith("???") and row.group(3):  # no symbol: name its library
                function += f" in {row.group(3).split('.')[0]}"
            found[function] = found.get(function, 0) + int(row.group(1).replace(",", ""))
    return found


PLUMBING = re.compile(
    r"^(\?\?\?:0x0000000004|\?\?\?:\(below|ceval|pycore_c|call\.c|pythonrun|main\.c|python\.c|"
    r"libc|genobject|abstract\.c|methodobject|context\.c|classobject|_asynciomodule\.c:task_)"
)
"""The interpreter's own call machinery, around everything: left out of the profile."""


def profile(name: str, shown: int = 60) -> None:
    """Print the C functions of `name` by inclusive instructions per request."""
    few, many = callgrind_functions(name, FEW), callgrind_functions(name, MANY)
    per = {
        f: (many.get(f, 0) - few.get(f, 0)) / (MANY - FEW)
        for f in set(few) | set(many)
        if not PLUMBING.match(f)
    }
    print(f"{name}: inclusive instructions per request by C function (callgrind)")
    for function, count in sorted(per.items(), key=lambda item: -item[1])[:shown]:
        print(f"{count / 1000:>9.1f} k  {function}")


def per_request(name: str) -> float:
    return (count_instructions(name, MANY) - count_instructions(name, FEW)) / (MANY - FEW)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--serve", choices=SERVERS + list(PARTS) + ACCOUNT)
    parser.add_argument("--count", type=int, default=MANY)
    parser.add_argument("--only", nargs="+", choices=SERVERS)
    parser.add_argument(
        "--parts", action="store_true", help="also count deskbot's parts, each on its own"
    )
    parser.add_argument(
        "--account",
        action="store_true",
        help="also count bench/cliq_account.py's variants (deskbot with each part taken out)",
    )
    parser.add_argument(
        "--profile", choices=SERVERS + list(PARTS), help="the C functions of one, by cost"
    )
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.count)
        return
    if args.profile:
        profile(args.profile)
        return
    results = {name: per_request(name) for name in args.only or SERVERS}
    for name, count in results.items():
        print(f"{name:<8} {count / 1000:>8.1f} k instructions per request")
    if "bare" in results and "deskbot" in results:
        print(f"deskbot / bare: {results['deskbot'] / results['bare']:.2f}x the instructions")
    if args.account:
        print()
        whole = results.get("deskbot") or per_request("deskbot")
        for name in ACCOUNT:
            count = per_request(name)
            print(f"{name:<20} {count / 1000:>8.1f} k  saves {(whole - count) / 1000:>6.1f} k")
    if args.parts:
        print()
        parts = {name: per_request(name) for name in PARTS}
        for name, count in parts.items():
            print(f"{name:<8} {count / 1000:>8.1f} k  {PARTS[name]}")
        if "deskbot" in results and "bare" in results:
            rest = (
                results["deskbot"]
                - results["bare"]
                - sum(parts[n] for n in ("verify", "replays", "parse", "dispatch"))
            )
            print(
                f"{'edge':<8} {rest / 1000:>8.1f} k  the rest beyond the bare handler: the edge"
                " (request id, body, deadline watch, response)"
            )


if __name__ == "__main__":
    main()
