"""The notifier under bad events and a Desk outage (issue 10 items 1, 2, 8), end to end: the
sandbox Desk delivers signed events, the real app stores and processes them, the sandbox Cliq
receives the posts. Time passes on the injected clock only."""

from __future__ import annotations

from typing import Any

from bot.app import create_app
from bot.config import Config
from tests.deskbot.conftest import Deskbot, parts_of
from tests.deskbot.test_notifications import change, installed, settle

POISON: list[dict[str, Any]] = [
    {  # a comment event whose commenter is a string, not an object
        "eventType": "Ticket_Comment_Add",
        "eventTime": "1772413260000",
        "orgId": "700000001",
        "payload": {"id": "9001", "ticketId": "1166045000000000115", "commenter": "maria"},
    },
    {  # an activity whose ticket id is an object
        "eventType": "Task_Add",
        "eventTime": "1772413260001",
        "orgId": "700000001",
        "payload": {"id": "9002", "ticketId": {"nested": True}, "subject": "x"},
    },
]


# Three changes, each told in one post to #desk (DMs are off): 117 is Maria's ticket, so
# someone else reopens it (her own change would tell nobody, SPEC D3).
CHANGES = ((115, "On Hold"), (116, "On Hold"), (117, "Open"))


async def deliver_signed(deskbot: Deskbot, events: list[dict[str, Any]]) -> None:
    """POST events to /desk/events as the sandbox Desk signs them (a valid X-ZDesk-JWT)."""
    sandbox = deskbot.parts.sandboxes
    assert sandbox is not None
    [hook] = await sandbox.desk.webhooks()
    token = sandbox.desk.deliverer.jwt_for(hook["id"])
    got = await deskbot.client.post("/desk/events", json=events, headers={"X-ZDesk-JWT": token})
    assert got.status == 200, await got.text()


async def rounds(deskbot: Deskbot, seconds: int, step: int = 5) -> list[dict[str, Any]]:
    """Run the workers as time passes on the injected clock; what Cliq received (events that
    fail on purpose are retried as the clock moves)."""
    for _ in range(0, seconds, step):
        await settle(deskbot, retries_ok=True)
        deskbot.clock.advance(seconds=step)
    return await settle(deskbot, retries_ok=True)


async def test_poison_events_are_parked_and_every_good_one_is_posted(
    deskbot: Deskbot, aiohttp_client, config: Config
) -> None:  # type: ignore[no-untyped-def]
    await installed(deskbot)
    await deskbot.parts.settings.put("dm_owner", False)
    await deliver_signed(deskbot, POISON)  # first in the inbox: before the good ones
    for number, status in CHANGES:
        await change(deskbot, number, actor="emma@example.com", status=status)
    posted = await rounds(deskbot, 900, step=30)  # every retry of the poison ones is used up
    assert len(posted) == 3  # all good ones, each once
    counts = await deskbot.parts.inbox.counts()
    assert counts["dead"] == 2 and counts["pending"] == 0
    dead = await deskbot.parts.inbox.dead_letters()
    assert {d.event_type for d in dead} == {"Ticket_Comment_Add", "Task_Add"}
    assert all(d.attempts == 5 and d.last_error for d in dead)
    health = await (await deskbot.client.get("/healthz")).json()
    assert health["queues"]["inbox"]["dead"] == 2
    # retried, they fail again on their own; dropped, they are gone; nothing else moves
    assert await deskbot.parts.inbox.revive(dead[0].id)
    await rounds(deskbot, 900, step=30)
    assert await deskbot.parts.inbox.drop(dead[1].id)
    assert (await deskbot.parts.inbox.counts())["dead"] == 1
    assert len(await settle(deskbot)) == 3
    # after a restart (a second app on the same database file) nothing is tried again
    again = await aiohttp_client(create_app(config, clock=deskbot.clock))
    restarted = parts_of(again.server.app)
    assert await restarted.notifier.run_once() == 0
    assert await restarted.inbox.counts() == await deskbot.parts.inbox.counts()


async def test_a_60s_desk_outage_loses_nothing(deskbot: Deskbot) -> None:
    await installed(deskbot)
    await deskbot.parts.settings.put("dm_owner", False)
    sandbox = deskbot.parts.sandboxes
    assert sandbox is not None
    sandbox.desk.fail(503, "INTERNAL_SERVER_ERROR", count=10**6)  # Desk's API down
    for number, status in CHANGES:
        await change(deskbot, number, actor="emma@example.com", status=status)  # events arrive
    await sandbox.desk.deliverer.idle()
    assert await rounds(deskbot, 60, step=1) == []  # a round every second for 60 s
    counts = await deskbot.parts.inbox.counts()
    assert counts["dead"] == 0 and counts["waiting"] == 3
    sandbox.desk.faults.clear()  # Desk is back
    posted = await rounds(deskbot, 65, step=5)  # within the capped wait (60 s)
    assert len(posted) == 3
    assert (await deskbot.parts.inbox.counts())["dead"] == 0


async def test_a_body_cannot_announce_a_change_desk_never_made(deskbot: Deskbot) -> None:
    await installed(deskbot)
    ticket = await deskbot.parts.desk.ticket_by_number(115)
    assert ticket.status_type != "Closed"
    forged = {
        "eventType": "Ticket_Update",
        "eventTime": "1772413270000",
        "orgId": "700000001",
        "payload": {
            "id": ticket.id,
            "status": "Closed",
            "statusType": "Closed",
            "assigneeId": ticket.assignee_id,
            "modifiedBy": "6000000001002",
        },
        "prevState": {"status": ticket.status, "statusType": ticket.status_type},
    }
    await deliver_signed(deskbot, [forged])
    assert await settle(deskbot) == []  # Desk says it is open: nothing to announce
    # a real change is announced; then the same claim replayed with a new time says nothing
    await change(deskbot, 115, actor="maria@example.com", status="Closed")
    [closed] = await settle(deskbot)
    assert "Ticket closed" in closed["body"]["text"]
    await deliver_signed(deskbot, [{**forged, "eventTime": "1772413290000"}])
    assert await settle(deskbot) == [closed]


async def test_an_outcome_that_cannot_be_written_fails_only_its_event(deskbot: Deskbot) -> None:
    """When one event's outcome cannot be written (here: its ticket's state, refused), the
    round is recorded one event at a time and only that event fails, to be retried alone."""
    await installed(deskbot)
    await deskbot.parts.settings.put("dm_owner", False)
    notifier = deskbot.parts.notifier
    states = notifier._states
    bad = (await deskbot.parts.desk.ticket_by_number(116)).id  # type: ignore[union-attr]

    class Refusing:
        async def get(self, ticket_id: str) -> Any:
            return await states.get(ticket_id)

        async def put(self, tx: Any, ticket_id: str, state: dict[str, Any]) -> None:
            if ticket_id == bad:
                raise ValueError("cannot store this state")
            await states.put(tx, ticket_id, state)

    notifier._states = Refusing()  # type: ignore[assignment]
    for number, status in CHANGES:
        await change(deskbot, number, actor="emma@example.com", status=status)
    posted = await settle(deskbot, retries_ok=True)
    assert len(posted) == 2  # the two others went out
    counts = await deskbot.parts.inbox.counts()
    assert counts["processed"] == 2 and counts["pending"] == 1 and counts["dead"] == 0
    notifier._states = states  # written again: the failed one goes out on its retry
    assert len(await rounds(deskbot, 10, step=5)) == 3
