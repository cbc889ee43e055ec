"""Desk editions without webhooks (Free, Standard): install falls back to polling, and the
same notifications arrive through the same inbox with the same dedupe (issue 9)."""

from __future__ import annotations

import asyncio
import contextlib

import pytest

from bot.config import Config
from bot.desk.errors import DeskError
from tests.deskbot.conftest import Deskbot
from tests.deskbot.test_notifications import change, comment, settle
from tests.deskbot.test_worker_waits import asleep


@pytest.fixture
def config(config: Config) -> Config:
    sandbox = config.sandbox.model_copy(update={"desk_edition": "standard"})
    return config.model_copy(update={"sandbox": sandbox})


async def polled(deskbot: Deskbot) -> int:
    """One poll a minute later, then the inbox and outbox worked off; events stored."""
    deskbot.clock.advance(minutes=1)
    return await deskbot.parts.poller.run_once()


async def test_without_webhooks_install_polls_and_says_so(deskbot: Deskbot) -> None:
    url = str(deskbot.client.make_url("")).rstrip("/")
    deskbot.subscribe()
    done = await deskbot.parts.installation.install(url)
    assert any("Desk events: polling" in line for line in done)
    assert not any("subscribed" in line for line in done)
    assert await deskbot.parts.installation.install(url) == []  # twice changes nothing
    health = await (await deskbot.client.get("/healthz")).json()
    assert health["desk_events"]["mode"] == "polling"
    assert health["desk_events"]["poll_seconds"] == 60
    assert await deskbot.parts.desk.webhooks() == []


async def test_polling_brings_the_same_notifications_once(deskbot: Deskbot) -> None:
    url = str(deskbot.client.make_url("")).rstrip("/")
    deskbot.subscribe()
    await deskbot.parts.installation.install(
        url
    )  # its first poll starts the clock: changes from now on
    assert await deskbot.parts.settings.get("poll:tickets_since") is not None
    await change(deskbot, 115, actor="maria@example.com", status="Closed")
    assert await polled(deskbot) == 1
    [closed] = await settle(deskbot)
    assert (closed["target_kind"], closed["target"]) == ("user", "agent@example.com")
    assert "Ticket closed" in closed["body"]["text"] and "by Maria Garcia" in closed["body"]["text"]
    assert await polled(deskbot) == 0  # the overlapping window sees it again: deduped
    assert await settle(deskbot) == [closed]

    sandbox = deskbot.parts.sandboxes
    assert sandbox is not None
    async with deskbot.client.session.post(
        f"{sandbox.urls['desk']}/sandbox/tickets",
        json={"subject": "Scanner jams on A3", "actor": "maria@example.com"},
    ) as response:
        created = await response.json()
    assert await polled(deskbot) == 1  # new tickets come from the list, not the lagging search
    posts = list(await settle(deskbot))
    assert any("Scanner jams on A3" in m["body"]["text"] for m in posts[1:])

    await comment(deskbot, 115, actor="maria@example.com", content="Replacement sent.")
    assert await polled(deskbot) == 1
    [commented] = (await settle(deskbot))[len(posts) :]
    assert commented["target"] == "agent@example.com"
    assert "Comment added* by Maria Garcia" in commented["body"]["text"]
    assert await polled(deskbot) == 0
    assert int(created["ticketNumber"]) > 2000


async def test_a_poll_that_fails_midway_loses_no_change(deskbot: Deskbot) -> None:
    """Desk failing part-way through a poll (the search answered, the comments read failed)
    must not leave a snapshot of a change whose events were never stored: the next poll
    announces both the status change and the comment."""
    url = str(deskbot.client.make_url("")).rstrip("/")
    deskbot.subscribe()
    await deskbot.parts.installation.install(url)
    await change(deskbot, 115, actor="maria@example.com", status="On Hold")
    await comment(deskbot, 115, actor="maria@example.com", content="Waiting on the courier.")
    sandbox = deskbot.parts.sandboxes
    assert sandbox is not None
    sandbox.desk.fail(404, "URL_NOT_FOUND", count=1, path="/comments")
    deskbot.clock.advance(minutes=1)
    with pytest.raises(DeskError):
        await deskbot.parts.poller.run_once()
    assert sandbox.desk.faults == []  # the failure came where meant: after the search answered
    assert await polled(deskbot) == 2
    texts = [m["body"]["text"] for m in await settle(deskbot)]
    assert any("On Hold" in t for t in texts) and any("Comment added" in t for t in texts)


async def test_the_poller_polls_again_when_the_clock_has_moved_its_interval(
    deskbot: Deskbot, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = str(deskbot.client.make_url("")).rstrip("/")
    deskbot.subscribe()
    await deskbot.parts.installation.install(url)  # its first poll starts the window
    poller = deskbot.parts.poller
    polls: list[int] = []
    polled_now = asyncio.Event()
    poll = poller.run_once

    async def counted() -> int:
        polls.append(await poll())
        polled_now.set()
        return polls[-1]

    monkeypatch.setattr(poller, "run_once", counted)
    running = asyncio.ensure_future(poller.run_forever(60))
    try:
        await asyncio.wait_for(polled_now.wait(), 30)  # the loop's first poll, at once
        await change(deskbot, 115, actor="maria@example.com", status="Closed")
        polled_now.clear()
        await asleep(deskbot.clock, 60)
        deskbot.clock.advance(seconds=59)  # not yet: the poller sleeps on for the last second
        await asleep(deskbot.clock, 1)
        assert polls == [0]
        deskbot.clock.advance(seconds=1)  # its minute has passed: it polls, no real time spent
        await asyncio.wait_for(polled_now.wait(), 30)
        assert polls == [0, 1]  # and finds the change
    finally:
        running.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await running
    [closed] = await settle(deskbot)
    assert "Ticket closed" in closed["body"]["text"]
