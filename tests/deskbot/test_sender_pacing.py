"""The sender stays under Cliq's 50 calls a minute per posting endpoint, whatever Cliq answers,
and real-time posts go before bulk reminders (DESIGN §4; messages.yml's posting limit)."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

import pytest

from bot.store.outbox import BULK, URGENT
from tests.deskbot.conftest import Deskbot
from tests.deskbot.test_notifications import installed, settle

STRANGER = "newcomer@example.com"  # never opened the bot's chat: DMs are refused


def count_calls(deskbot: Deskbot, monkeypatch: pytest.MonkeyPatch) -> dict[str, list[datetime]]:
    """Every call the sender makes to a posting endpoint, by endpoint, with its time."""
    calls: dict[str, list[datetime]] = defaultdict(list)
    poster = deskbot.parts.sender._poster
    real = poster.deliver

    async def deliver(target_kind: str, target: str, payload: Mapping[str, Any]) -> Any:
        calls[target_kind].append(deskbot.clock.now())
        return await real(target_kind, target, payload)

    monkeypatch.setattr(poster, "deliver", deliver)
    return calls


def busiest_minute(times: list[datetime]) -> int:
    """The most calls made within any 60 seconds."""
    return max(
        (sum(1 for t in times if start <= t < start + timedelta(minutes=1)) for start in times),
        default=0,
    )


async def run_for(deskbot: Deskbot, minutes: int, step_seconds: int = 5) -> None:
    """Send rounds every few seconds of (frozen, advanced) time."""
    for _ in range(minutes * 60 // step_seconds):
        await deskbot.deliver()
        deskbot.clock.advance(seconds=step_seconds)


async def queue(deskbot: Deskbot, kind: str, count: int) -> None:
    """`count` bulk posts whose calls Cliq answers in the way `kind` names."""
    outbox = deskbot.parts.outbox
    sandbox = deskbot.parts.sandboxes
    assert sandbox is not None
    if kind in ("503", "lost"):
        sandbox.cliq.fail(kind, count // 2)  # the first calls fail; all are over after 2 minutes
    for n in range(count):
        target_kind, target, fallback = {
            "refused_dm": ("user", STRANGER, "desk"),  # botmessage_no_valid_users → #desk
            "dead": ("channel", "nowhere", None),  # channel_not_exist: a dead letter
            "503": ("channel", "desk", None),  # failed: tried again later
            "lost": ("channel", "desk", None),  # accepted, answer lost: checked, not reposted
        }[kind]
        await outbox.enqueue(
            None,
            target_kind,
            target,
            {"text": f"due soon {n}"},
            f"{kind}:{n}",
            fallback=fallback,
            priority=BULK,
        )


@pytest.mark.parametrize("kind", ["refused_dm", "dead", "503", "lost"])
async def test_every_call_counts_towards_the_pace_so_cliq_never_locks_the_bot_out(
    deskbot: Deskbot, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    """A burst of posts Cliq refuses, fails or loses uses the endpoint's budget like accepted
    ones; an event notification made afterwards is delivered at once, never behind the
    10-minute lock (the sandbox Cliq's posting limit is on)."""
    await installed(deskbot)
    sandbox = deskbot.parts.sandboxes
    assert sandbox is not None and sandbox.cliq.switches.posting_limit
    calls = count_calls(deskbot, monkeypatch)
    await queue(deskbot, kind, 150)
    await run_for(deskbot, minutes=3)
    if kind == "refused_dm":
        assert (await deskbot.parts.outbox.counts())["rerouted"] > 0
    pace = deskbot.parts.config.notifications.posts_per_minute
    assert sum(map(len, calls.values())) > pace  # the burst needed more than a minute
    assert all(busiest_minute(times) <= pace for times in calls.values())
    before = len(sandbox.cliq.messages)
    await deskbot.parts.outbox.enqueue(None, "channel", "desk", {"text": "Ticket created"}, "e")
    await deskbot.parts.outbox.enqueue(
        None, "user", "agent@example.com", {"text": "Ticket assigned"}, "d", fallback="desk"
    )
    await deskbot.deliver()
    texts = [m["body"].get("text") for m in sandbox.cliq.messages[before:]]
    assert "Ticket created" in texts and "Ticket assigned" in texts
    for post in await deskbot.parts.outbox.waiting(1000):
        assert "rate limited" not in (post.last_error or ""), post
    for post in await deskbot.parts.outbox.dead_letters():
        assert "request_limit_exceeded" not in (post.last_error or ""), post


async def test_a_locked_endpoint_waits_for_the_lock_instead_of_calling_again(
    deskbot: Deskbot, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Locked out anyway (another client used the token): one call learns it, the rest of the
    endpoint's posts wait for the lock's end, and other endpoints go on. The log says so once,
    with the lock's end (the posts waited ten minutes without a word)."""
    caplog.set_level(logging.WARNING, logger="bot.workers.sender")
    await installed(deskbot)
    sandbox = deskbot.parts.sandboxes
    assert sandbox is not None
    calls = count_calls(deskbot, monkeypatch)
    sandbox.cliq.fail("limit", 1, retry_after=600)
    for n in range(10):
        await deskbot.parts.outbox.enqueue(None, "channel", "desk", {"text": f"c{n}"}, f"c{n}")
    await deskbot.parts.outbox.enqueue(
        None, "user", "agent@example.com", {"text": "dm"}, "dm", fallback="desk"
    )
    await deskbot.deliver()
    assert len(calls["channel"]) == 1 and len(calls["user"]) == 1
    deskbot.clock.advance(minutes=5)
    await deskbot.deliver()
    assert len(calls["channel"]) == 1
    deskbot.clock.advance(minutes=5, seconds=1)
    await deskbot.deliver()
    assert len(calls["channel"]) == 11
    assert (await deskbot.parts.outbox.counts())["waiting"] == 0
    locked = [r.getMessage() for r in caplog.records if "Cliq limits" in r.getMessage()]
    assert locked == [
        "Cliq limits the bot's channel posts (request_limit_exceeded): nothing more is posted"
        " there until 2026-03-02T01:10:00+00:00"
    ], locked


async def test_real_time_posts_go_before_bulk_reminders_within_the_pace(deskbot: Deskbot) -> None:
    """Due-soon reminders fill the outbox; a ticket created meanwhile is posted at once, not
    after the reminders have used the minute's budget of #desk."""
    await installed(deskbot)
    sandbox = deskbot.parts.sandboxes
    assert sandbox is not None
    outbox = deskbot.parts.outbox
    for n in range(120):
        await outbox.enqueue(None, "channel", "desk", {"text": f"r{n}"}, f"r{n}", priority=BULK)
    await deskbot.deliver()
    sent = len(sandbox.cliq.messages)
    pace = deskbot.parts.config.notifications.posts_per_minute
    assert 0 < sent < pace  # bulk leaves part of the minute to real-time posts
    deskbot.clock.advance(seconds=20)
    async with deskbot.client.session.post(
        f"{sandbox.urls['desk']}/sandbox/tickets", json={"subject": "Printer on fire"}
    ) as response:
        assert response.status == 201
    await settle(deskbot)  # no time passes: only what may go now
    created = [m for m in sandbox.cliq.messages[sent:] if "Ticket created" in m["body"]["text"]]
    assert len(created) == 1
    # Queued together, the real-time post is sent first.
    deskbot.clock.advance(minutes=1)
    await outbox.enqueue(None, "channel", "desk", {"text": "late bulk"}, "lb", priority=BULK)
    await outbox.enqueue(None, "channel", "desk", {"text": "answer"}, "a", priority=URGENT)
    [first, *_] = await outbox.due(1)
    assert first.dedupe_key == "a"


async def test_a_priority_other_than_urgent_or_bulk_is_refused(deskbot: Deskbot) -> None:
    with pytest.raises(ValueError, match="URGENT"):
        await deskbot.parts.outbox.enqueue(None, "channel", "desk", {}, "x", priority=7)
