"""Each agent's own Desk connection (SPEC D5): actions from cards run as the agent who clicked.

Connect: the agent opens Accounts' authorize URL with a signed `state` naming them (their
e-mail; 10 minutes, single-use); Accounts sends them back to `/oauth/callback` with a code,
which we trade for tokens. The Zoho account that consented must be that agent's (its e-mail is
read from Desk with the new token); only then is the refresh token kept, sealed (encrypted with
`DESKBOT_TOKEN_KEY`). Disconnect deletes it. A client per connected agent is
made on demand and shares the process's one Desk HTTP session.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from datetime import timedelta
from urllib.parse import urlencode

from bot.clock import Clock
from bot.identity.secrets import StateError, StateSigner, TokenBox
from bot.store.db import Database
from bot.store.links import Links
from bot.store.seen import SeenCredentials

log = logging.getLogger(__name__)

DESK_SCOPES = (
    "Desk.tickets.ALL,Desk.search.READ,Desk.basic.READ,Desk.settings.READ,Desk.contacts.READ"
)

CONNECT_PURPOSE = "desk-connect"
CONNECT_LIFETIME = timedelta(minutes=10)

MIGRATIONS = [
    """
    CREATE TABLE agent_connections (
        email TEXT PRIMARY KEY,
        sealed_refresh_token BLOB NOT NULL,
        connected_at TEXT NOT NULL
    )
    """
]


class NotConnected(Exception):
    """The agent has not connected their Desk account yet: show them the Connect card, whose
    link is `connect_url` (empty when the raiser could not make one)."""

    def __init__(self, email: str, connect_url: str = "") -> None:
        super().__init__(f"{email} has not connected Desk")
        self.email = email
        self.connect_url = connect_url


class AgentConnections:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        *,
        key: str,
        authorize_url: str,
        client_id: str,
        redirect_uri: str,
        links: Links,
    ) -> None:
        self._db = db
        self._links = links
        self._clock = clock
        self._box = TokenBox(key)
        self._states = StateSigner(key, clock)
        self._seen = SeenCredentials(db, clock)
        self._authorize_url = authorize_url
        self._client_id = client_id
        self.redirect_uri = redirect_uri
        self._listeners: list[Callable[[str], None]] = []

    async def setup(self) -> None:
        await self._db.migrate("connections", MIGRATIONS)
        await self._seen.setup()

    async def connect_url(self, email: str) -> str:
        """The Connect button's link, `<public_url>/oauth/connect?k=<token>`: the token stands
        for the agent server-side (bot.store.links), so the link has the same length for every
        agent and fits Cliq's 256 characters; it works for 10 minutes and leads on to Zoho's
        consent page with a fresh signed `state` (see `agent_for_link`, `state_for`)."""
        token = await self._links.issue(CONNECT_PURPOSE, email, {}, lifetime=CONNECT_LIFETIME)
        return f"{self.redirect_uri.rsplit('/', 1)[0]}/connect?k={token}"

    async def agent_for_link(self, token: str) -> str:
        """The agent a connect link was made for; LinkRefused when it is not a connect link of
        ours, or has expired."""
        return (await self._links.redeem(CONNECT_PURPOSE, token)).owner

    def state_for(self, email: str) -> str:
        """A new signed `state` naming `email` (10 minutes, single-use at the callback)."""
        return self._states.sign(email)

    def consent_url(self, state: str, *, consent: bool = True) -> str:
        """Zoho's authorize page for the agent named in `state` (StateError if it is not ours).

        `consent` asks Zoho to show its consent page again (`prompt=consent`), which mints a
        new refresh token: Zoho keeps 20 per user per client and silently deletes the oldest,
        so ask for it only when the agent has no working refresh token stored."""
        email = self._states.verify(state)
        query = {
            "response_type": "code",
            "client_id": self._client_id,
            "scope": DESK_SCOPES,
            "redirect_uri": self.redirect_uri,
            "access_type": "offline",
            "state": state,
            "login_hint": email,
        }
        if consent:
            query["prompt"] = "consent"
        return f"{self._authorize_url}?{urlencode(query)}"

    def email_for_state(self, state: str) -> str:
        """The agent a `state` was issued to (raises StateError when forged/expired)."""
        return self._states.verify(state)

    async def redeem_state(self, state: str) -> str:
        """The agent a callback's `state` was issued to, once: a state is single-use (10
        minutes at most), so a callback link cannot be replayed (StateError otherwise)."""
        email, expires = self._states.read(state)
        credential = f"oauth-state:{hashlib.sha256(state.encode()).hexdigest()}"
        if not await self._seen.first_use(credential, expires * 1000 + 1000):
            raise StateError("this connect link was already used: ask Deskbot for a new one")
        return email

    async def store(self, email: str, refresh_token: str) -> None:
        sealed = self._box.seal(refresh_token)
        async with self._db.transaction() as tx:
            await tx.execute(
                "INSERT INTO agent_connections (email, sealed_refresh_token, connected_at)"
                " VALUES (?, ?, ?) ON CONFLICT (email) DO UPDATE SET"
                " sealed_refresh_token = excluded.sealed_refresh_token,"
                " connected_at = excluded.connected_at",
                (email.casefold(), sealed, self._clock.now().isoformat()),
            )
        self._changed(email)

    async def refresh_token(self, email: str) -> str | None:
        """The agent's refresh token, or None when they have none usable: never connected, or
        sealed under another `DESKBOT_TOKEN_KEY` (the key was changed), in which case it is
        forgotten (logged once) and the agent is asked to connect again."""
        row = await self._db.fetchone(
            "SELECT sealed_refresh_token FROM agent_connections WHERE email = ?",
            (email.casefold(),),
        )
        if row is None:
            return None
        try:
            return self._box.open(row["sealed_refresh_token"])
        except ValueError:
            log.warning(
                "a stored Desk connection does not open with DESKBOT_TOKEN_KEY (was the key"
                " changed?): forgotten; that agent is asked to connect again"
            )
            await self.disconnect(email)
            return None

    async def disconnect(self, email: str) -> bool:
        async with self._db.transaction() as tx:
            removed = (
                await tx.execute(
                    "DELETE FROM agent_connections WHERE email = ?", (email.casefold(),)
                )
                > 0
            )
        self._changed(email)
        return removed

    def on_change(self, listener: Callable[[str], None]) -> None:
        """Tell `listener` (e.g. a cache of per-agent clients) when an agent's token changes."""
        self._listeners.append(listener)

    def _changed(self, email: str) -> None:
        for listener in self._listeners:
            listener(email.casefold())
