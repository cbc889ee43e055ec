"""Writes and per-ticket reads: PATCH, sendReply, comments, threads, blueprint, webhooks."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.desk.client import DeskClient
from bot.desk.errors import NoReplyAddress
from tests.desk_client.fake_desk import FakeDesk, empty, fixture, ok
from tests.desk_client.fixtures import load

TID = "1166045000005133186"


async def test_update_ticket_sends_only_given_keys(client: DeskClient, desk: FakeDesk) -> None:
    desk.on("PATCH", f"/tickets/{TID}", fixture("ticket"))
    ticket = await client.update_ticket(TID, status="On Hold")
    assert ticket.id == TID
    assert desk.last.json == {"status": "On Hold"}
    assert desk.last.headers["Content-Type"] == "application/json"

    await client.update_ticket(TID, team_id="6000000083034", assignee_id=None)
    assert desk.last.json == {"assigneeId": None, "teamId": "6000000083034"}

    due = datetime(2026, 3, 3, 12, tzinfo=UTC)
    await client.update_ticket(TID, assignee_id="1166045000000384009", due_date=due)
    assert desk.last.json == {
        "assigneeId": "1166045000000384009",
        "dueDate": "2026-03-03T12:00:00.000Z",
    }


async def test_update_ticket_needs_a_change(client: DeskClient, desk: FakeDesk) -> None:
    with pytest.raises(ValueError, match="at least one"):
        await client.update_ticket(TID)
    assert desk.requests == []


async def test_send_reply_looks_up_customer_and_from_address(
    client: DeskClient, desk: FakeDesk
) -> None:
    desk.on("GET", f"/tickets/{TID}", fixture("ticket"))
    desk.on("GET", "/mailReplyAddress", fixture("mail_reply_addresses"))
    desk.on("POST", f"/tickets/{TID}/sendReply", fixture("thread"))
    thread = await client.send_reply(TID, "We replaced the toner.", ticket_status="On Hold")
    assert thread.direction == "out" and thread.status == "PENDING"
    lookup = desk.calls("GET", "/mailReplyAddress")[0]
    assert lookup.query == {"departmentId": "1166045000000006907"}
    assert desk.last.json == {
        "channel": "EMAIL",
        "fromEmailAddress": "support@acme.zohodesk.com",
        "to": "mary@customer.com",
        "contentType": "plainText",
        "content": "We replaced the toner.",
        "isForward": False,
        "ticketStatus": "On Hold",
    }
    # the department's address is cached; an explicit address and recipient need no lookups
    await client.send_reply(TID, "again", content_type="html")
    assert len(desk.calls("GET", "/mailReplyAddress")) == 1
    before = len(desk.requests)
    await client.send_reply(TID, "x", to="a@b.c", from_address="help@acme.com", cc="c@d.e")
    assert len(desk.requests) == before + 1
    assert desk.last.json["fromEmailAddress"] == "help@acme.com"
    assert desk.last.json["cc"] == "c@d.e"


async def test_reply_address_prefers_verified_default(client: DeskClient, desk: FakeDesk) -> None:
    rows = load("mail_reply_addresses")["data"]
    desk.on("GET", "/mailReplyAddress", ok({"data": list(reversed(rows))}))
    assert (await client.reply_address("1")).address == "support@acme.zohodesk.com"


async def test_send_reply_without_reply_address(client: DeskClient, desk: FakeDesk) -> None:
    desk.on("GET", f"/tickets/{TID}", fixture("ticket"))
    desk.on("GET", "/mailReplyAddress", empty())
    with pytest.raises(NoReplyAddress):
        await client.send_reply(TID, "hello")
    assert desk.calls("POST") == []


async def test_comments_add_and_list(client: DeskClient, desk: FakeDesk) -> None:
    desk.on("POST", f"/tickets/{TID}/comments", fixture("comment"))
    comment = await client.add_comment(TID, "zsu[@user:898129712]zsu please check")
    assert comment.id == "4000000529001"
    assert desk.last.json == {
        "isPublic": False,
        "contentType": "plainText",
        "content": "zsu[@user:898129712]zsu please check",
        "attachmentIds": [],
    }
    await client.add_comment(TID, "<b>on it</b>", public=True, content_type="html")
    assert desk.last.json["isPublic"] is True and desk.last.json["contentType"] == "html"

    desk.on("GET", f"/tickets/{TID}/comments", fixture("comments"))
    comments = await client.comments(TID, include=["mentions", "plainText"])
    assert desk.last.query == {
        "include": "mentions,plainText",
        "sortBy": "-commentedTime",
        "from": "0",
        "limit": "100",
    }
    assert comments[0].mention[0].email == "marko@acme.com"

    desk.on("GET", f"/tickets/{TID}/comments/4000000529001", ok(load("comments")["data"][0]))
    one = await client.comment(TID, "4000000529001")
    assert desk.last.query == {"include": "mentions,plainText"}
    assert one.plain_text == "@Marko M please check the toner"


async def test_threads(client: DeskClient, desk: FakeDesk) -> None:
    desk.on("GET", f"/tickets/{TID}/threads", fixture("threads"))
    threads = await client.threads(TID)
    assert threads[0].direction == "in"
    assert desk.last.query == {"from": "0", "limit": "200"}


async def test_blueprint_or_none(client: DeskClient, desk: FakeDesk) -> None:
    desk.on("GET", f"/tickets/{TID}/blueprint", fixture("blueprint"), empty())
    blueprint = await client.blueprint(TID, include=["transitionOwnerAgents"])
    assert blueprint is not None and blueprint.transitions[0].to_state == "Escalated"
    assert desk.last.query == {"include": "transitionOwnerAgents"}
    assert await client.blueprint(TID) is None


async def test_webhooks_create_list_delete(client: DeskClient, desk: FakeDesk) -> None:
    desk.on("POST", "/webhooks", fixture("webhook"))
    desk.on("GET", "/webhooks", fixture("webhooks"), empty())
    desk.on("DELETE", "/webhooks/1166045000006000001", empty())
    subscriptions = {
        "Ticket_Add": None,
        "Ticket_Update": {"includePrevState": True},
        "Ticket_Comment_Add": None,
    }
    hook = await client.create_webhook(
        "deskbot",
        "https://deskbot.example.com/desk/events",
        subscriptions,
        description="Cliq notifications",
        include_events_from=["AUTOMATION"],
    )
    assert hook.id == "1166045000006000001"
    assert desk.last.json == {
        "name": "deskbot",
        "url": "https://deskbot.example.com/desk/events",
        "isEnabled": True,
        "subscriptions": subscriptions,
        "description": "Cliq notifications",
        "includeEventsFrom": ["AUTOMATION"],
    }
    assert [w.id for w in await client.webhooks()] == ["1166045000006000001"]
    assert await client.delete_webhook("1166045000006000001") is None
    assert desk.last.method == "DELETE"
    assert await client.webhooks() == []
