"""Short links: every URL the bot puts on a Cliq button is `<public_url>/<path>?k=<token>`.

Cliq takes at most 256 characters in a button URL (reference/cliq.md §1.6), so nothing that
varies (an e-mail, a zone, a list of agents, a period) may travel in the URL. What the link
means is stored here instead, under a random token, and the URL only carries the token:

- **short and fixed-size**: the token is 24 URL-safe characters (144 random bits), whatever
  the link does, so a link's length depends only on `public_url` and its path;
- **unguessable**: only the SHA-256 of the token is stored, so even a copy of the database does
  not hold a working link;
- **expiring**: each link has its own lifetime, judged on the injected clock;
- **single-purpose**: a link is issued for one `purpose` and redeemed only for that purpose (an
  export link does not open a Desk connection, nor the other way round).

Expired links are deleted as new ones are issued, so the table stays small.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from bot.clock import Clock
from bot.store.db import Database

MIGRATIONS = [
    """
    CREATE TABLE links (
        digest TEXT PRIMARY KEY,
        purpose TEXT NOT NULL,
        owner TEXT NOT NULL,
        payload TEXT NOT NULL,
        expires_ms BIGINT NOT NULL
    );
    CREATE INDEX links_expires ON links (expires_ms)
    """,
]

TOKEN_BYTES = 18  # 24 characters in base64url, no padding
TOKEN_LENGTH = 24


class LinkRefused(Exception):
    """A token that is not (or no longer) a link for this purpose.

    `kind` says which, for a page to explain in its reader's words: `forged` (not shaped like
    any token this module makes: never ours), `unknown` (shaped like ours but not stored: it
    expired and was deleted, or never was; the two cannot be told apart, since only digests are
    stored), `expired` (stored, past its time), `elsewhere` (ours, made for another purpose).
    `reason` is the English fit to show; `owner` the e-mail of the person the link was made
    for, where the store still knows it (`expired`, `elsewhere`), else None."""

    def __init__(self, kind: str, reason: str, owner: str | None = None) -> None:
        super().__init__(reason)
        self.kind, self.reason, self.owner = kind, reason, owner


FORGED = "this link was not made by this bot"
UNKNOWN = "this link is not valid or has expired; ask the bot for a new one"
EXPIRED = "this link has expired; ask the bot for a new one"
ELSEWHERE = "this link is not for this page; ask the bot for a new one"
TOKEN_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
"""base64url without padding (RFC 4648 §5): what `secrets.token_urlsafe` writes."""


@dataclass(frozen=True, slots=True)
class Link:
    purpose: str
    owner: str  # the e-mail of the person the link was made for
    payload: dict[str, Any]


class Links:
    """Issue and redeem short links (one table, namespace `links`)."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    async def setup(self) -> None:
        await self._db.migrate("links", MIGRATIONS)

    async def issue(
        self, purpose: str, owner: str, payload: dict[str, Any], *, lifetime: timedelta
    ) -> str:
        """Store what a link means; return its token (always `TOKEN_LENGTH` characters)."""
        token = secrets.token_urlsafe(TOKEN_BYTES)
        now = self._now_ms()
        async with self._db.transaction() as tx:
            await tx.execute("DELETE FROM links WHERE expires_ms < ?", (now,))
            await tx.execute(
                "INSERT INTO links (digest, purpose, owner, payload, expires_ms)"
                " VALUES (?, ?, ?, ?, ?)",
                (
                    _digest(token),
                    purpose,
                    owner,
                    json.dumps(payload, separators=(",", ":")),
                    now + lifetime // timedelta(milliseconds=1),
                ),
            )
        return token

    async def redeem(self, purpose: str, token: str) -> Link:
        """What the link `token` was issued for; LinkRefused (its `kind` says why) when it is not
        a link of ours for `purpose`, or has expired. Any text is judged (empty, non-ASCII,
        oversize included): only a token of `TOKEN_LENGTH` base64url characters is looked up."""
        if len(token) != TOKEN_LENGTH or not TOKEN_ALPHABET.issuperset(token):
            raise LinkRefused("forged", FORGED)
        row = await self._db.fetchone(
            "SELECT purpose, owner, payload, expires_ms FROM links WHERE digest = ?",
            (_digest(token),),
        )
        if row is None:
            raise LinkRefused("unknown", UNKNOWN)
        if row["purpose"] != purpose:
            raise LinkRefused("elsewhere", ELSEWHERE, row["owner"])
        if row["expires_ms"] < self._now_ms():
            raise LinkRefused("expired", EXPIRED, row["owner"])
        return Link(row["purpose"], row["owner"], json.loads(row["payload"]))

    def _now_ms(self) -> int:
        return int(self._clock.now().timestamp() * 1000)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
