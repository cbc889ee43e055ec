"""The Desk client against the sandbox Desk, and the sandbox against the contract fixtures."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from bot.clock import FrozenClock
from bot.desk.errors import Forbidden, InvalidData, InvalidOAuth, NotFound
from bot.desk.summaries import last_day, pending
from bot.desk.webhook_jwt import JwksCache, WebhookVerifier
from bot.sandbox.desk.seed import seed
from bot.sandbox.world import SandboxWorld

FIXTURES = Path(__file__).parent.parent / "fixtures" / "desk"


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / f"{name}.json").read_text())


def test_seed_is_deterministic_and_has_what_the_docs_promise(clock: FrozenClock) -> None:
    one, two = seed(42, clock.now(), "1", "p"), seed(42, clock.now(), "1", "p")
    assert one == two
    assert seed(7, clock.now(), "1", "p").tickets != one.tickets
    assert len(one.departments) >= 3 and len(one.agents) >= 12 and len(one.contacts) == 200
    assert len(one.tickets) == 2000 and len(one.teams) >= 3
    emails = {a["emailId"]: a["rolePermissionType"] for a in one.agents}
    assert emails["admin@example.com"] == "Admin" and emails["light@example.com"] == "Light"
    assert "agent@example.com" in emails
    assert any(t["ticketNumber"] == "115" for t in one.tickets)
    assert {t["statusType"] for t in one.tickets} == {"Open", "On Hold", "Closed"}
    assert any("zsu[@user:" in c["content"] for c in one.comments) and one.ratings


async def test_reads(world: SandboxWorld) -> None:
    desk = world.desk
    assert (await desk.myinfo()).email_id == "admin@example.com"
    agent = await desk.agent_by_email("AGENT@example.com")
    assert agent is not None and agent.display_name == "Aiko Tanaka"
    assert (await desk.agent(agent.id)).email_id == "agent@example.com"
    assert len(await desk.departments()) == 3
    assert len(await desk.teams()) == 6 and await desk.teams("5000000000001")
    statuses = {s.value: s.status_type for s in await desk.ticket_statuses()}
    assert statuses["Resolved"] == "Closed" and statuses["On Hold"] == "On Hold"
    ticket = await desk.ticket_by_number(115)
    assert ticket is not None and ticket.assignee_id == agent.id
    full = await desk.ticket(ticket.id, include=["contacts", "assignee"])
    assert full.contact is not None and full.contact.email == "watanabe@abc-corp.com"
    mine = await desk.tickets(assignee=[agent.id], limit=3)
    assert len(mine) == 3 and mine[0].created_time >= mine[-1].created_time  # type: ignore[operator]
    customer = await desk.search(email="watanabe@abc-corp.com", sort_by="-createdTime", limit=3)
    assert customer and all(t.email == "watanabe@abc-corp.com" for t in customer)
    overdue = await desk.tickets(due_date="overdue", limit=5)
    assert overdue and all(t.due_date < world.clock.now() for t in overdue)  # type: ignore[operator]
    assert await desk.ticket_by_number(999999) is None


async def test_paging_past_100_and_204(world: SandboxWorld) -> None:
    tickets = await world.desk.tickets(limit=250)
    assert len(tickets) == 250 and len({t.id for t in tickets}) == 250
    assert await world.desk.search(email="nobody@nowhere.example") == []  # 204 → empty


async def test_counts_and_happiness(world: SandboxWorld) -> None:
    desk = world.desk
    assert await desk.tickets_count() == 2000
    counts = await desk.tickets_count_by_field_values(["statusType", "overDue"])
    assert counts.count_of("statusType", "open") > 0 and counts.over_due
    assert await desk.unassigned_count() > 0
    ratings = await desk.customer_happiness(duration="LAST_7_DAYS", limit=None)
    assert ratings and {r.rating for r in ratings} <= {"GOOD", "OK", "BAD"}
    summary = await pending(desk)
    assert summary.open == counts.count_of("statusType", "open")
    day = await last_day(desk, world.clock.now())
    assert day.new > 0 and day.closed > 0 and len(day.top_agents) == 3


async def test_writes_change_the_data_and_act_as_the_token_owner(world: SandboxWorld) -> None:
    aiko = world.desk_as("agent@example.com")
    ticket = await aiko.ticket_by_number(115)
    assert ticket is not None
    changed = await aiko.update_ticket(ticket.id, status="On Hold")
    assert changed.status == "On Hold" and changed.modified_by == (await aiko.myinfo()).id
    assert (await world.desk.ticket(ticket.id)).status_type == "On Hold"
    thread = await aiko.send_reply(ticket.id, "We are on it")
    assert thread.to == "watanabe@abc-corp.com"
    comment = await aiko.add_comment(ticket.id, "internal note")
    assert comment.is_public is False
    assert comment.id in {c.id for c in await aiko.comments(ticket.id)}
    with pytest.raises(InvalidData):
        await aiko.update_ticket(ticket.id, status="Nonsense")
    with pytest.raises(NotFound):
        await aiko.update_ticket("1", status="Open")


async def test_a_light_agent_may_only_read_and_add_private_comments(world: SandboxWorld) -> None:
    light = world.desk_as("light@example.com")
    ticket = await light.ticket_by_number(115)
    assert ticket is not None
    with pytest.raises(Forbidden):
        await light.update_ticket(ticket.id, status="Closed")
    with pytest.raises(Forbidden):
        await light.add_comment(ticket.id, "hello customer", public=True)
    assert (await light.add_comment(ticket.id, "private")).is_public is False


async def test_desk_quirks_over_raw_http(world: SandboxWorld) -> None:
    base = f"{world.sandboxes.urls['desk']}/api/v1"
    token = await world.tokens.token()
    auth = {"Authorization": f"Zoho-oauthtoken {token}"}
    async with world.session.get(f"{base}/tickets", headers=auth) as response:
        assert response.status == 400 and (await response.json())["errorCode"] == "INVALID_DATA"
    headers = {**auth, "orgId": "700000001"}
    async with world.session.get(f"{base}/tickets?limit=5", headers=headers) as response:
        assert response.headers["X-Rate-Limit-Remaining-v3"]
        assert set((await response.json())["data"][0]) >= set(
            fixture("tickets_list")["data"][0]
        ) - {
            "assignee",
            "contact",
            "department",
            "team",
            "cf",
            "customFields",
            "isRead",
            "sharedDepartments",
            "lastThread",
            "onholdTime",
            "responseDueDate",
            "source",
            "customerResponseTime",
            "threadCount",
            "commentCount",
            "taskCount",
            "tagCount",
            "attachmentCount",
            "followerCount",
            "productId",
            "accountId",
            "phone",
            "category",
            "subCategory",
            "language",
            "sentiment",
            "classification",
            "layoutId",
            "slaId",
            "isSpam",
            "isArchived",
            "isTrashed",
            "isDeleted",
            "isResponseOverdue",
        }
    async with world.session.get(f"{base}/teams", headers=headers) as response:
        assert "teams" in await response.json()
    async with world.session.get(f"{base}/nowhere", headers=headers) as response:
        assert response.status == 404 and (await response.json())["errorCode"] == "URL_NOT_FOUND"
    world.sandboxes.registry.expire_all()
    async with world.session.get(f"{base}/myinfo", headers=headers) as response:
        assert response.status == 401 and (await response.json())["errorCode"] == "INVALID_OAUTH"


async def test_a_token_expiring_mid_run_is_refreshed(world: SandboxWorld) -> None:
    await world.desk.myinfo(refresh=True)
    world.sandboxes.registry.expire_all()
    assert await world.desk.tickets_count() == 2000
    assert world.tokens.refreshes == 2


async def test_an_unknown_refresh_token_cannot_read(world: SandboxWorld) -> None:
    stranger = world.desk_as("stranger@example.com")
    with pytest.raises(Forbidden):
        await stranger.myinfo()
    world.sandboxes.registry.expire_all()
    with pytest.raises((InvalidOAuth, Forbidden)):
        await stranger.myinfo(refresh=True)


async def test_webhooks_deliver_signed_events_for_api_and_admin_changes(
    world: SandboxWorld, aiohttp_server
) -> None:  # type: ignore[no-untyped-def]
    received: list[tuple[str, list[dict[str, Any]]]] = []

    async def events(request: web.Request) -> web.Response:
        if request.method == "POST":
            received.append((request.headers["X-ZDesk-JWT"], await request.json()))
        return web.Response()

    app = web.Application()
    app.router.add_route("*", "/desk/events", events)
    receiver = await aiohttp_server(app)
    hook = await world.desk.create_webhook(
        "deskbot",
        str(receiver.make_url("/desk/events")),
        {
            "Ticket_Add": None,
            "Ticket_Update": {"departmentIds": None, "fields": None, "includePrevState": True},
            "Ticket_Comment_Add": None,
        },
    )
    assert [w.id for w in await world.desk.webhooks()] == [hook.id]
    ticket = await world.desk.ticket_by_number(115)
    assert ticket is not None
    await world.desk_as("agent@example.com").update_ticket(ticket.id, status="Closed")
    async with world.session.patch(
        f"{world.sandboxes.urls['desk']}/sandbox/tickets/115",
        json={"actor": "maria@example.com", "status": "Open"},
    ) as response:
        assert response.status == 200
    async with world.session.post(
        f"{world.sandboxes.urls['desk']}/sandbox/tickets/115/comments",
        json={"actor": "maria@example.com", "content": "zsu[@user:70000001]zsu look"},
    ) as response:
        assert response.status == 201
    await world.sandboxes.desk.deliverer.idle()
    kinds = [batch[0]["eventType"] for _, batch in received]
    assert kinds == ["Ticket_Update", "Ticket_Update", "Ticket_Comment_Add"]
    first = received[0][1][0]
    assert first["prevState"]["status"] == "Open" and first["payload"]["status"] == "Closed"
    verifier = WebhookVerifier(
        JwksCache(
            world.session, f"{world.sandboxes.urls['desk']}/.well-known/jwks.json", world.clock
        ),
        "700000001",
        [hook.id],
        world.clock,
    )
    for token, _ in received:
        claims = await verifier.verify(token)
        assert claims is not None
    await world.desk.delete_webhook(hook.id)
    assert await world.desk.webhooks() == []


async def test_admin_api_creates_rates_and_moves_the_clock(world: SandboxWorld) -> None:
    base = world.sandboxes.urls["desk"]
    async with world.session.post(
        f"{base}/sandbox/tickets", json={"subject": "Demo", "assignee": "agent@example.com"}
    ) as r:
        created = await r.json()
    assert r.status == 201 and int(created["ticketNumber"]) > 2100
    async with world.session.post(
        f"{base}/sandbox/tickets/{created['ticketNumber']}/rating", json={"rating": "good"}
    ) as r:
        assert r.status == 201
    before = world.sandboxes.clock.now()
    async with world.session.post(f"{base}/sandbox/clock", json={"minutes": 30}) as r:
        assert r.status == 200
    assert (world.sandboxes.clock.now() - before).total_seconds() == 1800
    async with world.session.get(f"{base}/sandbox/state") as r:
        assert (await r.json())["tickets"] == 2001
