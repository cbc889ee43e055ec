"""Each read: the request Desk receives (path, params, headers) and the parsed answer."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.desk.client import DeskClient
from tests.desk_client.fake_desk import ORG_ID, FakeDesk, empty, fixture, ok
from tests.desk_client.fixtures import load


async def test_myinfo_sends_auth_and_org_headers_and_is_cached(
    client: DeskClient, desk: FakeDesk
) -> None:
    desk.on("GET", "/myinfo", fixture("myinfo"))
    me = await client.myinfo()
    assert me.id == "1166045000000384009" and me.email == "marko@acme.com"
    seen = desk.last
    assert seen.headers["Authorization"] == "Zoho-oauthtoken tok-1"
    assert seen.headers["orgId"] == ORG_ID
    assert seen.query == {}
    await client.myinfo()
    assert len(desk.calls("GET", "/myinfo")) == 1
    await client.myinfo(refresh=True)
    assert len(desk.calls("GET", "/myinfo")) == 2


async def test_agents_list_and_one(client: DeskClient, desk: FakeDesk) -> None:
    desk.on("GET", "/agents", fixture("agents"))
    agents = await client.agents(department_ids=["1", "2"])
    assert [a.email for a in agents] == ["marko@acme.com", "jade@acme.com"]
    assert desk.last.query == {
        "status": "ACTIVE",
        "departmentIds": "1,2",
        "from": "0",
        "limit": "200",
    }

    desk.on("GET", "/agents/1166045000000384100", ok(load("agents")["data"][1]))
    assert (await client.agent("1166045000000384100")).display_name == "Jade Tywin"


async def test_agent_by_email_needs_an_exact_match(client: DeskClient, desk: FakeDesk) -> None:
    desk.on("GET", "/agents", fixture("agents"))
    found = await client.agent_by_email(" JADE@acme.com ")
    assert found is not None and found.id == "1166045000000384100"
    assert desk.last.query["searchStr"] == "JADE@acme.com"
    assert await client.agent_by_email("jade@acme") is None


async def test_agent_by_email_when_desk_finds_nobody(client: DeskClient, desk: FakeDesk) -> None:
    desk.on("GET", "/agents", empty())
    assert await client.agent_by_email("nobody@acme.com") is None


async def test_departments(client: DeskClient, desk: FakeDesk) -> None:
    desk.on("GET", "/departments", fixture("departments"))
    departments = await client.departments()
    assert [d.name for d in departments] == ["Support", "Billing"]
    assert desk.last.query == {"isEnabled": "true", "from": "0", "limit": "200"}
    await client.departments(enabled_only=False)
    assert "isEnabled" not in desk.last.query


async def test_teams_are_under_the_teams_key(client: DeskClient, desk: FakeDesk) -> None:
    desk.on("GET", "/teams", fixture("teams"))
    desk.on("GET", "/departments/1166045000000006907/teams", fixture("teams"))
    desk.on("GET", "/departments/9/teams", empty())
    assert [t.name for t in await client.teams()] == ["Support Teams", "Printers"]
    assert len(await client.teams("1166045000000006907")) == 2
    assert await client.teams("9") == []


async def test_ticket_statuses_come_from_organization_fields(
    client: DeskClient, desk: FakeDesk
) -> None:
    desk.on("GET", "/organizationFields", fixture("organization_fields"))
    statuses = await client.ticket_statuses("1166045000000006907")
    assert desk.last.query == {"module": "tickets", "departmentId": "1166045000000006907"}
    assert [s.value for s in statuses if s.status_type == "Closed"] == ["Closed", "Resolved"]
    desk.on("GET", "/organizationFields", ok({"data": [load("organization_fields")["data"][0]]}))
    assert await client.ticket_statuses() == []
    assert desk.last.query == {"module": "tickets"}


async def test_tickets_list_params(client: DeskClient, desk: FakeDesk) -> None:
    desk.on("GET", "/tickets", fixture("tickets_list"))
    tickets = await client.tickets(
        assignee="1166045000000384009",
        status=["Open", "On Hold"],
        department_id="1166045000000006907",
        due_date="overdue",
        include=["contacts", "assignee"],
        limit=3,
    )
    assert [t.ticket_number for t in tickets] == ["4863", "4862"]
    assert desk.last.query == {
        "assignee": "1166045000000384009",
        "status": "Open,On Hold",
        "departmentId": "1166045000000006907",
        "dueDate": "overdue",
        "sortBy": "-createdTime",
        "include": "contacts,assignee",
        "from": "0",
        "limit": "3",
    }
    await client.tickets(due_date="today", sort_by="dueDate", team_ids=["6000000083034"])
    assert desk.last.query == {
        "dueDate": "today",
        "sortBy": "dueDate",
        "teamIds": "6000000083034",
        "from": "0",
        "limit": "100",
    }


async def test_tickets_list_empty_is_204(client: DeskClient, desk: FakeDesk) -> None:
    desk.on("GET", "/tickets", empty())
    assert await client.tickets(assignee="Unassigned") == []


async def test_ticket_by_id(client: DeskClient, desk: FakeDesk) -> None:
    desk.on("GET", "/tickets/1166045000005133186", fixture("ticket"))
    ticket = await client.ticket("1166045000005133186", include=["contacts", "assignee", "team"])
    assert desk.last.query == {"include": "contacts,assignee,team"}
    assert ticket.subject == "Printer on fire" and ticket.contact is not None


async def test_search_by_number_email_and_time_ranges(client: DeskClient, desk: FakeDesk) -> None:
    desk.on("GET", "/tickets/search", fixture("tickets_search"))
    ticket = await client.ticket_by_number("#4863")
    assert ticket is not None and ticket.is_over_due is False
    assert desk.last.query == {"ticketNumber": "4863", "from": "0", "limit": "1"}

    await client.search(email="mary@customer.com", sort_by="-createdTime", limit=3)
    assert desk.last.query == {
        "email": "mary@customer.com",
        "sortBy": "-createdTime",
        "from": "0",
        "limit": "3",
    }

    day = (datetime(2026, 2, 22, 5, tzinfo=UTC), datetime(2026, 2, 23, 5, tzinfo=UTC))
    await client.search(created=day, modified=day, status=["Closed", "Resolved"])
    assert desk.last.query == {
        "createdTimeRange": "2026-02-22T05:00:00.000Z,2026-02-23T05:00:00.000Z",
        "modifiedTimeRange": "2026-02-22T05:00:00.000Z,2026-02-23T05:00:00.000Z",
        "status": "Closed,Resolved",
        "from": "0",
        "limit": "100",
    }


async def test_search_without_hits(client: DeskClient, desk: FakeDesk) -> None:
    desk.on("GET", "/tickets/search", empty())
    desk.on("GET", "/tickets", empty())  # nor among the newest (search may lag them)
    assert await client.ticket_by_number(99999) is None
    assert await client.search(email="nobody@x.com") == []


async def test_one_unreadable_record_never_hides_the_others(
    client: DeskClient, desk: FakeDesk, caplog
) -> None:  # type: ignore[no-untyped-def]
    """Whatever is wrong with one record in a list (a due date that is no time, an id that is
    a boolean, a record that is not an object, a missing id), the others are read, and the one
    skipped is logged once however often the list is read."""
    good = {
        "id": "1",
        "subject": "fine",
        "departmentId": "5",
        "dueDate": "2026-03-02T09:00:00.000Z",
    }
    bad = [
        {"id": "2", "subject": "x", "departmentId": "5", "dueDate": "tomorrow"},
        {"id": True, "subject": "x", "departmentId": "5"},
        {"id": "3", "subject": "x", "departmentId": "5", "modifiedTime": {"at": 1}},
        "not a record",
        {"subject": "no id", "departmentId": "5"},
    ]
    last = {"id": "4", "subject": "also fine", "departmentId": "5", "dueDate": None}
    desk.on("GET", "/tasks", ok({"data": [good, *bad, last]}), ok({"data": [good, *bad, last]}))
    with caplog.at_level("WARNING", logger="deskbot.desk"):
        for _ in range(2):
            found = await client.tasks_changed_since("5", None)
            assert [t.id for t in found] == ["1", "4"]
            assert found[1].due_date is None
    skipped = [r.getMessage() for r in caplog.records if "skipped" in r.getMessage()]
    assert len(skipped) == len(bad), skipped
    assert any("dueDate ('tomorrow')" in line for line in skipped), skipped
