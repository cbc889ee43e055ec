"""The database: one SQLite file (aiosqlite, WAL), numbered migrations per owner."""

from bot.store.db import Database, Migration

__all__ = ["Database", "Migration"]
