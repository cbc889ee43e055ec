"""Answers kept for "Post here" (SPEC D8): a command's answer is shown to its caller alone; the
button posts the same content to the chat later, so the content waits here under a short id
(Cliq button keys hold at most 100 characters, far less than a card).

A kept answer also backs one-shot buttons (a confirmation such as "Apply anyway", a purge): such
a button `claim`s its answer before acting, atomically, so a second click (or a second process
handling a retried call) finds it used and acts no more; `release` gives it back when the action
failed before changing anything."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from bot.clock import Clock
from bot.store.db import Database

MIGRATIONS = [
    """
    CREATE TABLE answers (
        id TEXT PRIMARY KEY,
        owner TEXT NOT NULL,
        chat_id TEXT NOT NULL,
        payload TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE INDEX answers_created ON answers (created_at)
    """,
    # A one-shot button's answer is claimed once (its time here) before the button acts.
    "ALTER TABLE answers ADD COLUMN used_at TEXT",
]

KEEP = timedelta(days=7)


@dataclass(frozen=True)
class KeptAnswer:
    id: str
    owner: str
    chat_id: str
    payload: dict[str, Any]


class AlreadyUsed(Exception):
    """A one-shot answer that was already claimed (its button already acted)."""


class Answers:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    async def setup(self) -> None:
        await self._db.migrate("answers", MIGRATIONS)

    async def keep(self, owner: str, chat_id: str, payload: dict[str, Any]) -> str:
        """Store an answer; the returned id goes into the Post here button's key."""
        answer_id = secrets.token_urlsafe(9)
        now = self._clock.now()
        async with self._db.transaction() as tx:
            await tx.execute(
                "DELETE FROM answers WHERE created_at < ?", ((now - KEEP).isoformat(),)
            )
            await tx.execute(
                "INSERT INTO answers (id, owner, chat_id, payload, created_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (answer_id, owner, chat_id, json.dumps(payload), now.isoformat()),
            )
        return answer_id

    async def get(self, answer_id: str) -> KeptAnswer | None:
        row = await self._db.fetchone(
            "SELECT id, owner, chat_id, payload FROM answers WHERE id = ?", (answer_id,)
        )
        if row is None:
            return None
        return KeptAnswer(row["id"], row["owner"], row["chat_id"], json.loads(row["payload"]))

    async def claim(self, answer_id: str, owner: str) -> KeptAnswer | None:
        """Take a one-shot answer of `owner` (e-mail, compared case-blind) for acting on it:
        the answer, once; None if there is no such answer of theirs (expired, or someone
        else's). Raises AlreadyUsed if it was claimed before (one UPDATE: of two clicks, in one
        process or several on the same file, exactly one claims it)."""
        kept = await self.get(answer_id)
        if kept is None or kept.owner.casefold() != owner.casefold():
            return None
        async with self._db.transaction() as tx:
            claimed = (
                await tx.execute(
                    "UPDATE answers SET used_at = ? WHERE id = ? AND used_at IS NULL",
                    (self._clock.now().isoformat(), answer_id),
                )
                == 1
            )
        if not claimed:
            raise AlreadyUsed(answer_id)
        return kept

    async def release(self, answer_id: str) -> None:
        """Give back a claim whose action failed before changing anything, so the button works
        again."""
        await self._db.execute("UPDATE answers SET used_at = NULL WHERE id = ?", (answer_id,))
