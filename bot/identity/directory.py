"""Cliq users ↔ Desk agents, matched by e-mail (SPEC D5, X4).

The whole agent list is read with the org's Desk client and kept for `ttl`; a lookup that misses
refreshes it once (a new hire should not wait half an hour), single-flight however many calls
wait at the same moment. When Desk cannot be read (down, or our own token refused), the agents
already known stay known, and Desk is asked again at most once a minute; only a person never
seen raises the DeskError.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta
from typing import Literal, Protocol

from bot.clock import Clock
from bot.desk.errors import DeskError
from bot.desk.people import Agent

log = logging.getLogger(__name__)
RETRY = timedelta(minutes=1)

Role = Literal["admin", "agent", "light"]


class AgentSource(Protocol):
    async def agents(self, *, limit: int | None = None) -> list[Agent]: ...


def role_of(agent: Agent) -> Role:
    """Desk's `rolePermissionType` (Admin, Standard, Light, …) reduced to what Deskbot checks."""
    kind = (agent.role_permission_type or "").casefold()
    if "admin" in kind:
        return "admin"
    if "light" in kind:
        return "light"
    return "agent"


class AgentDirectory:
    def __init__(
        self, source: AgentSource, clock: Clock, ttl: timedelta = timedelta(minutes=30)
    ) -> None:
        self._source = source
        self._clock = clock
        self._ttl = ttl
        self._by_email: dict[str, Agent] = {}
        self._by_id: dict[str, Agent] = {}
        self._by_zuid: dict[str, Agent] = {}
        self._loaded_at: datetime | None = None
        self._failed_at: datetime | None = None
        self._lock = asyncio.Lock()
        self.refreshes = 0

    async def by_email(self, email: str) -> Agent | None:
        return await self._find("_by_email", email.strip().casefold())

    async def by_id(self, agent_id: str) -> Agent | None:
        return await self._find("_by_id", agent_id)

    async def by_zuid(self, zuid: str) -> Agent | None:
        return await self._find("_by_zuid", zuid)

    async def all(self) -> list[Agent]:
        if self._stale():
            await self._refresh(force=False)
        return list(self._by_id.values())

    async def email_of(self, agent_id: str | None) -> str | None:
        agent = await self.by_id(agent_id) if agent_id else None
        return agent.email_id if agent else None

    async def _find(self, index: str, key: str) -> Agent | None:
        """Look `key` up in the index named `index` (the indexes are replaced on refresh)."""
        if self._stale():
            await self._refresh(force=False)
        found: Agent | None = getattr(self, index).get(key)
        if found is None and not self._just_loaded():
            await self._refresh(force=True)
            found = getattr(self, index).get(key)
        return found

    def _stale(self) -> bool:
        now = self._clock.now()
        if self._failed_at is not None and now - self._failed_at < RETRY:
            return self._loaded_at is None  # Desk just failed: keep what we know a while
        return self._loaded_at is None or now - self._loaded_at >= self._ttl

    def _just_loaded(self) -> bool:
        """A miss right after a load is a real miss: don't hammer Desk for unknown people."""
        return self._loaded_at is not None and self._clock.now() - self._loaded_at < timedelta(
            minutes=1
        )

    async def _refresh(self, *, force: bool) -> None:
        loaded_before = self._loaded_at
        async with self._lock:
            if self._loaded_at != loaded_before:
                return  # another caller refreshed while we waited
            if not force and not self._stale():
                return
            try:
                agents = await self._source.agents(limit=None)
            except DeskError as error:
                self._failed_at = self._clock.now()
                if force or self._loaded_at is None:
                    raise
                log.warning("agents not re-read, keeping the %d known: %s", len(self._by_id), error)
                return
            self._failed_at = None
            self._by_email = {a.email_id.casefold(): a for a in agents if a.email_id}
            self._by_id = {a.id: a for a in agents}
            self._by_zuid = {a.zuid: a for a in agents if a.zuid}
            self._loaded_at = self._clock.now()
            self.refreshes += 1
