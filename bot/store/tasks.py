"""The Desk tasks the bot watches for reminders, kept between polls (issue 9).

Desk sends no event when a task falls due, so the scheduler polls `/tasks`, one department at a
time and only for what changed since its last poll (a per-department `modifiedTime` watermark).
This table remembers every task it has seen, so a task created hours ago still reminds its
owner without listing every task on every tick.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from bot.desk.activities import Task
from bot.store.db import Database

MIGRATIONS = [
    """
    CREATE TABLE watched_tasks (
        id TEXT PRIMARY KEY, department_id TEXT, ticket_id TEXT, owner_id TEXT,
        subject TEXT, due TEXT, done INTEGER NOT NULL
    );
    CREATE INDEX watched_tasks_due ON watched_tasks (done, due)
    """
]


class WatchedTasks:
    """Tasks seen by the poller: the latest state of each, and each department's watermark."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def setup(self) -> None:
        await self._db.migrate("watched_tasks", MIGRATIONS)

    async def keep(self, tasks: Iterable[Task]) -> None:
        """Store (or replace) each task's latest state."""
        rows = [
            (
                t.id,
                t.department_id,
                t.ticket_id,
                t.owner_id,
                t.subject,
                t.due_date.isoformat() if t.due_date else None,
                int(t.is_done),
            )
            for t in tasks
        ]
        if not rows:
            return
        async with self._db.transaction() as tx:
            await tx.executemany(
                "INSERT INTO watched_tasks VALUES (?,?,?,?,?,?,?) ON CONFLICT (id) DO UPDATE SET"
                " department_id = excluded.department_id, ticket_id = excluded.ticket_id,"
                " owner_id = excluded.owner_id, subject = excluded.subject,"
                " due = excluded.due, done = excluded.done",
                rows,
            )

    async def due_between(self, start: datetime, end: datetime) -> list[Task]:
        """Open tasks due after `start` and at or before `end` (both UTC)."""
        found = await self._db.fetchall(
            "SELECT * FROM watched_tasks WHERE done = 0 AND due > ? AND due <= ? ORDER BY due",
            (start.isoformat(), end.isoformat()),
        )
        return [
            Task(
                id=r["id"],
                department_id=r["department_id"],
                ticket_id=r["ticket_id"],
                owner_id=r["owner_id"],
                subject=r["subject"],
                due_date=r["due"],
            )
            for r in found
        ]
