"""Time and peak memory of attendance reports on a large log, and the time of every card.

Run by hand (not by CI):

    .venv/bin/python bench/attendance_reports.py [--agents 1000] [--days 30] [--changes 20]

Builds a SQLite file (WAL, as the bot runs it) holding `agents` agents who each change status
`changes` times a day for `days` days (check in, breaks and the 22 custom statuses — 20 in use,
2 deleted after use — back, check out), then measures, each once without and once under
tracemalloc (for the peak):
- the weekly report of 500 agents (`AttendanceService.week`, one agent after another);
- the 30-day CSV export of every agent, read to the end as the HTTP layer would stream it;
- for scale, the admin board of every agent, and the 24-hour sweep (idle, then closing the
  sessions of a fifth of the agents).
Peak memory is what tracemalloc sees of Python allocations during the operation.

Then the cards, each as a person gets it (read + card built and checked against Cliq's limits):
the board's first and last pages, the admin report of every agent over the 30 days (first,
middle and last page, list and table view) and one agent's week (both views). Each is timed as
the best of `--repeat` runs and printed as seconds and as a ratio to a baseline measured in the
same run (one agent's status card, the cheapest attendance answer), next to the figures the
earlier version printed; the goal is every card under 1 s.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from attendance import AttendanceService  # noqa: E402
from attendance.models import CHECK_IN, CHECK_OUT, to_ms  # noqa: E402
from bot.cards.attendance import status_card  # noqa: E402
from bot.cards.attendance_reports import View, report_card, week_card  # noqa: E402
from bot.cards.board import board_card, board_page  # noqa: E402
from bot.cliq.message import Message  # noqa: E402
from bot.clock import FrozenClock  # noqa: E402
from bot.commands.attendance_reports import plan_for, read_page  # noqa: E402
from bot.i18n import Languages  # noqa: E402
from bot.store.db import Database  # noqa: E402

ZONES = ["Asia/Tokyo", "Europe/London", "America/New_York", "Asia/Kolkata"]
START = date(2026, 3, 1)  # the period spans the US and EU spring DST changes


EARLIER = {  # what the earlier version printed for the same sizes (README, before issue 12)
    "weekly report, 500 agents": 0.83,
    "30-day CSV, 1000 agents": 3.52,
    "board, 1000 agents": 0.54,
}


def day_of_events(
    rng: random.Random, day: date, zone: ZoneInfo, changes: int, moves: dict[int, bool]
) -> list[tuple]:
    """One working day: check in, `changes - 2` moves among other statuses (`moves`: id ->
    online), check out."""
    at = datetime(day.year, day.month, day.day, 8, tzinfo=zone) + timedelta(
        minutes=rng.randint(0, 60)
    )
    statuses = [CHECK_IN]
    current = CHECK_IN
    choices = [CHECK_IN, *moves]
    for _ in range(changes - 2):
        current = rng.choice([s for s in choices if s != current])
        statuses.append(current)
    statuses.append(CHECK_OUT)
    rows = []
    for status in statuses:
        rows.append((status, to_ms(at), status == CHECK_IN or moves.get(status, False)))
        at += timedelta(minutes=rng.randint(10, 35))
    return rows


async def seed(db: Database, agents: int, days: int, changes: int, moves: dict[int, bool]) -> int:
    rng = random.Random(7)
    count = 0
    async with db.transaction() as tx:
        for i in range(agents):
            email = f"agent{i:05d}@example.com"
            zone = ZoneInfo(ZONES[i % len(ZONES)])
            await tx.execute(
                "INSERT INTO attendance_agents (email, name) VALUES (?, ?)",
                (email, f"担当者 {i:05d}"),
            )
            rows = []
            for d in range(days):
                for status, at, online in day_of_events(
                    rng, START + timedelta(d), zone, changes, moves
                ):
                    rows.append((email, status, at, email, "normal", "", int(online), at))
            await tx.executemany(
                "INSERT INTO attendance_events"
                " (agent, status_id, at_ms, actor, kind, reason, online, recorded_ms)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            count += len(rows)
    return count


async def measure(label: str, run: Callable[[], Awaitable[str]]) -> None:
    started = time.perf_counter()
    note = await run()
    seconds = time.perf_counter() - started
    tracemalloc.start()
    await run()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    before = EARLIER.get(label)
    was = f"   (earlier {before:.2f} s: {seconds / before:.2f}x)" if before else ""
    print(f"{label:<38} {seconds:8.2f} s   peak {peak / 2**20:7.2f} MiB   {note}{was}")


async def best(run: Callable[[], Awaitable[object]], repeat: int) -> float:
    """The best of `repeat` timings of `run`, in seconds."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        await run()
        times.append(time.perf_counter() - started)
    return min(times)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=1000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--changes", type=int, default=20)
    parser.add_argument("--week-agents", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3, help="runs per card (best is kept)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        db = await Database.open(Path(folder) / "bench.db")
        end = START + timedelta(days=args.days)
        clock = FrozenClock(datetime(end.year, end.month, end.day, 12, tzinfo=UTC))
        svc = AttendanceService(db, clock)
        await svc.setup()
        for i in range(20):
            await svc.add_status(f"Custom {i:02d}", "online" if i % 2 else "offline")
        await svc.delete_status("Custom 03")
        await svc.delete_status("Custom 04")
        for i in (20, 21):
            await svc.add_status(f"Custom {i:02d}", "online" if i % 2 else "offline")
        every = await svc.statuses(include_deleted=True)
        moves = {s.id: s.online for s in every if s.id not in (CHECK_IN, CHECK_OUT)}
        started = time.perf_counter()
        events = await seed(db, args.agents, args.days, args.changes, moves)
        size = (Path(folder) / "bench.db").stat().st_size
        print(
            f"seeded {events:,} events ({args.agents} agents x {args.days} days x"
            f" {args.changes} changes, {len(every)} statuses) in"
            f" {time.perf_counter() - started:.1f} s,"
            f" database {size / 2**20:.0f} MiB"
        )
        agents = [f"agent{i:05d}@example.com" for i in range(args.agents)]

        async def weeks() -> str:
            worked = timedelta()
            for i, agent in enumerate(agents[: args.week_agents]):
                week = await svc.week(agent, ZONES[i % len(ZONES)], START + timedelta(days=7))
                worked += week.agent.worked
            return f"{args.week_agents} agents, {worked.total_seconds() / 3600:,.0f} h worked"

        async def export() -> str:
            chunks = await svc.export(agents, START, end - timedelta(days=1), "Asia/Tokyo")
            total = count = 0
            async for chunk in chunks:
                total += len(chunk)
                count += 1
            rows = args.agents * args.days
            return f"{rows:,} rows, {total / 2**20:.1f} MiB in {count} chunks"

        async def board() -> str:
            found = await svc.board(agents)
            return f"{sum(len(c.agents) for c in found.columns)} agents on the board"

        async def idle_sweep() -> str:
            return f"{await svc.sweep()} check-outs due"

        await measure(f"weekly report, {args.week_agents} agents", weeks)
        await measure(f"{args.days}-day CSV, {args.agents} agents", export)
        await measure(f"board, {args.agents} agents", board)
        await measure(f"24-hour sweep, {args.agents} agents", idle_sweep)
        await cards(svc, clock, agents, end - timedelta(days=1), args.repeat)
        opened = agents[: args.agents // 5]
        for agent in opened:
            await svc.check_in(agent)
        clock.advance(hours=25)
        started = time.perf_counter()
        closed = await svc.sweep()
        print(
            f"{'24-hour sweep closing ' + str(closed) + ' sessions':<38}"
            f" {time.perf_counter() - started:8.2f} s"
        )
        await db.close()


async def cards(
    svc: AttendanceService, clock: FrozenClock, agents: list[str], last: date, repeat: int
) -> None:
    """Every card at this size, timed as a person gets it, against the baseline."""
    zone = "Asia/Tokyo"
    where = ZoneInfo(zone)
    first = START
    words = Languages().words("en")

    async def baseline() -> Message:
        state = await svc.status(agents[0], tz=zone)
        return status_card(state, now=clock.now(), zone=where, words=words)

    async def board(page: int) -> Message:
        found = await svc.board(agents, tz=zone)
        return board_card(found, page=page, now=clock.now(), zone=where, words=words)

    async def report(view: View, page: int) -> Message:
        plan = await plan_for(svc, agents, {}, first, last, view, zone, words)
        shown = plan.layout.clamp(page)
        read = await read_page(svc, plan, shown, zone)
        return report_card(plan, shown, read, zone=zone, key="bench")

    async def week(view: View) -> Message:
        found = await svc.week(agents[0], zone, first + timedelta(days=7))
        return week_card(found, view=view, words=words)

    base = await best(baseline, max(repeat, 20))
    probe = await svc.board(agents, tz=zone)
    board_pages = board_page(probe, 1, now=clock.now(), zone=where, words=words).count
    plans = {
        v: await plan_for(svc, agents, {}, first, last, v, zone, words) for v in ("list", "table")
    }
    rows: list[tuple[str, Callable[[], Awaitable[Message]], float | None]] = [
        ("board, page 1", lambda: board(1), EARLIER.get(f"board, {len(agents)} agents")),
        (f"board, page {board_pages} (last)", lambda: board(board_pages), None),
    ]
    for view, plan in plans.items():
        pages = plan.layout.pages
        for page in (0, pages // 2, pages - 1):
            rows.append(
                (
                    f"report {view}, page {page + 1:,} of {pages:,}",
                    lambda v=view, p=page: report(v, p),  # type: ignore[misc]
                    None,
                )
            )
    rows += [
        ("my week, list view", lambda: week("list"), None),
        ("my week, table view", lambda: week("table"), None),
    ]
    print()
    print(f"cards for {len(agents):,} agents (best of {repeat}), each against the baseline:")
    print(f"{'baseline: one agent status card':<38} {base * 1000:8.2f} ms   1.0x")
    slowest = 0.0
    for label, run, before in rows:
        seconds = await best(run, repeat)
        slowest = max(slowest, seconds)
        was = f"   (earlier {before:.2f} s: {seconds / before:.2f}x)" if before else ""
        print(f"{label:<38} {seconds * 1000:8.1f} ms {seconds / base:8.1f}x baseline{was}")
    verdict = "met" if slowest < 1 else "NOT met"
    print(f"goal, every card under 1 s: {verdict} (slowest {slowest * 1000:.0f} ms)")


if __name__ == "__main__":
    asyncio.run(main())
