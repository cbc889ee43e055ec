"""`/console/outbox` (issue 15): the posts Cliq did not take (dead letters) and the Desk events
parked in the inbox, with retry and drop — the rows and operations of `deskbot outbox|inbox`.
Admins only; every button needs its CSRF token."""

from __future__ import annotations

import json

from bot.store.db import stamp
from tests.console.conftest import Console, signed_in_as
from tests.deskbot.conftest import Deskbot

ADMIN = "admin@example.com"


async def dead_post(deskbot: Deskbot) -> int:
    """A post to a channel Cliq does not have: Cliq refuses it for good, so it is dead."""
    await deskbot.parts.sender.queue(
        "channel", "nowhere", {"text": "Hello nowhere"}, dedupe_key="test:nowhere"
    )
    await deskbot.deliver()
    [dead] = await deskbot.parts.outbox.dead_letters()
    return dead.id


async def parked_event(
    deskbot: Deskbot,
    key: str = "test:event",
    number: str = "115",
    reason: str = "Desk: the ticket is gone (404)",
) -> int:
    """An event Desk refused for good, stored dead in one transaction. Added live and parked
    afterwards it raced the app's running notifier (woken by the add), which could take it
    first; stored dead, no worker ever sees it alive."""
    async with deskbot.parts.db.transaction() as tx:
        await tx.execute(
            "INSERT INTO inbox (dedupe_key, event_type, body, received_at, attempts, last_error,"
            " dead_at) VALUES (?, ?, ?, ?, 1, ?, ?)",
            (
                key,
                "Ticket_Update",
                json.dumps({"payload": {"ticketNumber": number}}),
                stamp(deskbot.clock.now()),
                reason,
                stamp(deskbot.clock.now()),
            ),
        )
    row = await deskbot.parts.db.fetchone("SELECT id FROM inbox WHERE dedupe_key = ?", (key,))
    assert row is not None
    return int(row["id"])


async def act(admin: Console, path: str) -> tuple[int, str]:
    answer = await admin.post(path, {"csrf": await admin.csrf()})
    return answer.status, await answer.text()


async def test_an_agent_is_refused_the_outbox(deskbot: Deskbot) -> None:
    post = await dead_post(deskbot)
    agent = await signed_in_as(deskbot, "agent@example.com")
    assert (await agent.get("/console/outbox")).status == 403
    status, _ = await act(agent, f"/console/outbox/posts/{post}/drop")
    assert status == 403
    assert [p.id for p in await deskbot.parts.outbox.dead_letters()] == [post]


async def test_dead_letters_and_parked_events_are_listed(deskbot: Deskbot) -> None:
    post, event = await dead_post(deskbot), await parked_event(deskbot)
    admin = await signed_in_as(deskbot, ADMIN)
    page = await (await admin.get("/console/outbox")).text()
    assert f'<th scope="row">{post}</th><td>channel #nowhere</td><td>Hello nowhere</td>' in page
    assert f'<th scope="row">{event}</th><td>Ticket_Update</td><td>#115</td>' in page
    assert "Desk: the ticket is gone (404)" in page
    assert f'action="/console/outbox/posts/{post}/retry"' in page
    assert f'action="/console/outbox/events/{event}/drop"' in page


async def test_a_retried_post_is_delivered_once_the_channel_exists(deskbot: Deskbot) -> None:
    post = await dead_post(deskbot)
    await deskbot.parts.cliq.create_channel("nowhere")
    await deskbot.parts.cliq.add_bot_to_channel("nowhere")
    admin = await signed_in_as(deskbot, ADMIN)
    status, page = await act(admin, f"/console/outbox/posts/{post}/retry")
    assert status == 200 and f"The post {post} is queued again." in page
    await deskbot.deliver()
    assert [m["body"]["text"] for m in deskbot.cliq_messages] == ["Hello nowhere"]
    assert await deskbot.parts.outbox.dead_letters() == []
    status, page = await act(admin, f"/console/outbox/posts/{post}/retry")  # twice: nothing
    assert status == 409 and "There is no dead post" in page


async def test_dropping_and_retrying_a_parked_event(deskbot: Deskbot) -> None:
    first = await parked_event(deskbot)
    admin = await signed_in_as(deskbot, ADMIN)
    status, page = await act(admin, f"/console/outbox/events/{first}/drop")
    assert status == 200 and f"The Desk event {first} is dropped." in page
    assert await deskbot.parts.inbox.dead_letters() == []
    second = await parked_event(deskbot, "test:other", "116", "refused")
    status, page = await act(admin, f"/console/outbox/events/{second}/retry")
    assert status == 200 and f"The Desk event {second} is queued again." in page
    # the notifier (woken) takes it up again: this body is no Desk event, so it fails anew
    while await deskbot.parts.notifier.run_once():
        pass
    row = await deskbot.parts.db.fetchone("SELECT last_error FROM inbox WHERE id = ?", (second,))
    assert row is not None and row["last_error"] != "refused"


async def test_a_forged_or_unknown_row_changes_nothing(deskbot: Deskbot) -> None:
    post = await dead_post(deskbot)
    admin = await signed_in_as(deskbot, ADMIN)
    answer = await admin.post(f"/console/outbox/posts/{post}/drop", {"csrf": "forged"})
    assert answer.status == 403
    for path in (
        "/console/outbox/posts/999/drop",
        "/console/outbox/posts/abc/drop",
        f"/console/outbox/posts/{post}/explode",
        "/console/outbox/" + "9" * 30 + "/retry",
    ):
        status, _ = await act(admin, path)
        assert status in (404, 409), path
    assert [p.id for p in await deskbot.parts.outbox.dead_letters()] == [post]
