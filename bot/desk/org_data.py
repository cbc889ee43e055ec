"""The org's slow-changing Desk data for cards and rules: departments, ticket statuses, and the
id → name table (agents from bot.identity.directory, departments from here).

Each list is read with the org's Desk client at most every `ORG_DATA_TTL`. While Desk cannot be
read (down, or our own token refused) the list known is kept and Desk asked again at most every
`RETRY` (the same rule as the agent directory); only a list never read raises the DeskError.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Protocol

from bot.clock import Clock
from bot.desk.errors import DeskError
from bot.desk.people import Department
from bot.desk.tickets import TicketStatus
from bot.identity.directory import RETRY, AgentDirectory

log = logging.getLogger(__name__)

ORG_DATA_TTL = timedelta(minutes=30)
"""How long the org's departments and ticket statuses are used before Desk is read again."""


class OrgSource(Protocol):
    """What is read of Desk here (bot.desk.client.DeskClient is one)."""

    async def departments(self) -> list[Department]: ...

    async def ticket_statuses(self) -> list[TicketStatus]: ...


class OrgData:
    """Departments, ticket statuses and names, read through `desk` and kept (see the module)."""

    def __init__(self, desk: OrgSource, directory: AgentDirectory, clock: Clock) -> None:
        self._desk = desk
        self._directory = directory
        self._clock = clock
        # (when to read again, what was read)
        self._departments: tuple[datetime, list[Department]] | None = None
        self._statuses: tuple[datetime, list[TicketStatus]] | None = None

    async def names(self) -> dict[str, str]:
        """Agent and department ids → display names, for cards. DeskError only when Desk has
        never been read."""
        found = {a.id: a.display_name for a in await self._directory.all()}
        found.update({d.id: d.name or d.id for d in await self.departments()})
        return found

    async def departments(self) -> list[Department]:
        """The org's departments, read at most every 30 minutes; while Desk cannot be read the
        ones known are kept, and Desk asked once a minute."""
        now = self._clock.now()
        if self._departments is None or now > self._departments[0]:
            try:
                self._departments = (now + ORG_DATA_TTL, await self._desk.departments())
            except DeskError as error:
                if self._departments is None:
                    raise
                log.warning("departments not re-read, keeping those known: %s", error)
                self._departments = (now + RETRY, self._departments[1])
        return self._departments[1]

    async def statuses(self, *, fresh: bool = False) -> list[TicketStatus]:
        """The portal's ticket statuses with their `statusType` (`/organizationFields`), read
        at most every 30 minutes; `fresh` re-reads when a name is not among those known."""
        now = self._clock.now()
        if fresh or self._statuses is None or now > self._statuses[0]:
            self._statuses = (now + ORG_DATA_TTL, await self._desk.ticket_statuses())
        return self._statuses[1]
