"""Time to serve the console's attendance board for 1,000 agents, against a bare aiohttp page of
the same size served in the same run.

Run by hand (not by CI):

    .venv/bin/python bench/console_board.py [--agents 1000] [--requests 30]

Builds a SQLite file (WAL, as the bot runs it) with `agents` agents, 22 custom statuses and 30
days of history (tests/attendance/org.py), then a working day in progress: every agent but a
tenth checks in this morning and moves through a few statuses, so the board has agents in every
column and a time since each change. Two servers run on loopback in this process:

- `board`: the console's board handler as `/console/board` serves it (the board's agents read
  from the attendance log with `AttendanceService.board`, laid out by `bot.console.board`, and
  rendered with the console's templates) — without the sign-in checks, which do not depend on
  the number of agents;
- `bare`: an aiohttp handler returning the same HTML, prepared beforehand (the ceiling).

Each is asked `requests` times one after another (after 3 warm-up requests) through one
keep-alive connection; the median and the 90th percentile are printed, and their ratio. The goal
is the board served in under 300 ms at 1,000 agents.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aiohttp import ClientSession, web  # noqa: E402

from attendance import AttendanceService  # noqa: E402
from attendance.models import CHECK_IN, CHECK_OUT, EventKind, to_ms  # noqa: E402
from bot.clock import FrozenClock  # noqa: E402
from bot.console.board import REFRESH_SECONDS, read_view  # noqa: E402
from bot.console.render import render  # noqa: E402
from bot.desk.people import Agent  # noqa: E402
from bot.store.db import Database  # noqa: E402
from tests.attendance import org  # noqa: E402

ZONE = ZoneInfo(org.ZONE)
NOW = datetime(2026, 12, 2, 13, 30, tzinfo=ZONE)  # a working day after the org's 30 days


async def build(path: Path, agents: int) -> None:
    """The org's 30 days, then today's morning: check-ins from 08:00 and a few moves each."""
    await org.build(path, agents)
    db = await Database.open(path)
    svc = AttendanceService(db, FrozenClock(NOW))
    statuses = [s for s in await svc.statuses() if s.id not in (CHECK_IN, CHECK_OUT)]
    rng = random.Random(15)
    rows = []
    for i in range(agents):
        if i % 10 == 0:
            continue  # a tenth stays checked out
        at = NOW.replace(hour=8, minute=0) + timedelta(minutes=rng.randint(0, 120))
        path_ = [(CHECK_IN, True)] + [(s.id, s.online) for s in rng.sample(statuses, 3)]
        for status_id, online in path_:
            ms = to_ms(at)
            rows.append((org.email(i), status_id, ms, org.email(i), EventKind.NORMAL.value, "",
                         int(online), ms))  # fmt: skip
            at += timedelta(minutes=rng.randint(5, 40))
    async with db.transaction() as tx:
        await tx.executemany(
            "INSERT INTO attendance_events"
            " (agent, status_id, at_ms, actor, kind, reason, online, recorded_ms)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
    await db.close()


def people(agents: int) -> dict[str, Agent]:
    """The board's agents as the directory gives them: e-mail → Desk agent."""
    return {
        org.email(i): Agent(id=str(7_000_000 + i), name=org.name(i), email_id=org.email(i))
        for i in range(agents)
    }


async def timed(url: str, session: ClientSession, count: int) -> tuple[list[float], int]:
    """Seconds per request (after 3 warm-up requests), and the size of the last answer."""
    size = 0
    for _ in range(3):
        async with session.get(url) as answer:
            size = len(await answer.read())
    times = []
    for _ in range(count):
        started = time.perf_counter()
        async with session.get(url) as answer:
            assert answer.status == 200, answer.status
            size = len(await answer.read())
        times.append(time.perf_counter() - started)
    return times, size


async def serve(handler: Callable[[web.Request], Awaitable[web.StreamResponse]]) -> web.AppRunner:
    app = web.Application()
    app.router.add_get("/", handler)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    return runner


def address(runner: web.AppRunner) -> str:
    host, port = runner.addresses[0][:2]
    return f"http://{host}:{port}/"


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--agents", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "board.db"
        started = time.perf_counter()
        await build(path, args.agents)
        print(f"built {args.agents:,} agents in {time.perf_counter() - started:.1f} s")
        db = await Database.open(path)
        attendance = AttendanceService(db, FrozenClock(NOW))
        board_people = people(args.agents)

        async def board(request: web.Request) -> web.StreamResponse:
            view = await read_view(attendance, board_people, now=NOW, zone=ZONE)
            return render(request, "board.html", title="Attendance board", board=view,
                          note="", alert=False, refresh_seconds=REFRESH_SECONDS)  # fmt: skip

        board_runner = await serve(board)
        async with ClientSession() as session:
            async with session.get(address(board_runner)) as answer:
                page = await answer.text()

            async def bare(request: web.Request) -> web.StreamResponse:
                return web.Response(text=page, content_type="text/html")

            bare_runner = await serve(bare)
            results = {}
            for name, runner in (("bare", bare_runner), ("board", board_runner)):
                results[name] = await timed(address(runner), session, args.requests)
        for runner in (board_runner, bare_runner):
            await runner.cleanup()
        await db.close()
    cards, columns = page.count('class="card"'), page.count('<section class="column')
    print(f"the board: {cards:,} cards in {columns} columns")
    print(f"{'server':<8}{'size':>10}{'median':>12}{'p90':>12}")
    for name, (times, size) in results.items():
        p90 = statistics.quantiles(times, n=10)[-1]
        print(
            f"{name:<8}{size:>10,}{statistics.median(times) * 1000:>10.1f} ms{p90 * 1000:>9.1f} ms"
        )
    board_ms = statistics.median(results["board"][0]) * 1000
    ratio = board_ms / (statistics.median(results["bare"][0]) * 1000)
    verdict = "met" if board_ms < 300 else "NOT met"
    print(f"board / bare: {ratio:.1f}x; goal < 300 ms at 1,000 agents: {verdict}")


if __name__ == "__main__":
    asyncio.run(main())
