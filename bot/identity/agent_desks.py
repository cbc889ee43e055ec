"""Desk clients acting as one agent each (SPEC D5): changes are made in the agent's name with
their own refresh token, never with the org's.

A client is kept per agent so its access token is reused (a new one costs a token refresh, of
which Zoho allows 10 per 10 minutes); at most `MAX_AGENT_CLIENTS` are kept, the least recently
used dropped first. An agent's client is dropped when their connection changes.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable

from bot.desk.client import DeskClient
from bot.desk.transport import TokenSource
from bot.identity.connections import AgentConnections
from bot.oauth import FixedToken, OAuthError

MAX_AGENT_CLIENTS = 256
"""Per-agent Desk clients kept (least recently used dropped first: it costs one token refresh)."""

DeskClientFor = Callable[[TokenSource], DeskClient]
"""Builds a Desk client (the org's portal, session and concurrency cap) with these tokens."""
TokensFor = Callable[[str], TokenSource]
"""Builds the token source of a refresh token (bot.oauth.TokenManager)."""


class AgentDesks:
    def __init__(
        self, connections: AgentConnections, client_for: DeskClientFor, tokens_for: TokensFor
    ) -> None:
        self._connections = connections
        self._client_for = client_for
        self._tokens_for = tokens_for
        self._clients: OrderedDict[str, DeskClient] = OrderedDict()
        connections.on_change(self._forget)

    def _forget(self, email: str) -> None:
        """The agent's connection changed: their next client uses the new token."""
        self._clients.pop(email, None)

    def for_agent(self, refresh_token: str, email: str = "") -> DeskClient:
        """A Desk client acting as the agent whose refresh token this is, kept per agent
        (by e-mail, else by token)."""
        key = email.casefold() or refresh_token
        client = self._clients.pop(key, None) or self._client_for(self._tokens_for(refresh_token))
        self._clients[key] = client  # the most recently used last
        while len(self._clients) > MAX_AGENT_CLIENTS:
            self._clients.popitem(last=False)
        return client

    async def token_works(self, email: str) -> bool:
        """Whether the agent has a stored refresh token that Zoho still accepts (an access
        token is minted with it, or the cached one reused)."""
        refresh = await self._connections.refresh_token(email)
        if refresh is None:
            return False
        try:
            await self.for_agent(refresh, email).http.tokens.token()
        except OAuthError:
            return False
        return True

    async def email_of(self, access_token: str) -> str | None:
        """The e-mail of the Desk agent an access token acts as (`GET /myinfo`): who consented
        in an OAuth code exchange. DeskError or OAuthError when Desk refuses the token."""
        return (await self._client_for(FixedToken(access_token)).myinfo()).email
