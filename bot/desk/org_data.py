"""The org's slow-changing Desk data for cards and rules: departments, ticket statuses, and the
id → name table (agents from bot.identity.directory, departments from here).

Each list is read with the org's Desk client at most every `ORG_DATA_TTL` and kept while Desk
cannot be read (bot.desk.last_known: asked again once a minute; only a list never read raises).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Protocol

from bot.clock import Clock
from bot.desk.last_known import LastKnown
from bot.desk.people import Department
from bot.desk.tickets import TicketStatus
from bot.identity.directory import AgentDirectory

ORG_DATA_TTL = timedelta(minutes=30)
"""How long the org's departments and ticket statuses are used before Desk is read again."""


class OrgSource(Protocol):
    """What is read of Desk here (bot.desk.client.DeskClient is one)."""

    async def departments(self) -> list[Department]: ...

    async def ticket_statuses(self) -> list[TicketStatus]: ...


class OrgData:
    """Departments, ticket statuses and names, read through `desk` and kept (see the module)."""

    def __init__(self, desk: OrgSource, directory: AgentDirectory, clock: Clock) -> None:
        self._directory = directory
        self._departments = LastKnown(desk.departments, clock, ttl=ORG_DATA_TTL, what="departments")
        self._statuses = LastKnown(
            desk.ticket_statuses, clock, ttl=ORG_DATA_TTL, what="ticket statuses"
        )

    async def names(self) -> dict[str, str]:
        """Agent and department ids → display names, for cards. DeskError only when Desk has
        never been read."""
        found = {a.id: a.display_name for a in await self._directory.all()}
        found.update({d.id: d.name or d.id for d in await self.departments()})
        return found

    async def departments(self) -> list[Department]:
        """The org's departments, read at most every 30 minutes (kept while Desk is down)."""
        return await self._departments.get()

    async def statuses(self, *, fresh: bool = False) -> list[TicketStatus]:
        """The portal's ticket statuses with their `statusType` (`/organizationFields`), read
        at most every 30 minutes (kept while Desk is down); `fresh` re-reads when a name is not
        among those known, and raises the DeskError if that read fails."""
        return await self._statuses.get(fresh=fresh)
