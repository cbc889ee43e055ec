"""Deskbot's context: the framework's Context plus the caller's Desk agent and the services."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.context import Context
from bot.desk.client import DeskClient
from bot.desk.errors import DeskError
from bot.desk.people import Agent
from bot.identity.connections import NotConnected
from bot.identity.directory import Role, role_of

if TYPE_CHECKING:
    from bot.services import Services


@dataclass
class DeskContext(Context):
    services: Services | None = None
    agent: Agent | None = None
    desk_problem: DeskError | None = None  # why `agent` could not be looked up, if it could not
    _own_desk: DeskClient | None = field(default=None, repr=False)

    @property
    def svc(self) -> Services:
        if self.services is None:
            raise RuntimeError("Deskbot listeners need the app's services")
        return self.services

    @property
    def role(self) -> Role | None:
        return role_of(self.agent) if self.agent else None

    async def caller_is_admin(self) -> bool:
        """Deskbot's one admin rule (README "Who is an admin"): the caller is an active Desk
        agent whose role, read from Desk on this call, is an administrator's. Cliq's own admin
        flag does not count. A caller Desk could not be asked about raises that DeskError, so
        the answer names the cause rather than refusing."""
        if self.agent is None:
            if self.desk_problem is not None:
                raise self.desk_problem
            return False
        self.agent = await self.desk.agent(self.agent.id)  # fresh: a demotion counts at once
        return (self.agent.status or "ACTIVE").upper() == "ACTIVE" and role_of(
            self.agent
        ) == "admin"

    @property
    def desk(self) -> DeskClient:
        """The org's Desk client: for reads."""
        return self.svc.desk

    async def desk_as_me(self) -> DeskClient:
        """A Desk client acting as the caller, for changes (SPEC D5); NotConnected if they have
        not connected their Desk account yet."""
        if self._own_desk is None:
            refresh = await self.svc.connections.refresh_token(self.user.email)
            if refresh is None:
                connect_url = self.svc.connections.connect_url(self.user.email)
                raise NotConnected(self.user.email, connect_url)
            self._own_desk = self.svc.desk_as(refresh, self.user.email)
        return self._own_desk

    async def post(
        self, target_kind: str, target: str, payload: dict[str, Any], *, dedupe_key: str
    ) -> bool:
        """Queue a post in the outbox (DESIGN §3): stored now, delivered by the sender."""
        return await self.svc.post(target_kind, target, payload, dedupe_key=dedupe_key)

    async def names(self) -> dict[str, str]:
        """Agent and department ids → names, for cards."""
        return await self.svc.names()
