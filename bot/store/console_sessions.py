"""The web console's sessions, kept in the store so that any process sharing it serves any
request of a signed-in person (README "Web console").

Two kinds of row, each found by the SHA-256 of a random token that only the browser holds (in
an HttpOnly cookie), so a copy of the database holds no working session:

- **login**: a sign-in under way with Zoho, 10 minutes, used once at the OAuth callback; it
  remembers which console page to go back to;
- **session**: a signed-in person (their e-mail, as Zoho Accounts said it) with the CSRF token
  every form of theirs carries. It ends at sign-out, after `IDLE` without a request, or
  `LIFETIME` after sign-in, whichever comes first, judged on the injected clock.

Expired rows are deleted as new ones are written, so the table stays small.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.clock import Clock, epoch_ms
from bot.store.db import Database

MIGRATIONS = [
    """
    CREATE TABLE console_sessions (
        digest TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        email TEXT NOT NULL,
        csrf TEXT NOT NULL,
        next_path TEXT NOT NULL,
        created_ms BIGINT NOT NULL,
        seen_ms BIGINT NOT NULL,
        expires_ms BIGINT NOT NULL
    );
    CREATE INDEX console_sessions_expires ON console_sessions (expires_ms)
    """,
]

LOGIN_LIFETIME = timedelta(minutes=10)
IDLE = timedelta(hours=8)  # a session unused this long ends
LIFETIME = timedelta(days=7)  # and none outlives this, however often used
SEEN_EVERY = timedelta(minutes=1)  # how stale `seen` may get before a request rewrites it
TOKEN_BYTES = 32  # 43 characters in base64url
MAX_TOKEN = 64  # a longer cookie is not ours: refused before hashing


class LoginRefused(Exception):
    """The sign-in under way is unknown, used or expired; `reason` is fit to show."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class ConsoleSession:
    """A signed-in person: `email` as Zoho Accounts gave it, `csrf` the token their forms carry,
    `ends` when the session ends if unused (idle or absolute limit, whichever is sooner)."""

    email: str
    csrf: str
    ends: datetime


class ConsoleSessions:
    """Sign-ins under way and signed-in sessions (one table, namespace `console_sessions`)."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    async def setup(self) -> None:
        await self._db.migrate("console_sessions", MIGRATIONS)

    async def start_login(self, next_path: str) -> str:
        """A new sign-in under way that returns to `next_path`; its token (the cookie's value
        and the OAuth `state`)."""
        return await self._insert("login", "", next_path, LOGIN_LIFETIME)

    async def finish_login(self, token: str) -> str:
        """Use up the sign-in `token`; the console path it returns to. LoginRefused when it is
        unknown, already used or expired."""
        if not _ours(token):
            raise LoginRefused("this sign-in was not started here: sign in again")
        now = self._now_ms()
        async with self._db.transaction() as tx:
            row = await tx.fetchone(
                "SELECT next_path, expires_ms FROM console_sessions"
                " WHERE digest = ? AND kind = 'login'",
                (_digest(token),),
            )
            gone = await tx.execute(
                "DELETE FROM console_sessions WHERE digest = ? AND kind = 'login'",
                (_digest(token),),
            )
        if row is None or gone == 0:
            raise LoginRefused("this sign-in was already used or not started here: sign in again")
        if row["expires_ms"] < now:
            raise LoginRefused("this sign-in took too long: sign in again")
        return str(row["next_path"])

    async def open(self, email: str) -> tuple[str, ConsoleSession]:
        """A new session for `email`: its token (for the cookie) and the session."""
        csrf = secrets.token_urlsafe(TOKEN_BYTES)
        token = await self._insert("session", email, "", LIFETIME, csrf=csrf)
        found = await self.get(token)
        assert found is not None  # just written
        return token, found

    async def get(self, token: str) -> ConsoleSession | None:
        """The live session of `token`, or None (unknown, signed out, idle too long, or past
        its lifetime). A request more than `SEEN_EVERY` after the last one keeps it alive."""
        if not _ours(token):
            return None
        row = await self._db.fetchone(
            "SELECT email, csrf, seen_ms, expires_ms FROM console_sessions"
            " WHERE digest = ? AND kind = 'session'",
            (_digest(token),),
        )
        now = self._now_ms()
        if row is None or now >= min(row["expires_ms"], row["seen_ms"] + _ms(IDLE)):
            return None
        seen = int(row["seen_ms"])
        if now - seen >= _ms(SEEN_EVERY):
            await self._db.execute(
                "UPDATE console_sessions SET seen_ms = ? WHERE digest = ?", (now, _digest(token))
            )
            seen = now
        ends = min(int(row["expires_ms"]), seen + _ms(IDLE))
        return ConsoleSession(str(row["email"]), str(row["csrf"]), _at(ends))

    async def close(self, token: str) -> None:
        """Sign out: the session of `token` ends now (nothing happens for an unknown one)."""
        if _ours(token):
            await self._db.execute(
                "DELETE FROM console_sessions WHERE digest = ? AND kind = 'session'",
                (_digest(token),),
            )

    async def _insert(
        self, kind: str, email: str, next_path: str, lifetime: timedelta, *, csrf: str = ""
    ) -> str:
        token = secrets.token_urlsafe(TOKEN_BYTES)
        now = self._now_ms()
        async with self._db.transaction() as tx:
            await tx.execute(
                "DELETE FROM console_sessions WHERE expires_ms < ? OR seen_ms < ?",
                (now, now - _ms(IDLE)),
            )
            await tx.execute(
                "INSERT INTO console_sessions (digest, kind, email, csrf, next_path,"
                " created_ms, seen_ms, expires_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (_digest(token), kind, email, csrf, next_path, now, now, now + _ms(lifetime)),
            )
        return token

    def _now_ms(self) -> int:
        return epoch_ms(self._clock.now())


def _ours(token: str) -> bool:
    return bool(token) and len(token) <= MAX_TOKEN and token.isascii()


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _ms(delta: timedelta) -> int:
    return delta // timedelta(milliseconds=1)


def _at(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, UTC)
