"""Desk events to Cliq, end to end (SPEC D1-D4, X3): a change in the sandbox Desk arrives as a
signed webhook, is stored, classified, routed and posted to the sandbox Cliq exactly once."""

from __future__ import annotations

from typing import Any

import pytest

from bot.notify.kinds import Kind
from tests.deskbot.conftest import Deskbot


async def installed(deskbot: Deskbot) -> str:
    url = str(deskbot.client.make_url("")).rstrip("/")
    deskbot.subscribe()  # every agent has opened Deskbot's chat, so owner DMs reach them
    first = await deskbot.parts.installation.install(url)
    assert any("created the channel #desk" in line for line in first)
    assert await deskbot.parts.installation.install(url) == []  # twice changes nothing
    return url


async def change(deskbot: Deskbot, number: int, **fields: Any) -> None:
    sandbox = deskbot.parts.sandboxes
    assert sandbox is not None
    path = f"{sandbox.urls['desk']}/sandbox/tickets/{number}"
    async with deskbot.client.session.patch(path, json=fields) as response:
        assert response.status == 200, await response.text()


async def comment(deskbot: Deskbot, number: int, **fields: Any) -> None:
    sandbox = deskbot.parts.sandboxes
    assert sandbox is not None
    path = f"{sandbox.urls['desk']}/sandbox/tickets/{number}/comments"
    async with deskbot.client.session.post(path, json=fields) as response:
        assert response.status == 201


async def settle(deskbot: Deskbot, *, retries_ok: bool = False) -> list[dict[str, Any]]:
    """Deliver the webhooks, process the inbox, send the outbox; what Cliq received.

    Under the frozen clock an event that failed waits for a retry that never comes due, so it
    would look settled: unless `retries_ok` (a test that makes events fail on purpose), such an
    event fails the test with its reason instead of silently missing from what Cliq got."""
    sandbox = deskbot.parts.sandboxes
    assert sandbox is not None
    await sandbox.desk.deliverer.idle()
    while await deskbot.parts.notifier.run_once():
        pass
    while await deskbot.parts.sender.run_once():
        pass
    if not retries_ok:
        failed = await deskbot.parts.db.fetchall(
            "SELECT id, event_type, last_error FROM inbox"
            " WHERE processed_at IS NULL AND dead_at IS NULL AND attempts > 0"
        )
        assert not failed, [dict(row) for row in failed]
    return deskbot.cliq_messages


async def test_a_closed_ticket_reaches_its_owner_by_dm_once(deskbot: Deskbot) -> None:
    await installed(deskbot)
    await change(deskbot, 115, actor="maria@example.com", status="Closed")
    [message] = await settle(deskbot)
    assert (message["target_kind"], message["target"]) == ("user", "agent@example.com")
    body = message["body"]
    assert "Ticket closed" in body["text"] and "by Maria Garcia" in body["text"]
    assert [b["label"] for b in body["buttons"]] == ["Status", "Assign", "Reply", "Comment"]
    assert await settle(deskbot) == [message]  # nothing more, however often we look


async def test_with_dms_off_it_goes_to_the_org_channel_or_the_mapped_one(deskbot: Deskbot) -> None:
    await installed(deskbot)
    await deskbot.parts.settings.put("dm_owner", False)
    await change(deskbot, 115, actor="maria@example.com", status="On Hold")
    [first] = await settle(deskbot)
    assert (first["target_kind"], first["target"]) == ("channel", "desk")
    await deskbot.parts.cliq.create_channel("support")
    await deskbot.parts.cliq.add_bot_to_channel("support")
    await deskbot.parts.settings.map_department("5000000000001", "support", at=deskbot.clock.now())
    await change(deskbot, 115, actor="maria@example.com", status="Open")
    everything = await settle(deskbot)
    assert len(everything) == 2, everything
    second = everything[-1]
    assert (second["target_kind"], second["target"]) == ("channel", "support")
    assert "Ticket reopened" not in second["body"]["text"]  # On Hold → Open is a status change
    assert "Status changed" in second["body"]["text"]


async def test_no_self_notification_and_switches(deskbot: Deskbot) -> None:
    await installed(deskbot)
    await change(deskbot, 115, actor="agent@example.com", status="On Hold")  # the owner acts
    assert await settle(deskbot) == []
    await deskbot.parts.settings.switch(Kind.STATUS_CHANGED, where="dm", on=False)
    await deskbot.parts.settings.switch(Kind.STATUS_CHANGED, where="channel", on=False)
    await change(deskbot, 115, actor="maria@example.com", status="Open")
    assert await settle(deskbot) == []
    await change(deskbot, 115, actor="maria@example.com", status="Escalated")
    [escalated] = await settle(deskbot)  # escalation is its own kind, still switched on
    assert "Escalated" in escalated["body"]["text"]


async def test_a_mention_in_a_comment_is_a_dm(deskbot: Deskbot) -> None:
    await installed(deskbot)
    kenji = await deskbot.parts.directory.by_email("kenji@example.com")
    assert kenji is not None
    await comment(
        deskbot, 115, actor="maria@example.com", content=f"zsu[@user:{kenji.zuid}]zsu can you help?"
    )
    targets = sorted((m["target"], m["body"]["text"].split("\n")[0]) for m in await settle(deskbot))
    assert targets == [
        ("agent@example.com", "*Comment added* by Maria Garcia"),
        ("kenji@example.com", "*メンション*(操作: Maria Garcia)"),  # his Desk profile: ja_JP
    ]


async def test_the_same_event_delivered_twice_is_posted_once(deskbot: Deskbot) -> None:
    url = await installed(deskbot)
    await change(deskbot, 115, actor="maria@example.com", status="Closed")
    sandbox = deskbot.parts.sandboxes
    assert sandbox is not None
    await sandbox.desk.deliverer.idle()
    [event] = sandbox.desk.deliverer.delivered
    [hook] = await sandbox.desk.webhooks()
    token = sandbox.desk.deliverer.jwt_for(hook["id"])
    again = await deskbot.client.post("/desk/events", json=[event], headers={"X-ZDesk-JWT": token})
    assert (await again.json())["duplicates"] == 1
    assert len(await settle(deskbot)) == 1
    assert url


async def test_the_events_endpoint_refuses_bad_input(deskbot: Deskbot) -> None:
    await installed(deskbot)
    assert (await deskbot.client.get("/desk/events")).status == 200
    unsigned = await deskbot.client.post("/desk/events", json=[])
    assert unsigned.status == 401 and (await unsigned.json())["error"] == "unauthorized"
    forged = await deskbot.client.post("/desk/events", json=[], headers={"X-ZDesk-JWT": "a.b.c"})
    assert forged.status == 401
    sandbox = deskbot.parts.sandboxes
    assert sandbox is not None
    [hook] = await sandbox.desk.webhooks()
    headers = {"X-ZDesk-JWT": sandbox.desk.deliverer.jwt_for(hook["id"])}
    broken = await deskbot.client.post("/desk/events", data=b"[{", headers=headers)
    assert broken.status == 400 and "JSON" in (await broken.json())["reason"]
    good = {
        "eventType": "Ticket_Add",
        "eventTime": "1772413200000",
        "orgId": "700000001",
        "payload": {"id": "1166045000000000115", "subject": "x"},
    }
    mixed = await deskbot.client.post(
        "/desk/events", json=[good, {"eventType": "Ticket_Add"}], headers=headers
    )
    body = await mixed.json()
    assert mixed.status == 200 and body["accepted"] == 1 and len(body["rejected"]) == 1
    other_aud = sandbox.desk.deliverer.jwt_for("12345")
    wrong = await deskbot.client.post(
        "/desk/events", json=[good], headers={"X-ZDesk-JWT": other_aud}
    )
    assert wrong.status == 401


async def test_cliq_outages_delay_but_never_lose_or_double_a_post(deskbot: Deskbot) -> None:
    await installed(deskbot)
    sandbox = deskbot.parts.sandboxes
    assert sandbox is not None
    sandbox.cliq.fail("503", 2)
    sandbox.cliq.fail("429", 1, retry_after=30)
    sandbox.cliq.fail("limit", 1, retry_after=60)
    await change(deskbot, 115, actor="maria@example.com", status="Closed")
    assert await settle(deskbot) == []  # 503
    for _ in range(8):
        deskbot.clock.advance(minutes=2)
        await deskbot.parts.sender.run_once()
    assert len(deskbot.cliq_messages) == 1
    counts = await deskbot.parts.outbox.counts()
    assert counts == {"delivered": 1, "dead": 0, "waiting": 0, "rerouted": 0}


async def test_a_permanent_refusal_becomes_a_dead_letter(deskbot: Deskbot) -> None:
    await installed(deskbot)
    await deskbot.parts.settings.put("dm_owner", False)
    await deskbot.parts.settings.map_department("5000000000001", "nowhere", at=deskbot.clock.now())
    await change(deskbot, 115, actor="maria@example.com", status="Closed")
    assert await settle(deskbot) == []
    [dead] = await deskbot.parts.outbox.dead_letters()
    assert dead.target == "nowhere" and "channel_not_exist" in (dead.last_error or "")
    await deskbot.parts.cliq.create_channel("nowhere")
    await deskbot.parts.cliq.add_bot_to_channel("nowhere")
    assert await deskbot.parts.outbox.revive(dead.id)
    assert len(await settle(deskbot)) == 1


async def test_uninstall_stops_the_posts(deskbot: Deskbot) -> None:
    url = await installed(deskbot)
    done = await deskbot.parts.installation.uninstall(url)
    assert any("removed the Desk webhook" in line for line in done)
    await change(deskbot, 115, actor="maria@example.com", status="Closed")
    assert await settle(deskbot) == []


@pytest.mark.parametrize("dm_owner", [True, False])
async def test_a_new_unassigned_ticket_goes_to_the_channel(
    deskbot: Deskbot, dm_owner: bool
) -> None:
    await installed(deskbot)
    await deskbot.parts.settings.put("dm_owner", dm_owner)
    sandbox = deskbot.parts.sandboxes
    assert sandbox is not None
    async with deskbot.client.session.post(
        f"{sandbox.urls['desk']}/sandbox/tickets", json={"subject": "Printer on fire"}
    ) as response:
        assert response.status == 201
    [message] = await settle(deskbot)
    assert (message["target_kind"], message["target"]) == ("channel", "desk")
    assert "Ticket created" in message["body"]["text"]


async def test_a_blueprint_step_waiting_on_the_owner_is_in_their_dm(deskbot: Deskbot) -> None:
    await installed(deskbot)
    await change(deskbot, 115, actor="maria@example.com", status="Escalated")
    [dm] = await settle(deskbot)
    assert dm["target"] == "agent@example.com"
    assert (
        "Blueprint step waiting" in dm["body"]["text"]
        and "Waiting on you: Resolve" in dm["body"]["text"]
    )


async def test_only_the_owner_a_blueprint_step_waits_on_reads_waiting_on_you(
    deskbot: Deskbot,
) -> None:
    """Escalated and handed to another owner in one change: the new owner is told the step
    waits on them; the previous owner (and, with DMs off, the channel) hear of the owner
    change without a "Waiting on you" that is not theirs."""
    await installed(deskbot)
    await change(
        deskbot, 115, actor="maria@example.com", status="Escalated", assignee="admin@example.com"
    )
    posts = {p["target"]: p["body"]["text"] for p in await settle(deskbot)}
    assert "Waiting on you: Resolve" in posts["admin@example.com"], posts
    assert "Owner changed" in posts["agent@example.com"], posts
    assert "Waiting on you" not in posts["agent@example.com"], posts
    await deskbot.parts.settings.put("dm_owner", False)
    await change(deskbot, 1085, actor="maria@example.com", status="Escalated")
    for post in await settle(deskbot):
        assert post["target_kind"] == "user" or "Waiting on you" not in post["body"]["text"]


async def test_comment_edits_and_tasks_arrive_too(deskbot: Deskbot) -> None:
    await installed(deskbot)
    sandbox = deskbot.parts.sandboxes
    assert sandbox is not None
    base = sandbox.urls["desk"]
    session = deskbot.client.session
    await comment(deskbot, 115, actor="maria@example.com", content="first words")
    [added] = await settle(deskbot)
    comments = await deskbot.parts.desk.comments("1166045000000000115")
    mine = next(c for c in comments if c.content == "first words")
    async with session.patch(
        f"{base}/sandbox/comments/{mine.id}",
        json={"actor": "maria@example.com", "content": "better words"},
    ) as r:
        assert r.status == 200
    async with session.post(
        f"{base}/sandbox/tickets/115/tasks",
        json={"actor": "maria@example.com", "subject": "Call back", "owner": "agent@example.com"},
    ) as r:
        task = await r.json()
    async with session.patch(
        f"{base}/sandbox/tasks/{task['id']}",
        json={"actor": "maria@example.com", "status": "Completed"},
    ) as r:
        assert r.status == 200
    texts = [m["body"]["text"].split("\n")[0] for m in (await settle(deskbot))[1:]]
    assert texts == [
        "*Comment edited* by Maria Garcia",
        "*Activity created* by Maria Garcia",
        "*Activity completed* by Maria Garcia",
    ]
    assert added["target"] == "agent@example.com"


async def test_the_announced_ticket_is_found_at_once(deskbot: Deskbot) -> None:
    """Desk's search index lags new tickets (the sandbox keeps them out of search for
    `search_lag_minutes`): `/ticket <number>` right after "Ticket created" still finds it."""
    await installed(deskbot)
    sandbox = deskbot.parts.sandboxes
    assert sandbox is not None and sandbox.desk.search_lag.total_seconds() > 0
    async with deskbot.client.session.post(
        f"{sandbox.urls['desk']}/sandbox/tickets",
        json={"subject": "Badge reader offline", "actor": "maria@example.com"},
    ) as response:
        number = (await response.json())["ticketNumber"]
    posts = await settle(deskbot)
    assert any("Badge reader offline" in m["body"]["text"] for m in posts)
    assert await deskbot.parts.desk.search(ticket_number=number) == []  # not indexed yet
    answer = await deskbot.chat().command("ticket", number)
    assert answer.title.startswith(f"#{number} ") and "Badge reader offline" in answer.title
