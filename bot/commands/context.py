"""Deskbot's context: the framework's Context plus the caller's Desk agent, and named
capabilities over the app's parts (bot.parts) for listeners: `desk`, `desk_as_me()`, `post()`,
`names()`, `departments()`, `statuses()`, `directory`, `connections`, `kept`, `attendance`,
`export_links`, `settings`, `cliq`, `outbox`, `sender` and `config`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeVar

from aiohttp import web

from attendance.service import AttendanceService
from bot.cliq.client import CliqClient
from bot.config import Config
from bot.context import Context
from bot.desk.client import DeskClient
from bot.desk.errors import DeskError
from bot.desk.people import Agent, Department
from bot.desk.tickets import TicketStatus
from bot.identity.connections import AgentConnections, NotConnected
from bot.identity.directory import AgentDirectory, Role, admin_now, role_of
from bot.identity.export_links import ExportLinks
from bot.parts import (
    AGENT_DESKS,
    ANSWERS,
    ATTENDANCE,
    CLIQ,
    CONFIG,
    CONNECTIONS,
    DESK,
    DIRECTORY,
    EXPORT_LINKS,
    ORG_DATA,
    OUTBOX,
    SCHEDULER,
    SENDER,
    SETTINGS,
)
from bot.store.answers import Answers
from bot.store.outbox import Outbox
from bot.store.settings import Settings
from bot.workers.digests import Digests
from bot.workers.sender import Sender

T = TypeVar("T")


@dataclass
class DeskContext(Context):
    """`parts` is the app holding Deskbot's parts (bot.app.open_parts); `agent` the caller's
    Desk agent (None if they are not one, or Desk could not be asked: then `desk_problem`)."""

    parts: web.Application | None = field(default=None, repr=False)
    agent: Agent | None = None
    desk_problem: DeskError | None = None  # why `agent` could not be looked up, if it could not
    _own_desk: DeskClient | None = field(default=None, repr=False)

    def _part(self, key: web.AppKey[T]) -> T:
        if self.parts is None:
            raise RuntimeError("Deskbot listeners need the app's parts (bot.app.open_parts)")
        return self.parts[key]

    @property
    def role(self) -> Role | None:
        return role_of(self.agent) if self.agent else None

    async def caller_is_admin(self) -> bool:
        """Deskbot's one admin rule (`bot.identity.directory.admin_now`, which the console
        applies too) for the caller. A caller Desk could not be asked about raises that
        DeskError, so the answer names the cause rather than refusing."""
        if self.agent is None:
            if self.desk_problem is not None:
                raise self.desk_problem
            return False
        self.agent, admin = await admin_now(self.desk, self.agent)
        return admin

    @property
    def desk(self) -> DeskClient:
        """The org's Desk client: for reads."""
        return self._part(DESK)

    async def desk_as_me(self) -> DeskClient:
        """A Desk client acting as the caller, for changes (SPEC D5); NotConnected if they have
        not connected their Desk account yet."""
        if self._own_desk is None:
            connections = self.connections
            refresh = await connections.refresh_token(self.user.email)
            if refresh is None:
                raise NotConnected(self.user.email, await connections.connect_url(self.user.email))
            self._own_desk = self._part(AGENT_DESKS).for_agent(refresh, self.user.email)
        return self._own_desk

    async def post(
        self, target_kind: str, target: str, payload: dict[str, Any], *, dedupe_key: str
    ) -> bool:
        """Queue a post in the outbox (DESIGN §3): stored now, delivered by the sender; False
        if a post with `dedupe_key` was already queued."""
        return await self.sender.queue(target_kind, target, payload, dedupe_key=dedupe_key)

    async def names(self) -> dict[str, str]:
        """Agent and department ids → names, for cards."""
        return await self._part(ORG_DATA).names()

    async def departments(self) -> list[Department]:
        """The org's departments (kept up to 30 minutes; see bot.desk.org_data)."""
        return await self._part(ORG_DATA).departments()

    async def statuses(self, *, fresh: bool = False) -> list[TicketStatus]:
        """The portal's ticket statuses; `fresh` re-reads them from Desk."""
        return await self._part(ORG_DATA).statuses(fresh=fresh)

    @property
    def directory(self) -> AgentDirectory:
        """Cliq users ↔ Desk agents, by e-mail."""
        return self._part(DIRECTORY)

    @property
    def connections(self) -> AgentConnections:
        """Agents' own Desk connections (sealed refresh tokens, connect links)."""
        return self._part(CONNECTIONS)

    @property
    def kept(self) -> Answers:
        """Kept button state: answers to post later, report parameters, confirmations."""
        return self._part(ANSWERS)

    @property
    def attendance(self) -> AttendanceService:
        """The attendance tracker."""
        return self._part(ATTENDANCE)

    @property
    def export_links(self) -> ExportLinks:
        """Short, expiring download links for attendance CSV."""
        return self._part(EXPORT_LINKS)

    @property
    def settings(self) -> Settings:
        """Deskbot's stored settings (channel map, notification rules, switches)."""
        return self._part(SETTINGS)

    @property
    def cliq(self) -> CliqClient:
        """Cliq's REST API as the bot (channels, membership)."""
        return self._part(CLIQ)

    @property
    def outbox(self) -> Outbox:
        """Posts waiting to be sent (find or revive one)."""
        return self._part(OUTBOX)

    @property
    def sender(self) -> Sender:
        """The worker that delivers the outbox (`send_now` for one post)."""
        return self._part(SENDER)

    @property
    def digests(self) -> Digests:
        """The daily digest: its places, and the card for one (SPEC D9)."""
        return self._part(SCHEDULER).digest

    @property
    def config(self) -> Config:
        """The deployment's configuration."""
        return self._part(CONFIG)
