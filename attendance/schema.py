"""The attendance tables, as numbered migrations under the "attendance" namespace.

Times are epoch milliseconds (portable integers that sort correctly). Events are never updated
or deleted except by purge; statuses are soft-deleted so old events keep their names.
"""

from __future__ import annotations

from bot.store.db import Database

NAMESPACE = "attendance"

MIGRATIONS = [
    """
    CREATE TABLE attendance_statuses (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        type TEXT NOT NULL CHECK (type IN ('online', 'offline')),
        builtin INTEGER NOT NULL DEFAULT 0,
        deleted INTEGER NOT NULL DEFAULT 0,
        position INTEGER NOT NULL
    );
    CREATE TABLE attendance_events (
        id INTEGER PRIMARY KEY,
        agent TEXT NOT NULL,
        status_id INTEGER NOT NULL REFERENCES attendance_statuses (id),
        at_ms INTEGER NOT NULL,
        actor TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('normal', 'automatic', 'admin', 'correction')),
        reason TEXT NOT NULL DEFAULT '',
        online INTEGER NOT NULL,
        recorded_ms INTEGER NOT NULL
    );
    CREATE INDEX attendance_events_agent_at ON attendance_events (agent, at_ms, id);
    CREATE INDEX attendance_events_agent_status ON attendance_events (agent, status_id, at_ms);
    CREATE INDEX attendance_events_status ON attendance_events (status_id, at_ms);
    CREATE TABLE attendance_agents (
        email TEXT PRIMARY KEY,
        name TEXT NOT NULL DEFAULT ''
    )
    """,
    # The agent's own time zone as last seen on one of their moves: their notices are in it.
    "ALTER TABLE attendance_agents ADD COLUMN zone TEXT NOT NULL DEFAULT ''",
    # Whether an admin renamed a default status: an unrenamed default is shown in its reader's
    # language, a renamed one exactly as written. Defaults already named otherwise than their
    # English name were renamed before this column existed.
    """
    ALTER TABLE attendance_statuses ADD COLUMN renamed INTEGER NOT NULL DEFAULT 0;
    UPDATE attendance_statuses SET renamed = 1 WHERE builtin = 1 AND NOT (
        (id = 1 AND name = 'Check In') OR (id = 2 AND name = 'Check Out')
        OR (id = 3 AND name = 'Meal Break') OR (id = 4 AND name = 'Short Break')
    )
    """,
]


async def migrate(db: Database) -> None:
    await db.migrate(NAMESPACE, MIGRATIONS)
