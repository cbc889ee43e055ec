"""Time and peak memory of attendance reports on a large log.

Run by hand (not by CI):

    .venv/bin/python bench/attendance_reports.py [--agents 1000] [--days 30] [--changes 20]

Builds a SQLite file (WAL, as the bot runs it) holding `agents` agents who each change status
`changes` times a day for `days` days (check in, breaks and custom statuses, back, check out),
then measures, each once without and once under tracemalloc (for the peak):
- the weekly report of 500 agents (`AttendanceService.week`, one agent after another);
- the 30-day CSV export of every agent, read to the end as the HTTP layer would stream it;
- for scale, the admin board of every agent, and the 24-hour sweep (idle, then closing the
  sessions of a fifth of the agents).
Peak memory is what tracemalloc sees of Python allocations during the operation.
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
from attendance.models import CHECK_IN, CHECK_OUT, MEAL_BREAK, SHORT_BREAK, to_ms  # noqa: E402
from bot.clock import FrozenClock  # noqa: E402
from bot.store.db import Database  # noqa: E402

ZONES = ["Asia/Tokyo", "Europe/London", "America/New_York", "Asia/Kolkata"]
START = date(2026, 3, 1)  # the period spans the US and EU spring DST changes


def day_of_events(rng: random.Random, day: date, zone: ZoneInfo, changes: int) -> list[tuple]:
    """One working day: check in, `changes - 2` moves among other statuses, check out."""
    at = datetime(day.year, day.month, day.day, 8, tzinfo=zone) + timedelta(
        minutes=rng.randint(0, 60)
    )
    statuses = [CHECK_IN]
    current = CHECK_IN
    for _ in range(changes - 2):
        current = rng.choice([s for s in (CHECK_IN, MEAL_BREAK, SHORT_BREAK, 5, 6) if s != current])
        statuses.append(current)
    statuses.append(CHECK_OUT)
    rows = []
    for status in statuses:
        rows.append((status, to_ms(at), status in (CHECK_IN, 5)))
        at += timedelta(minutes=rng.randint(10, 35))
    return rows


async def seed(db: Database, agents: int, days: int, changes: int) -> int:
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
                for status, at, online in day_of_events(rng, START + timedelta(d), zone, changes):
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
    print(f"{label:<38} {seconds:8.2f} s   peak {peak / 2**20:7.2f} MiB   {note}")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=1000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--changes", type=int, default=20)
    parser.add_argument("--week-agents", type=int, default=500)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        db = await Database.open(Path(folder) / "bench.db")
        end = START + timedelta(days=args.days)
        clock = FrozenClock(datetime(end.year, end.month, end.day, 12, tzinfo=UTC))
        svc = AttendanceService(db, clock)
        await svc.setup()
        await svc.add_status("Desk work", "online")
        await svc.add_status("Training", "offline")
        started = time.perf_counter()
        events = await seed(db, args.agents, args.days, args.changes)
        size = (Path(folder) / "bench.db").stat().st_size
        print(
            f"seeded {events:,} events ({args.agents} agents x {args.days} days x"
            f" {args.changes} changes) in {time.perf_counter() - started:.1f} s,"
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


if __name__ == "__main__":
    asyncio.run(main())
