"""Reads: the acting agent, agents, departments, teams, statuses, ticket lists and search."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from typing import Any, Literal

from bot.desk.paging import collect, csv, models
from bot.desk.people import Agent, Department, Team
from bot.desk.tickets import OrganizationField, Ticket, TicketStatus
from bot.desk.transport import Transport

PAGE = 100  # tickets, search, comments, happiness: at most 100 per page
PEOPLE_PAGE = 200  # agents, departments: at most 200 per page
RECENT = 100  # the newest tickets looked through when search has not indexed one yet

TimeRange = tuple[datetime, datetime]
DueDate = Literal["overdue", "today", "tomorrow", "currentWeek", "currentMonth"]
Values = str | Sequence[str]


class ReadCalls:
    """Reads; the mixins share `http` (a Transport) and are assembled by DeskClient."""

    http: Transport
    _me: Agent | None

    # --- identity and metadata ----------------------------------------------------------

    async def myinfo(self, *, refresh: bool = False) -> Agent:
        """The acting agent (`GET /myinfo`), cached: its `id` is "me" in `assignee=`."""
        if self._me is None or refresh:
            self._me = Agent.model_validate(await self.http.request("GET", "/myinfo"))
        return self._me

    def iter_agents(
        self,
        *,
        status: str | None = "ACTIVE",
        department_ids: Values | None = None,
        search: str | None = None,
    ) -> AsyncIterator[Agent]:
        params = {"status": status, "departmentIds": csv(department_ids), "searchStr": search}
        return models(self.http, Agent, "/agents", params, page_size=PEOPLE_PAGE)

    async def agents(
        self,
        *,
        status: str | None = "ACTIVE",
        department_ids: Values | None = None,
        search: str | None = None,
        limit: int | None = None,
    ) -> list[Agent]:
        """`GET /agents` (paged by 200)."""
        found = self.iter_agents(status=status, department_ids=department_ids, search=search)
        return await collect(found, limit)

    async def agent(self, agent_id: str) -> Agent:
        return Agent.model_validate(await self.http.request("GET", f"/agents/{agent_id}"))

    async def agent_by_email(self, email: str, *, status: str | None = "ACTIVE") -> Agent | None:
        """The agent whose e-mail is exactly `email` (case-insensitive); `searchStr` is fuzzy."""
        wanted = email.strip().casefold()
        async for agent in self.iter_agents(status=status, search=email.strip()):
            if (agent.email_id or "").casefold() == wanted:
                return agent
        return None

    async def departments(self, *, enabled_only: bool = True) -> list[Department]:
        """`GET /departments?isEnabled=true` (paged by 200)."""
        params = {"isEnabled": True if enabled_only else None}
        found = models(self.http, Department, "/departments", params, page_size=PEOPLE_PAGE)
        return await collect(found)

    async def teams(self, department_id: str | None = None) -> list[Team]:
        """`GET /teams`, or one department's; Desk answers under `teams`, not `data`."""
        path = f"/departments/{department_id}/teams" if department_id else "/teams"
        body = await self.http.request("GET", path)
        return [Team.model_validate(t) for t in (body or {}).get("teams") or []]

    async def ticket_fields(self, department_id: str | None = None) -> list[OrganizationField]:
        """`GET /organizationFields?module=tickets`."""
        params = {"module": "tickets", "departmentId": department_id}
        body = await self.http.request("GET", "/organizationFields", params=params)
        return [OrganizationField.model_validate(f) for f in (body or {}).get("data") or []]

    async def ticket_statuses(self, department_id: str | None = None) -> list[TicketStatus]:
        """The statuses a ticket may take, each with its system bucket (Open/On Hold/Closed)."""
        for field in await self.ticket_fields(department_id):
            if field.api_name == "status":
                return list(field.allowed_values or [])
        return []

    # --- tickets ------------------------------------------------------------------------

    def iter_tickets(
        self,
        *,
        assignee: Values | None = None,
        status: Values | None = None,
        department_id: str | None = None,
        team_ids: Values | None = None,
        due_date: DueDate | Sequence[DueDate] | None = None,
        priority: Values | None = None,
        channel: Values | None = None,
        sort_by: str | None = "-createdTime",
        include: Values | None = None,
        limit: int | None = None,
    ) -> AsyncIterator[Ticket]:
        """`GET /tickets`: the reduced list view. `assignee` takes agent ids or `Unassigned`."""
        params = {
            "assignee": csv(assignee),
            "status": csv(status),
            "departmentId": department_id,
            "teamIds": csv(team_ids),
            "dueDate": csv(due_date),
            "priority": csv(priority),
            "channel": csv(channel),
            "sortBy": sort_by,
            "include": csv(include),
        }
        return models(self.http, Ticket, "/tickets", params, max_items=limit)

    async def tickets(self, *, limit: int | None = PAGE, **filters: Any) -> list[Ticket]:
        """Up to `limit` tickets (None: all) of `iter_tickets(**filters)`."""
        return await collect(self.iter_tickets(limit=limit, **filters))

    async def ticket(self, ticket_id: str, *, include: Values | None = None) -> Ticket:
        """`GET /tickets/{id}` (the id, not the number); `include` e.g. contacts,assignee,team."""
        params = {"include": csv(include)}
        body = await self.http.request("GET", f"/tickets/{ticket_id}", params=params)
        return Ticket.model_validate(body)

    def iter_search(
        self,
        *,
        ticket_number: str | None = None,
        email: str | None = None,
        status: Values | None = None,
        assignee_id: str | None = None,
        department_id: str | None = None,
        text: str | None = None,
        created: TimeRange | None = None,
        modified: TimeRange | None = None,
        due: TimeRange | None = None,
        sort_by: str | None = None,
        limit: int | None = None,
    ) -> AsyncIterator[Ticket]:
        """`GET /tickets/search` (0-based, full ticket objects); ranges are (from, to)."""
        params = {
            "ticketNumber": ticket_number,
            "email": email,
            "status": csv(status),
            "assigneeId": assignee_id,
            "departmentId": department_id,
            "_all": text,
            "createdTimeRange": created,
            "modifiedTimeRange": modified,
            "dueDateRange": due,
            "sortBy": sort_by,
        }
        return models(self.http, Ticket, "/tickets/search", params, max_items=limit)

    async def search(self, *, limit: int | None = PAGE, **criteria: Any) -> list[Ticket]:
        """Up to `limit` search hits (None: all) of `iter_search(**criteria)`."""
        return await collect(self.iter_search(limit=limit, **criteria))

    async def ticket_by_number(self, number: str | int) -> Ticket | None:
        """The ticket with this number, or None. Desk's search index lags new tickets by
        some minutes, so a number search finds nothing for a brand-new ticket: then the newest
        tickets are listed (`/tickets`, no index) and the one with this number read by id."""
        wanted = str(number).strip().lstrip("#")
        hits = await self.search(ticket_number=wanted, limit=1)
        if hits:
            return hits[0]
        async for listed in self.iter_tickets(sort_by="-createdTime", limit=RECENT):
            if listed.ticket_number == wanted:
                return await self.ticket(listed.id)
        return None
