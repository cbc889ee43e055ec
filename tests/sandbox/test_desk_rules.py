"""The sandbox Desk refuses what Zoho's Desk OpenAPI documents refuse (docs/zoho-contract.md),
and our client's calls pass: one test per rule."""

from __future__ import annotations

from typing import Any

import pytest

from bot.clock import FrozenClock
from bot.config import Config
from bot.desk.errors import InvalidData, LicenseLimited
from bot.install import SUBSCRIPTIONS
from bot.sandbox.world import SandboxWorld, sandbox_world

SUPPORT = "5000000000001"


async def call(
    world: SandboxWorld, method: str, path: str, query: dict[str, str] | None = None, **kw: Any
) -> tuple[int, Any]:
    headers = {
        "Authorization": f"Zoho-oauthtoken {await world.tokens.token()}",
        "orgId": "700000001",
    }
    url = f"{world.sandboxes.urls['desk']}/api/v1{path}"
    async with world.session.request(method, url, params=query, headers=headers, **kw) as r:
        return r.status, (await r.json() if r.status != 204 else None)


async def test_tasks_need_a_department_and_at_most_99(world: SandboxWorld) -> None:
    status, body = await call(world, "GET", "/tasks", {"limit": "10"})
    assert status == 422 and "departmentId" in body["message"]
    status, body = await call(world, "GET", "/tasks", {"departmentId": SUPPORT, "limit": "100"})
    assert status == 422 and "limit" in body["message"]
    status, _ = await call(world, "GET", "/tasks", {"departmentId": SUPPORT, "limit": "99"})
    assert status == 200
    found = await world.desk.tasks_changed_since(SUPPORT, None)
    assert found and {t.department_id for t in found} == {SUPPORT}


@pytest.mark.parametrize(
    ("path", "refused", "accepted"),
    [
        ("/tickets", ["modifiedTime", "-ticketNumber", "priority"], ["-createdTime", "dueDate"]),
        ("/tickets/search", ["dueDate", "-ticketNumber"], ["-modifiedTime", "relevance"]),
        ("/tasks", ["-ticketNumber", "owner"], ["-modifiedTime", "dueDate"]),
    ],
)
async def test_lists_accept_only_the_documented_sort_by(
    world: SandboxWorld, path: str, refused: list[str], accepted: list[str]
) -> None:
    base = {"departmentId": SUPPORT} if path == "/tasks" else {}
    for sort in refused:
        status, body = await call(world, "GET", path, {**base, "sortBy": sort})
        assert status == 422 and "sortBy" in body["message"], sort
    for sort in accepted:
        status, _ = await call(world, "GET", path, {**base, "sortBy": sort})
        assert status in (200, 204), sort


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/tickets", {"sortOrder": "desc"}),
        ("/tickets/search", {"searchStr": "printer"}),
        ("/tasks", {"departmentId": SUPPORT, "status": "Open"}),
        ("/ticketsCount", {"status": "Open"}),
        ("/mailReplyAddress", {"departmentId": SUPPORT, "isDefault": "true"}),
        ("/agents", {"email": "agent@example.com"}),
    ],
)
async def test_unknown_query_parameters_are_refused(
    world: SandboxWorld, path: str, query: dict[str, str]
) -> None:
    status, body = await call(world, "GET", path, query)
    assert status == 422
    assert (
        body["errorCode"] == "UNPROCESSABLE_ENTITY" and "Extra query parameter" in body["message"]
    )


@pytest.mark.parametrize(
    "body",
    [{"teamId": "1"}, {"departmentId": SUPPORT}, {"status": "Open", "isEscalated": True}],
)
async def test_ticket_update_accepts_only_documented_keys(
    world: SandboxWorld, body: dict[str, Any]
) -> None:
    ticket = await world.desk.ticket_by_number(115)
    assert ticket is not None
    status, answer = await call(world, "PATCH", f"/tickets/{ticket.id}", json=body)
    assert status == 422 and answer["errorCode"] == "INVALID_DATA"
    status, _ = await call(world, "PATCH", f"/tickets/{ticket.id}", json={"priority": "High"})
    assert status == 200


async def test_reply_addresses_are_shaped_as_documented(world: SandboxWorld) -> None:
    status, body = await call(world, "GET", "/mailReplyAddress", {"departmentId": SUPPORT})
    assert status == 200
    for address in body["data"]:
        assert {"isActive", "isVerified"} <= set(address) and "isDefault" not in address
    first = body["data"][0]
    assert not (first["isActive"] and first["isVerified"])  # the first one is not usable
    chosen = await world.desk.reply_address(SUPPORT)
    assert chosen.is_active and chosen.is_verified
    ticket = await world.desk.ticket_by_number(115)
    assert ticket is not None
    inactive = next(a["address"] for a in body["data"] if not a["isActive"])
    with pytest.raises(InvalidData):
        await world.desk.send_reply(ticket.id, "Hi", from_address=inactive)
    thread = await world.desk.send_reply(ticket.id, "Hi")
    assert thread.from_email_address == chosen.address


async def test_a_reply_without_a_documented_channel_is_refused(world: SandboxWorld) -> None:
    ticket = await world.desk.ticket_by_number(115)
    assert ticket is not None
    chosen = await world.desk.reply_address(SUPPORT)
    reply = {"fromEmailAddress": chosen.address, "to": "mary@example.com", "content": "Hi"}
    for channel in ({}, {"channel": "CHAT"}):
        status, body = await call(
            world, "POST", f"/tickets/{ticket.id}/sendReply", json={**reply, **channel}
        )
        assert status == 422 and "channel" in body["message"]
    thread = await world.desk.send_reply(ticket.id, "Hi")  # the client sends channel EMAIL
    assert thread.from_email_address == chosen.address


async def test_nullable_collections_are_sometimes_null(world: SandboxWorld) -> None:
    """Seeded and deterministic: some records carry null, and the client reads every one."""
    _, agents = await call(world, "GET", "/agents", {"limit": "50"})
    _, teams = await call(world, "GET", "/teams")
    _, tickets = await call(world, "GET", "/tickets", {"limit": "50"})
    nulls = {
        "associatedDepartmentIds": [a["associatedDepartmentIds"] for a in agents["data"]],
        "subTeams": [t["subTeams"] for t in teams["teams"]],
        "cf": [t["cf"] for t in tickets["data"]],
        "sharedDepartments": [t["sharedDepartments"] for t in tickets["data"]],
    }
    for field, values in nulls.items():
        assert None in values, field
        assert any(v is not None for v in values), field
    assert len(await world.desk.agents(limit=None)) == len(agents["data"])
    assert len(await world.desk.teams()) == len(teams["teams"])
    assert len(await world.desk.tickets(limit=50)) == 50
    again = await call(world, "GET", "/agents", {"limit": "50"})
    assert again[1] == agents  # the same seed answers the same


@pytest.mark.parametrize(
    ("subscriptions", "url_length"),
    [
        ({"Ticket_Update": {"includePrevState": True}}, 40),  # short form: minProperties 3
        ({"Ticket_Add": {"departmentIds": None, "includePrevState": True}}, 40),
        ({"Ticket_Happened": None}, 40),  # not an event
        ({}, 40),
        (SUBSCRIPTIONS, 101),  # url maxLength 100
    ],
)
async def test_webhook_create_checks_subscriptions_and_url(
    world: SandboxWorld, subscriptions: dict[str, Any], url_length: int
) -> None:
    url = "https://h.example/" + "x" * (url_length - len("https://h.example/"))
    with pytest.raises(InvalidData):
        await world.desk.create_webhook("deskbot", url, subscriptions)
    assert await world.desk.webhooks() == []


@pytest.mark.parametrize("edition", ["free", "standard"])
async def test_editions_without_webhooks_refuse_to_create_one(
    config: Config, clock: FrozenClock, edition: str
) -> None:
    sandbox = config.sandbox.model_copy(update={"desk_edition": edition})
    async with sandbox_world(config.model_copy(update={"sandbox": sandbox}), clock) as world:
        with pytest.raises(LicenseLimited) as refused:
            await world.desk.create_webhook("deskbot", "http://127.0.0.1:9/e", SUBSCRIPTIONS)
        assert refused.value.status == 403
        assert refused.value.code == "LICENSE_ACCESS_LIMITED"
        assert await world.desk.webhooks() == []


async def admin(world: SandboxWorld, method: str, path: str, body: dict[str, Any]) -> Any:
    """The sandbox's own admin API (what a person does in Desk's UI): (status, answer)."""
    url = f"{world.sandboxes.urls['desk']}/sandbox{path}"
    async with world.session.request(method, url, json=body) as r:
        return r.status, await r.json()


async def test_tasks_without_a_due_date_are_listed_in_every_order(world: SandboxWorld) -> None:
    """Task.json: `dueDate` (like `ownerId` and `ticketId`) is `["string", "null"]`, and only
    `subject` and `departmentId` are required: a task without a due date is listed by every
    documented `sortBy`, and our client reads it (dueDate None) alongside the others."""
    made = []
    for body in (
        {"actor": "admin@example.com", "subject": "No date"},
        {"actor": "admin@example.com", "subject": "Null date", "dueDate": None},
    ):
        status, task = await admin(world, "POST", "/tickets/115/tasks", body)
        assert status == 201 and task["dueDate"] is None
        made.append(task["id"])
    status, task = await admin(world, "PATCH", f"/tasks/{made[0]}", {"dueDate": None})
    assert status == 200 and task["dueDate"] is None
    for sort in ("dueDate", "-dueDate", "-modifiedTime", "subject", "createdTime", "priority"):
        query = {"departmentId": SUPPORT, "sortBy": sort, "limit": "99"}
        status, body = await call(world, "GET", "/tasks", query)
        assert status == 200, (sort, body)
        ids = [t["id"] for t in body["data"]]
        assert set(made) <= set(ids), sort
        if "dueDate" in sort:  # the ones without a value come after every dated one
            assert ids[-2:] == [t for t in ids if t in made], sort
    found = {t.id: t for t in await world.desk.tasks_changed_since(SUPPORT, None)}
    assert all(found[i].due_date is None for i in made)
    assert sum(1 for t in found.values() if t.due_date is not None) >= 10


@pytest.mark.parametrize(
    "due",
    [
        "",
        "tomorrow",
        "2026-03-02",
        "2026-03-02T09:00:00",
        "2026-03-02T09:00:00+09:00",
        "2026-02-30T09:00:00.000Z",
        "2026-03-02T25:00:00.000Z",
        1772442000000,
        True,
        {"at": 1},
    ],
)
async def test_a_due_date_desk_would_refuse_is_refused(world: SandboxWorld, due: Any) -> None:
    """Ticket.json and Task.json: `dueDate` is null or a UTC time with `Z` (their pattern); the
    sandbox keeps nothing else, so nothing it lists is a due date Desk could not have sent."""
    before = len(world.sandboxes.desk.tasks)
    status, body = await admin(
        world, "POST", "/tickets/115/tasks", {"actor": "admin@example.com", "dueDate": due}
    )
    assert status == 400 and "dueDate" in body["message"], body
    assert len(world.sandboxes.desk.tasks) == before
    task = world.sandboxes.desk.tasks[0]["id"]
    status, body = await admin(world, "PATCH", f"/tasks/{task}", {"dueDate": due})
    assert status == 400 and "dueDate" in body["message"], body
    status, body = await admin(world, "PATCH", "/tickets/115", {"dueDate": due})
    assert status == 400 and "dueDate" in body["message"], body
    ticket = await world.desk.ticket_by_number(115)
    assert ticket is not None
    status, body = await call(world, "PATCH", f"/tickets/{ticket.id}", json={"dueDate": due})
    assert status == 422 and body["errors"][0]["fieldName"] == "/dueDate", body


async def test_an_accepted_due_date_is_kept_in_desks_own_form(world: SandboxWorld) -> None:
    """The pattern takes `2026-3-2T9:05:07Z` or `2026/03/02T09:05:07.5Z`; Desk answers its own
    form, which every client reads."""
    for sent, kept in (
        ("2026-3-2T9:05:07Z", "2026-03-02T09:05:07.000Z"),
        ("2026/03/02T09:05:07.5Z", "2026-03-02T09:05:07.500Z"),
        ("2026-03-02T09:05:07.123Z", "2026-03-02T09:05:07.123Z"),
    ):
        status, task = await admin(
            world, "POST", "/tickets/115/tasks", {"actor": "admin@example.com", "dueDate": sent}
        )
        assert status == 201 and task["dueDate"] == kept, task
