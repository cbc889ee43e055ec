"""The sandbox world's one movable clock: `POST /sandbox/clock` moves Desk, Cliq and Accounts,
refuses what is not a forward move, and answers once every following bot ran its due work."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import aiohttp
import pytest

from bot.clock import FrozenClock, MovableClock
from bot.config import Config
from bot.sandbox.follow import ClockFollower
from bot.sandbox.run import start_sandboxes
from bot.sandbox.world import SandboxWorld


@pytest.mark.parametrize(
    "body",
    [
        {"minutes": -5},
        {"hours": -0.1},
        {"minutes": "30"},
        {"minutes": True},
        {"minutes": None},
        {"minutes": [30]},
        {"minutes": 10**9},
        {"days": 8},
        {"seconds": 1e308},
        {"minutes": 30, "hours": 1},
        {"weeks": 1},
        {},
        [30],
        "30",
        30,
    ],
)
async def test_a_bad_move_is_refused_with_json_and_moves_nothing(
    world: SandboxWorld, body: Any
) -> None:
    before = world.sandboxes.clock.now()
    url = f"{world.sandboxes.urls['desk']}/sandbox/clock"
    async with world.session.post(url, json=body) as response:
        assert response.status == 400
        answer = await response.json()
    assert answer["errorCode"] == "INVALID_DATA" and answer["message"]
    assert world.sandboxes.clock.now() == before


@pytest.mark.parametrize(
    "raw", [b"not json", b"NaN", b'{"minutes": NaN}', b'{"minutes": Infinity}']
)
async def test_a_body_that_is_not_a_number_of_minutes_is_refused(
    world: SandboxWorld, raw: bytes
) -> None:
    url = f"{world.sandboxes.urls['desk']}/sandbox/clock"
    async with world.session.post(url, data=raw) as response:
        assert response.status == 400
        assert (await response.json())["errorCode"] == "INVALID_DATA"
    assert world.sandboxes.clock.offset == timedelta(0)


async def test_one_move_moves_desk_cliq_and_accounts(world: SandboxWorld) -> None:
    urls = world.sandboxes.urls
    start = world.sandboxes.clock.now()
    token = await world.tokens.token()
    async with world.session.post(f"{urls['desk']}/sandbox/clock", json={"hours": 2}) as r:
        assert r.status == 200
        assert (await r.json())["offset_seconds"] == 7200
    async with world.session.post(
        f"{urls['desk']}/sandbox/tickets", json={"subject": "After the move"}
    ) as r:
        created = await r.json()
    assert created["createdTime"].startswith((start + timedelta(hours=2)).strftime("%Y-%m-%dT%H"))
    # Accounts: the access token issued before the move (1 hour) has expired since.
    assert world.sandboxes.registry.identity(token) is None
    # Cliq: a post is stamped with the moved time.
    message = world.sandboxes.cliq.record("channel", "desk", {"text": "hi"}, "deskbot")
    assert message["at"] == (start + timedelta(hours=2)).isoformat()


async def test_a_move_answers_once_a_following_bot_ran_its_due_work(
    config: Config, clock: FrozenClock
) -> None:
    """A bot in another process (here: another MovableClock over HTTP) follows the world's clock;
    the POST answers only after its listener ran, so nobody needs to sleep to see the effect."""
    sandboxes = await start_sandboxes(config, clock)
    try:
        async with aiohttp.ClientSession() as session:
            bot_clock = MovableClock(clock)
            ran: list[timedelta] = []

            async def due_work() -> None:
                await asyncio.sleep(0)  # work that awaits (Desk calls) still finishes first
                ran.append(bot_clock.offset)

            bot_clock.on_move(due_work)
            follower = ClockFollower(session, sandboxes.urls["desk"], bot_clock)
            await follower.sync()
            assert ran == [timedelta(0)]  # the world's time taken at start
            ran.clear()
            following = asyncio.ensure_future(follower.run_forever())
            try:
                url = f"{sandboxes.urls['desk']}/sandbox/clock"
                async with session.post(url, json={"minutes": 90}) as r:
                    answer = await r.json()
                assert answer["followers"] == 1
                # Done before the POST answered, at every ten-minute stride on the way.
                assert ran == [timedelta(minutes=m) for m in range(10, 100, 10)]
                assert bot_clock.now() == sandboxes.clock.now()
                async with session.post(url, json={"minutes": 30}) as r:
                    assert r.status == 200
                assert ran[-1] == timedelta(minutes=120) and len(ran) == 12
            finally:
                following.cancel()
    finally:
        await sandboxes.stop()


async def test_a_move_does_not_wait_for_a_follower_that_died_in_its_long_poll(
    config: Config, clock: FrozenClock
) -> None:
    """A bot killed while it waits for the next move (its connection gone) is not waited for:
    the next move answers at once, not after CATCH_UP_SECONDS, while a live follower still is."""
    from bot.sandbox.world_clock import CATCH_UP_SECONDS

    sandboxes = await start_sandboxes(config, clock)
    url = f"{sandboxes.urls['desk']}/sandbox/clock"
    try:
        async with aiohttp.ClientSession() as session:
            live_clock, dying_clock = MovableClock(clock), MovableClock(clock)
            ran: list[timedelta] = []

            async def due_work() -> None:
                ran.append(live_clock.offset)

            live_clock.on_move(due_work)
            live = ClockFollower(session, sandboxes.urls["desk"], live_clock)
            await live.sync()
            following = [asyncio.ensure_future(live.run_forever())]
            dying_session = aiohttp.ClientSession()
            dying = ClockFollower(dying_session, sandboxes.urls["desk"], dying_clock)
            await dying.sync()
            following.append(asyncio.ensure_future(dying.run_forever()))
            try:
                async with session.post(url, json={"minutes": 10}) as r:
                    assert (await r.json())["followers"] == 2  # both waited for, and caught up
                following.pop().cancel()  # the dying bot is killed in its next long poll:
                await dying_session.close()  # its connection closes
                async with session.get(url) as r:
                    assert r.status == 200
                loop = asyncio.get_running_loop()
                started = loop.time()
                async with session.post(url, json={"minutes": 10}) as r:
                    assert r.status == 200
                assert loop.time() - started < CATCH_UP_SECONDS / 2
                assert ran[-1] == timedelta(minutes=20)  # the live one was still waited for
            finally:
                for task in following:
                    task.cancel()
    finally:
        await sandboxes.stop()
