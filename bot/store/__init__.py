"""The store: one interface (`db.Database`), two engines (SQLite by default, PostgreSQL for
several processes), numbered migrations per owner."""

from bot.store.db import Database, Migration, Tx

__all__ = ["Database", "Migration", "Tx"]
