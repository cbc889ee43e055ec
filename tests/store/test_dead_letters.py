"""Parking, on both engines: inbox events and outbox posts become dead letters through one
function (bot/store/dead_letters.py), with the same stored shape and one log line each."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from bot.clock import FrozenClock
from bot.store import dead_letters
from bot.store.db import Database
from bot.store.inbox import MAX_ATTEMPTS, Inbox
from bot.store.outbox import Outbox

LONG = "AttributeError: " + "x" * 900
KEPT = LONG[: dead_letters.REASON_CHARS]


@pytest.fixture
async def store(store_url: str) -> AsyncIterator[Database]:
    db = await Database.open(store_url)
    yield db
    await db.close()


async def dead_row(db: Database, table: str, row_id: int) -> dict[str, object]:
    row = await db.fetchone(
        f"SELECT dead_at, last_error, attempts, claimed_by, claim_token FROM {table} WHERE id = ?",
        (row_id,),
    )
    assert row is not None
    return dict(row)


async def test_events_and_posts_are_parked_alike_and_logged_once(
    store: Database, clock: FrozenClock, caplog: pytest.LogCaptureFixture
) -> None:
    inbox, outbox = Inbox(store, clock), Outbox(store, clock)
    await inbox.setup()
    await outbox.setup()
    await inbox.add([("e1", "Ticket_Add", {"n": 1})])
    await outbox.enqueue(None, "channel", "gone", {"text": "x"}, "k1")

    [failing] = await inbox.claim()
    for _ in range(MAX_ATTEMPTS - 1):  # an event that keeps failing: retried, then parked
        async with store.transaction() as tx:
            assert await inbox.failed(tx, failing, LONG, clock.now() + timedelta(minutes=1))
        assert await inbox.claim() == []  # not before its next attempt
        clock.advance(timedelta(minutes=1))
        [failing] = await inbox.claim()
    await inbox.add([("e2", "Ticket_Add", {"n": 2})])
    [failing, refused] = await inbox.claim()
    assert failing.last_try
    [post] = await outbox.claim()
    assert await outbox.sending(post)
    with caplog.at_level(logging.ERROR, logger="bot.store.dead_letters"):
        async with store.transaction() as tx:
            assert await inbox.park(tx, refused, LONG)  # a permanent answer: at once
            assert await inbox.failed(tx, failing, LONG, clock.now())  # its last try
        assert await outbox.dead(post, LONG)
    lines = [r.getMessage() for r in caplog.records if r.name == "bot.store.dead_letters"]
    assert lines == [
        f"event {refused.id} parked as dead after 1 attempt(s): {KEPT}",
        f"event {failing.id} parked as dead after {MAX_ATTEMPTS} attempt(s): {KEPT}",
        f"post {post.id} parked as dead after 1 attempt(s): {KEPT}",
    ]
    for table, row_id, attempts in (
        ("inbox", refused.id, 1),
        ("inbox", failing.id, MAX_ATTEMPTS),
        ("outbox", post.id, 1),
    ):
        row = await dead_row(store, table, row_id)
        assert row["dead_at"] and row["last_error"] == KEPT
        assert row["attempts"] == attempts
        assert row["claimed_by"] is None and row["claim_token"] is None
    sending = await store.fetchone("SELECT sending_since FROM outbox WHERE id = ?", (post.id,))
    assert sending is not None and sending["sending_since"] is None  # no longer in flight
    assert [e.id for e in await inbox.dead_letters()] == [failing.id, refused.id]
    assert [p.id for p in await inbox.dead_letters(1)] == [failing.id]
    assert [p.id for p in await outbox.dead_letters()] == [post.id]

    # Revived, each as its queue starts over: an event with fresh attempts, a post due now.
    assert await inbox.revive(failing.id) and not await inbox.revive(failing.id)
    assert await outbox.revive(post.id) and not await outbox.revive(post.id)
    [again] = await inbox.claim()
    assert again.id == failing.id and again.attempts == 0 and not again.last_try
    [post_again] = await outbox.claim()
    assert post_again.id == post.id and post_again.state == "waiting"


async def test_a_lost_claim_parks_nothing(
    store: Database, clock: FrozenClock, caplog: pytest.LogCaptureFixture
) -> None:
    outbox = Outbox(store, clock)
    await outbox.setup()
    await outbox.enqueue(None, "channel", "gone", {"text": "x"}, "k1")
    [earlier] = await outbox.claim()
    [later] = await outbox.claim()  # claimed anew: the earlier claim is over
    with caplog.at_level(logging.ERROR, logger="bot.store.dead_letters"):
        assert not await outbox.dead(earlier, "refused")
    assert not [r for r in caplog.records if r.name == "bot.store.dead_letters"]
    assert await outbox.counts() == {"delivered": 0, "dead": 0, "waiting": 1, "rerouted": 0}
    assert await outbox.dead(later, "refused")
