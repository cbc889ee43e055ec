"""Counts and ratings: ticketsCount, counts by field values, unassigned, customer happiness."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from aiohttp import web

from bot.desk.client import DeskClient
from bot.desk.errors import InvalidData
from tests.desk_client.fake_desk import FakeDesk, Reply, empty, error, fixture, ok

DAY = (datetime(2026, 3, 1, 1, tzinfo=UTC), datetime(2026, 3, 2, 1, tzinfo=UTC))


async def test_tickets_count(client: DeskClient, desk: FakeDesk) -> None:
    desk.on("GET", "/ticketsCount", fixture("tickets_count"), ok({"count": "7"}))
    assert await client.tickets_count(created=DAY, department_id="5") == 200
    assert desk.last.query == {
        "departmentId": "5",
        "createdTimeRange": "2026-03-01T01:00:00.000Z,2026-03-02T01:00:00.000Z",
    }
    assert await client.tickets_count(assignee_id="42") == 7
    assert desk.last.query == {"assigneeId": "42"}


async def test_counts_by_field_values(client: DeskClient, desk: FakeDesk) -> None:
    desk.on("GET", "/ticketsCountByFieldValues", fixture("tickets_count_by_field_values"))
    counts = await client.tickets_count_by_field_values(["statusType", "overDue", "escalated"])
    assert desk.last.query == {"field": "statusType,overDue,escalated"}
    assert counts.count_of("statusType", "open") == 13 and counts.over_due == 2


async def test_unassigned_count_pages_and_skips_closed(client: DeskClient, desk: FakeDesk) -> None:
    rows = [
        {"id": str(1000 + i), "statusType": "Closed" if i % 10 == 0 else "Open"} for i in range(130)
    ]

    async def tickets(request: web.Request) -> web.Response:
        start, limit = int(request.query["from"]), int(request.query["limit"])
        page = rows[start : start + limit]
        return Reply(200, {"data": page}).response() if page else empty().response()

    desk.handle("GET", "/tickets", tickets)
    assert await client.unassigned_count(status=["Open", "On Hold"]) == 130 - 13
    first, second = desk.calls("GET", "/tickets")
    assert first.query == {
        "assignee": "Unassigned",
        "status": "Open,On Hold",
        "from": "0",
        "limit": "100",
    }
    assert second.query["from"] == "100"
    assert await client.unassigned_count(include_closed=True) == 130


async def test_customer_happiness_params(client: DeskClient, desk: FakeDesk) -> None:
    desk.on("GET", "/customerHappiness", fixture("customer_happiness"))
    ratings = await client.customer_happiness(duration="LAST24HOURS", limit=100)
    assert [r.level for r in ratings] == ["GOOD", "BAD"]
    assert desk.last.query == {
        "department": "allDepartment",
        "duration": "LAST24HOURS",
        "sortBy": "-ratedTime",
        "from": "0",
        "limit": "100",
    }
    await client.customer_happiness(start=DAY[0], end=DAY[1], rating="bad", department="5")
    assert desk.last.query["startTime"] == "1772326800000"
    assert desk.last.query["endTime"] == "1772413200000"
    assert desk.last.query["rating"] == "bad" and desk.last.query["department"] == "5"


async def test_customer_happiness_falls_back_to_department_id(
    client: DeskClient, desk: FakeDesk
) -> None:
    desk.on("GET", "/customerHappiness", error("INVALID_DATA"), fixture("customer_happiness"))
    ratings = await client.customer_happiness(duration="LAST_1_HOUR")
    assert len(ratings) == 2
    first, second = desk.calls("GET", "/customerHappiness")
    assert first.query["department"] == "allDepartment" and "departmentId" not in first.query
    assert second.query["departmentId"] == "allDepartment" and "department" not in second.query


async def test_customer_happiness_422_twice_surfaces(client: DeskClient, desk: FakeDesk) -> None:
    desk.on("GET", "/customerHappiness", error("INVALID_DATA"))
    with pytest.raises(InvalidData):
        await client.customer_happiness()
    assert len(desk.calls()) == 2
