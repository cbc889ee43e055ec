"""The sandbox world outlives a restart: channels, the bot's memberships, subscribers, messages,
tokens (agents' connections), tickets, tasks, webhooks and the clock are found again."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import aiohttp

from bot.cliq.client import CliqClient
from bot.clock import FrozenClock
from bot.config import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, SANDBOX_ORG_REFRESH_TOKEN, Config
from bot.oauth import TokenManager, token_url
from bot.sandbox.run import Sandboxes, start_sandboxes
from bot.sandbox.saved import state_path


def test_the_state_file_sits_beside_the_bots_database() -> None:
    assert state_path("var/deskbot.db") == "var/deskbot.sandbox.db"
    assert state_path("/srv/bot/store.sqlite") == "/srv/bot/store.sandbox.sqlite"
    assert state_path("data/deskbot") == "data/deskbot.sandbox.db"
    assert state_path(":memory:") == ":memory:"


def _tokens(
    session: aiohttp.ClientSession, sandboxes: Sandboxes, refresh: str, clock
) -> TokenManager:  # type: ignore[no-untyped-def]
    return TokenManager(
        session,
        token_url=token_url(sandboxes.urls["accounts"]),
        client_id=SANDBOX_CLIENT_ID,
        client_secret=SANDBOX_CLIENT_SECRET,
        refresh_token=refresh,
        clock=clock,
    )


async def test_everything_done_over_http_is_there_after_a_restart(
    config: Config, clock: FrozenClock, tmp_path: Path
) -> None:
    path = str(tmp_path / "deskbot.sandbox.db")
    sandboxes = await start_sandboxes(config, clock, db_path=path)
    try:
        async with aiohttp.ClientSession() as session:
            desk, cliq_url = sandboxes.urls["desk"], sandboxes.urls["cliq"]
            # An agent connects (authorization code → refresh token).
            code = sandboxes.registry.grant_code("maria@example.com", redirect_uri="")
            async with session.post(
                f"{sandboxes.urls['accounts']}/oauth/v2/token",
                data={
                    "grant_type": "authorization_code",
                    "code": code,
                    "client_id": SANDBOX_CLIENT_ID,
                    "client_secret": SANDBOX_CLIENT_SECRET,
                },
            ) as r:
                maria_refresh = (await r.json())["refresh_token"]
            cliq = CliqClient(
                session,
                cliq_url,
                _tokens(session, sandboxes, SANDBOX_ORG_REFRESH_TOKEN, clock),
                "deskbot",
            )
            await cliq.create_channel("billing-team", description="Billing")
            await cliq.add_bot_to_channel("billingteam")
            await cliq.post_to_channel("billingteam", {"text": "before the restart"})
            async with session.post(
                f"{cliq_url}/sandbox/bots/deskbot/chat", json={"user": "agent@example.com"}
            ) as r:
                assert r.status == 200
            async with session.patch(
                f"{desk}/sandbox/tickets/115",
                json={"actor": "admin@example.com", "status": "On Hold"},
            ) as r:
                assert r.status == 200
            async with session.post(
                f"{desk}/sandbox/tickets/115/tasks",
                json={"actor": "agent@example.com", "subject": "Call back"},
            ) as r:
                task = await r.json()
            async with session.post(f"{desk}/sandbox/clock", json={"hours": 3}) as r:
                assert r.status == 200
            tickets = await sandboxes.desk.count()
            tasks = len(sandboxes.desk.tasks)
    finally:
        await sandboxes.stop()

    again = await start_sandboxes(config, clock, db_path=path)
    try:
        assert again.clock.offset == timedelta(hours=3)
        assert await again.desk.count() == tickets  # not seeded a second time
        ticket = await again.desk.ticket_by_number("115")
        assert ticket is not None and ticket["status"] == "On Hold"
        assert len(again.desk.tasks) == tasks
        assert any(t["id"] == task["id"] for t in again.desk.tasks)
        assert again.cliq.bot_in("deskbot", "billingteam")
        assert [m["body"]["text"] for m in again.cliq.to("channel", "billingteam")] == [
            "before the restart"
        ]
        assert again.cliq.subscribed("deskbot", "agent@example.com")
        async with aiohttp.ClientSession() as session:
            # Maria's connection still works: her refresh token is still known.
            token = await _tokens(session, again, maria_refresh, clock).token()
            assert again.registry.identity(token) == "maria@example.com"
            cliq = CliqClient(
                session,
                again.urls["cliq"],
                _tokens(session, again, SANDBOX_ORG_REFRESH_TOKEN, clock),
                "deskbot",
            )
            await cliq.post_to_channel("billingteam", {"text": "after the restart"})
        ids = [m["id"] for m in again.cliq.messages]
        assert len(ids) == len(set(ids))  # numbering goes on where it stopped
    finally:
        await again.stop()


async def test_messages_can_be_waited_for_by_their_text(config: Config, clock: FrozenClock) -> None:
    """`GET /sandbox/messages?contains=…&wait=…` answers the moment a matching post lands (a
    walk-through never guesses how long to sleep); a bad `wait` is a 400."""
    sandboxes = await start_sandboxes(config, clock)
    try:
        async with aiohttp.ClientSession() as session:
            base = f"{sandboxes.urls['cliq']}/sandbox/messages"
            async with session.get(base, params={"contains": "hello", "wait": "0"}) as r:
                assert (await r.json())["messages"] == []
            waiting = asyncio.ensure_future(
                session.get(base, params={"target": "desk", "contains": "hello", "wait": "30"})
            )
            sandboxes.cliq.record("channel", "desk", {"text": "something else"}, "deskbot")
            await asyncio.sleep(0)
            assert not waiting.done()
            sandboxes.cliq.record("channel", "desk", {"text": "hello there"}, "deskbot")
            async with await waiting as r:
                [found] = (await r.json())["messages"]
            assert found["body"]["text"] == "hello there"
            for bad in ("soon", "nan", "-1", "31", "inf"):
                async with session.get(base, params={"wait": bad}) as r:
                    assert r.status == 400
    finally:
        await sandboxes.stop()
