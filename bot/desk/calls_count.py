"""Counts and ratings: the numbers behind dashboards and digests (desk.md §3.5-3.6)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.desk.calls_read import ReadCalls, TimeRange, Values
from bot.desk.errors import InvalidData
from bot.desk.paging import collect, csv, models
from bot.desk.stats import HappinessRating, TicketCount, TicketsCountByFieldValues


class CountCalls(ReadCalls):
    """Counts and ratings."""

    # --- counts and ratings ---------------------------------------------------------------

    async def tickets_count(
        self,
        *,
        department_id: str | None = None,
        assignee_id: str | None = None,
        contact_id: str | None = None,
        category: str | None = None,
        created: TimeRange | None = None,
        modified: TimeRange | None = None,
    ) -> int:
        """`GET /ticketsCount`."""
        params = {
            "departmentId": department_id,
            "assigneeId": assignee_id,
            "contactId": contact_id,
            "category": category,
            "createdTimeRange": created,
            "modifiedTimeRange": modified,
        }
        body = await self.http.request("GET", "/ticketsCount", params=params)
        return TicketCount.model_validate(body or {"count": 0}).count

    async def tickets_count_by_field_values(
        self,
        fields: Values,
        *,
        department_id: str | None = None,
        assignee_id: str | None = None,
        created: TimeRange | None = None,
        modified: TimeRange | None = None,
    ) -> TicketsCountByFieldValues:
        """`GET /ticketsCountByFieldValues?field=statusType,overDue,escalated`, and so on."""
        params = {
            "field": csv(fields),
            "departmentId": department_id,
            "assigneeId": assignee_id,
            "createdTimeRange": created,
            "modifiedTimeRange": modified,
        }
        body = await self.http.request("GET", "/ticketsCountByFieldValues", params=params)
        return TicketsCountByFieldValues.model_validate(body or {})

    async def unassigned_count(
        self,
        *,
        status: Values | None = None,
        department_id: str | None = None,
        include_closed: bool = False,
    ) -> int:
        """Tickets nobody owns. Desk has no count filter for it, so this pages
        `/tickets?assignee=Unassigned` (3 credits a page) and skips closed ones."""
        found = self.iter_tickets(
            assignee="Unassigned", status=status, department_id=department_id, sort_by=None
        )
        return sum([1 async for t in found if include_closed or not t.is_closed])

    async def customer_happiness(
        self,
        *,
        department: str = "allDepartment",
        duration: str | None = None,
        start: datetime | None = None,
        end: datetime | None = None,
        rating: str | None = None,
        agent_id: str | None = None,
        ticket_id: str | None = None,
        include: Values | None = None,
        sort_by: str | None = "-ratedTime",
        limit: int | None = None,
    ) -> list[HappinessRating]:
        """`GET /customerHappiness`: ratings, newest first. `duration` e.g. LAST24HOURS, or
        `start`/`end`. Some portals want `departmentId` instead of `department`: on 422 the
        call is repeated once that way."""
        params: dict[str, Any] = {
            "department": department,
            "duration": duration,
            "startTime": _epoch_ms(start),
            "endTime": _epoch_ms(end),
            "rating": rating,
            "agentId": agent_id,
            "ticketId": ticket_id,
            "include": csv(include),
            "sortBy": sort_by,
        }
        path = "/customerHappiness"
        try:
            return await collect(models(self.http, HappinessRating, path, params, max_items=limit))
        except InvalidData:
            params["departmentId"] = params.pop("department")
            return await collect(models(self.http, HappinessRating, path, params, max_items=limit))


def _epoch_ms(moment: datetime | None) -> int | None:
    return None if moment is None else round(moment.timestamp() * 1000)
