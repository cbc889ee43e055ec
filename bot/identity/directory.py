"""Cliq users ↔ Desk agents, matched by e-mail (SPEC D5, X4).

The whole agent list is read with the org's Desk client and kept for `ttl`; a lookup that misses
refreshes it once (a new hire should not wait half an hour), single-flight however many calls
wait at the same moment. When Desk cannot be read (down, or our own token refused), the agents
already known stay known, and Desk is asked again at most once a minute (bot.desk.last_known,
the rule the org's departments and statuses follow too); only a person never seen raises the
DeskError.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal, Protocol

from attendance.access import AccessPolicy
from bot.clock import Clock
from bot.desk.last_known import LastKnown
from bot.desk.people import Agent

Role = Literal["admin", "agent", "light"]


class AgentSource(Protocol):
    async def agents(self, *, limit: int | None = None) -> list[Agent]: ...


class AgentReader(Protocol):
    async def agent(self, agent_id: str) -> Agent: ...


def role_of(agent: Agent) -> Role:
    """Desk's `rolePermissionType` (Admin, Standard, Light, …) reduced to what Deskbot checks."""
    kind = (agent.role_permission_type or "").casefold()
    if "admin" in kind:
        return "admin"
    if "light" in kind:
        return "light"
    return "agent"


async def admin_now(desk: AgentReader, agent: Agent) -> tuple[Agent, bool]:
    """Deskbot's one admin rule (README "Who is an admin"), for the chat and the console alike:
    `agent` read again from Desk on this call (so a demotion or deactivation counts at once),
    and whether they are now an active agent whose role is an administrator's. Cliq's own admin
    flag never counts. Desk's DeskError propagates (the caller names the cause)."""
    fresh = await desk.agent(agent.id)
    active = (fresh.status or "ACTIVE").upper() == "ACTIVE"
    return fresh, active and role_of(fresh) == "admin"


class AgentDirectory:
    def __init__(
        self, source: AgentSource, clock: Clock, ttl: timedelta = timedelta(minutes=30)
    ) -> None:
        self._clock = clock
        self._agents = LastKnown(lambda: source.agents(limit=None), clock, ttl=ttl, what="agents")
        self._by_email: dict[str, Agent] = {}
        self._by_id: dict[str, Agent] = {}
        self._by_zuid: dict[str, Agent] = {}
        self._indexed: datetime | None = None  # when the agents indexed were read
        self.refreshes = 0

    async def by_email(self, email: str) -> Agent | None:
        return await self._find("_by_email", email.strip().casefold())

    async def by_id(self, agent_id: str) -> Agent | None:
        return await self._find("_by_id", agent_id)

    async def by_zuid(self, zuid: str) -> Agent | None:
        return await self._find("_by_zuid", zuid)

    async def all(self) -> list[Agent]:
        await self._load()
        return list(self._by_id.values())

    async def email_of(self, agent_id: str | None) -> str | None:
        agent = await self.by_id(agent_id) if agent_id else None
        return agent.email_id if agent else None

    async def _find(self, index: str, key: str) -> Agent | None:
        """Look `key` up in the index named `index` (the indexes are replaced on refresh)."""
        await self._load()
        found: Agent | None = getattr(self, index).get(key)
        if found is None and not self._just_loaded():
            await self._load(fresh=True)
            found = getattr(self, index).get(key)
        return found

    def _just_loaded(self) -> bool:
        """A miss right after a load is a real miss: don't hammer Desk for unknown people."""
        read_at = self._agents.read_at
        return read_at is not None and self._clock.now() - read_at < timedelta(minutes=1)

    async def _load(self, *, fresh: bool = False) -> None:
        agents = await self._agents.get(fresh=fresh)
        if self._agents.read_at == self._indexed:
            return
        self._by_email = {a.email_id.casefold(): a for a in agents if a.email_id}
        self._by_id = {a.id: a for a in agents}
        self._by_zuid = {a.zuid: a for a in agents if a.zuid}
        self._indexed = self._agents.read_at
        self.refreshes += 1


async def attendance_agents(directory: AgentDirectory, policy: AccessPolicy) -> dict[str, str]:
    """E-mail → name of every active Desk agent whom `policy` (`[attendance]` in bot.toml)
    lets use attendance: the agents of the admin's board, in chat and in the console."""
    found: dict[str, str] = {}
    for agent in await directory.all():
        if not agent.email_id or (agent.status or "ACTIVE").upper() != "ACTIVE":
            continue
        if policy.decide(role_of(agent), agent.associated_department_ids).may_use:
            found[agent.email_id] = agent.display_name
    return found
