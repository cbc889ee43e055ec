"""A large organisation's attendance, built straight into the store (not through HTTP): 1,000
agents, 22 custom statuses (20 in use, 2 deleted after being used) and 30 days of events.

Each agent checks in every day, moves through three statuses chosen in turn (so, across the
org, every status holds time every day), and checks out; days are cut in Asia/Tokyo.
"""

from __future__ import annotations

import asyncio
import shutil
import threading
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from attendance import AttendanceService
from attendance.models import CHECK_IN, CHECK_OUT, EventKind, Status, to_ms
from bot.clock import FrozenClock
from bot.store.db import Database

AGENTS = 1000
DAYS = 30
FIRST = date(2026, 11, 1)
LAST = FIRST + timedelta(days=DAYS - 1)
ZONE = "Asia/Tokyo"
AFTER = datetime(2026, 12, 2, 12, tzinfo=ZoneInfo(ZONE))  # the clock once it is all over
DELETED = ("Client visit 03", "Client visit 04")


def email(i: int) -> str:
    return f"agent{i:04d}@example.com"


def name(i: int) -> str:
    return f"担当者 {i:04d}"


def custom_name(i: int) -> str:
    return f"Client visit {i:02d}"


async def add_statuses(svc: AttendanceService) -> list[Status]:
    """22 custom statuses: 20 added, 2 of them deleted, 2 more added; every status, deleted
    ones included."""
    for i in range(20):
        await svc.add_status(custom_name(i), "online" if i % 2 else "offline")
    for gone in DELETED:
        await svc.delete_status(gone)
    for i in (20, 21):
        await svc.add_status(custom_name(i), "online" if i % 2 else "offline")
    return await svc.statuses(include_deleted=True)


async def fill(db: Database, statuses: list[Status], agents: int = AGENTS) -> int:
    """Every agent's 30 days of events, in one transaction; returns how many."""
    moves = [s for s in statuses if s.id not in (CHECK_IN, CHECK_OUT)]
    zone = ZoneInfo(ZONE)
    count = 0
    async with db.transaction() as tx:
        await tx.executemany(
            "INSERT INTO attendance_agents (email, name) VALUES (?, ?)",
            [(email(i), name(i)) for i in range(agents)],
        )
        rows = []
        for i in range(agents):
            for d in range(DAYS):
                day = FIRST + timedelta(days=d)
                at = datetime(day.year, day.month, day.day, 9, i % 60, tzinfo=zone)
                chosen = [moves[(i + d + k * 7) % len(moves)] for k in range(3)]
                path = (
                    [(CHECK_IN, True)] + [(s.id, s.online) for s in chosen] + [(CHECK_OUT, False)]
                )
                for status_id, online in path:
                    ms = to_ms(at)
                    rows.append(
                        (
                            email(i),
                            status_id,
                            ms,
                            email(i),
                            EventKind.NORMAL.value,
                            "",
                            int(online),
                            ms,
                        )
                    )
                    at += timedelta(minutes=95)
        await tx.executemany(
            "INSERT INTO attendance_events"
            " (agent, status_id, at_ms, actor, kind, reason, online, recorded_ms)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        count = len(rows)
    return count


async def build(path: Path, agents: int = AGENTS) -> None:
    db = await Database.open(path)
    svc = AttendanceService(db, FrozenClock(AFTER))
    await svc.setup()
    await fill(db, await add_statuses(svc), agents)
    await db.close()


def build_file(path: Path, agents: int = AGENTS) -> Path:
    """Build the organisation into the SQLite file `path` (in a thread of its own, so it can
    be called from a synchronous fixture whatever loop is running)."""
    failure: list[BaseException] = []

    def run() -> None:
        try:
            asyncio.run(build(path, agents))
        except BaseException as exc:  # handed to the caller below
            failure.append(exc)

    worker = threading.Thread(target=run)
    worker.start()
    worker.join()
    if failure:
        raise failure[0]
    return path


def copy_of(built: Path, folder: Path) -> Path:
    """A copy of a built file that a test may change."""
    target = folder / built.name
    shutil.copy(built, target)
    return target
