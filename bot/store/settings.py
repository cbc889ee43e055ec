"""The admin's choices (SPEC D1-D4, X6): department → channel map, disabled departments, switches
per notification kind for channels and DMs, each department channel's language, and the Desk
webhook this install created."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from bot.notify.kinds import Kind
from bot.notify.rules import RuleSettings
from bot.store.db import Database, parse_stamp, stamp

MIGRATIONS = [
    """
    CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE channel_map (department_id TEXT PRIMARY KEY, channel TEXT NOT NULL)
    """,
    # When the department was mapped (a remap to another channel keeps it): its channel owes
    # no digest for a day before that. Mappings from before have none.
    "ALTER TABLE channel_map ADD COLUMN since TEXT",
]


class Settings:
    def __init__(self, db: Database, *, org_channel: str, dm_owner: bool) -> None:
        self._db = db
        self._org_channel = org_channel
        self._dm_owner = dm_owner

    async def setup(self) -> None:
        await self._db.migrate("settings", MIGRATIONS)

    async def get(self, key: str, default: Any = None) -> Any:
        row = await self._db.fetchone("SELECT value FROM settings WHERE key = ?", (key,))
        return json.loads(row["value"]) if row else default

    async def put(self, key: str, value: Any) -> None:
        await self._db.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, json.dumps(value)),
        )

    async def map_department(self, department_id: str, channel: str, *, at: datetime) -> None:
        """Post the department's notifications and digests to `channel` from `at` on (kept
        when the department was mapped already, to this channel or another)."""
        await self._db.execute(
            "INSERT INTO channel_map (department_id, channel, since) VALUES (?, ?, ?)"
            " ON CONFLICT (department_id) DO UPDATE SET channel = excluded.channel",
            (department_id, channel, stamp(at)),
        )
        disabled = set(await self.get("disabled_departments", []))
        disabled.discard(department_id)
        await self.put("disabled_departments", sorted(disabled))

    async def unmap_department(self, department_id: str, *, disable: bool = False) -> None:
        """Remove the mapping; `disable` also stops the department's posts (SPEC D1)."""
        await self._db.execute("DELETE FROM channel_map WHERE department_id = ?", (department_id,))
        if disable:
            disabled = set(await self.get("disabled_departments", []))
            await self.put("disabled_departments", sorted(disabled | {department_id}))

    async def mapped_since(self) -> dict[str, datetime | None]:
        """Each mapped department → when it was mapped (None: mapped before this was kept)."""
        rows = await self._db.fetchall("SELECT department_id, since FROM channel_map")
        return {r["department_id"]: parse_stamp(r["since"]) if r["since"] else None for r in rows}

    async def channel_map(self) -> dict[str, str]:
        rows = await self._db.fetchall("SELECT department_id, channel FROM channel_map")
        return {r["department_id"]: r["channel"] for r in rows}

    async def place_languages(self) -> dict[str, str]:
        """Each department → the language an admin chose for its channel's posts and digests
        (`/deskbot language`); departments not listed read bot.toml's."""
        return {str(k): str(v) for k, v in (await self.get("place_languages", {})).items()}

    async def choose_place_language(self, department_id: str, language: str | None) -> None:
        """Post `department_id`'s notices and digests in `language` (a supported language code,
        checked by the caller); None forgets the admin's choice (bot.toml's again)."""
        chosen = await self.place_languages()
        if language is None:
            chosen.pop(department_id, None)
        else:
            chosen[department_id] = language
        await self.put("place_languages", chosen)

    async def switch(self, kind: Kind, *, where: str, on: bool) -> None:
        """`where` is "channel" or "dm"."""
        switches = await self.get(f"{where}_switches", {})
        switches[kind.value] = on
        await self.put(f"{where}_switches", switches)

    async def rules(self) -> RuleSettings:
        channel = await self.get("channel_switches", {})
        dm = await self.get("dm_switches", {})
        return RuleSettings(
            org_channel=self._org_channel,
            channel_map=await self.channel_map(),
            disabled_departments=frozenset(await self.get("disabled_departments", [])),
            channel_on={Kind(k): bool(v) for k, v in channel.items()},
            dm_on={Kind(k): bool(v) for k, v in dm.items()},
            dm_owner=bool(await self.get("dm_owner", self._dm_owner)),
        )
