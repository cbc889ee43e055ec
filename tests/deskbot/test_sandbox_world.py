"""The sandbox world as a newcomer meets it: a readable trickle of posts, one movable clock for
the bot and its sandboxes (due work runs when it moves), and a world that outlives a restart."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import bot.parts
from attendance.models import EventKind
from bot.app import create_app
from bot.clock import FrozenClock, MovableClock
from bot.config import Config
from bot.sandbox.run import start_sandboxes
from bot.testing import SignedRequests
from tests.deskbot.conftest import Deskbot
from tests.deskbot.test_card_actions import connect_through_zoho
from tests.deskbot.test_notifications import change, installed, settle

FIRST_MINUTE_BOUND = 10
"""Posts a fresh world may produce in its first minute (it was about 300 before the seed
spread its due times)."""


async def move(deskbot: Deskbot, body: Any) -> tuple[int, dict[str, Any]]:
    sandbox = deskbot.parts.sandboxes
    assert sandbox is not None
    url = f"{sandbox.urls['desk']}/sandbox/clock"
    async with deskbot.client.session.post(url, json=body) as response:
        return response.status, await response.json()


async def posts_queued(deskbot: Deskbot) -> int:
    counts = await deskbot.parts.outbox.counts()
    return counts["delivered"] + counts["waiting"] + counts["dead"]


async def test_a_fresh_world_posts_a_few_at_start_then_a_trickle(deskbot: Deskbot) -> None:
    await installed(deskbot)
    await deskbot.parts.scheduler.run_once()
    status, _ = await move(deskbot, {"minutes": 1})  # the first minute, with its due work run
    assert status == 200
    first_minute = await posts_queued(deskbot)
    assert 0 < first_minute <= FIRST_MINUTE_BOUND
    # Then a trickle: every ten minutes of the next four hours brings a few posts, never a flood.
    per_step: list[int] = []
    for _ in range(24):
        before = await posts_queued(deskbot)
        assert (await move(deskbot, {"minutes": 10}))[0] == 200
        per_step.append(await posts_queued(deskbot) - before)
    assert max(per_step) <= 6 and sum(per_step) >= 10, per_step
    assert sum(1 for n in per_step if n) >= 8, per_step  # spread out, not bunched


async def test_moving_the_clock_moves_the_bot_and_runs_the_digest(deskbot: Deskbot) -> None:
    """01:00 UTC: the next digest is 09:00. One POST to the sandbox Desk moves the bot's clock
    too, and the digest is queued before the POST answers."""
    await installed(deskbot)
    await deskbot.parts.scheduler.run_once()
    before = deskbot.parts.clock.now()
    status, answer = await move(deskbot, {"minutes": 481})
    assert status == 200 and answer["offset_seconds"] == 481 * 60
    assert deskbot.parts.clock.now() - before == timedelta(minutes=481)
    messages = await settle(deskbot)
    digests = [m for m in messages if "Daily digest" in m["body"].get("card", {}).get("title", "")]
    assert [m["target"] for m in digests] == ["desk"]
    assert "late" not in digests[0]["body"]["text"].lower()


async def test_moving_the_clock_runs_task_reminders_and_the_24_hour_check_out(
    deskbot: Deskbot,
) -> None:
    await installed(deskbot)
    sandbox = deskbot.parts.sandboxes
    assert sandbox is not None
    due = (deskbot.parts.clock.now() + timedelta(hours=5)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    async with deskbot.client.session.post(
        f"{sandbox.urls['desk']}/sandbox/tickets/115/tasks",
        json={"actor": "agent@example.com", "subject": "Ring the customer", "dueDate": due},
    ) as response:
        assert response.status == 201
    await settle(deskbot)
    await deskbot.chat("agent").command("checkin")
    assert await deskbot.parts.attendance.next_auto_checkout() is not None
    assert (await move(deskbot, {"minutes": 290}))[0] == 200
    texts = [m["body"]["text"] for m in await settle(deskbot)]
    assert any("Activity reminder" in t and "Ring the customer" in t for t in texts), texts
    assert (await move(deskbot, {"hours": 20}))[0] == 200
    # Stored by the sweep the move ran (not only computed when read).
    events = await deskbot.parts.attendance.log.events("agent@example.com")
    assert events[-1].kind is EventKind.AUTOMATIC
    assert await deskbot.parts.attendance.next_auto_checkout() is None


async def test_after_a_restart_mapped_channels_and_connections_still_work(
    aiohttp_client, config: Config, clock: FrozenClock, signer: SignedRequests
) -> None:  # type: ignore[no-untyped-def]
    """The bot's database remembers the Billing channel, the agent's connection and the
    webhook; the sandboxes, restarted with it, remember them too."""

    async def no_wait(seconds: float) -> None:
        pass

    first = Deskbot(
        await aiohttp_client(create_app(config, clock=clock, sleep=no_wait)), signer, clock, []
    )
    port = first.client.port
    await installed(first)
    await connect_through_zoho(first, "agent")
    admin = first.chat("admin")
    mapped = await admin.command("deskbot", "map Billing billing create")
    assert "billing" in mapped.text.lower()
    await first.client.close()  # the bot and its sandboxes stop

    again = Deskbot(
        await aiohttp_client(
            create_app(config, clock=clock, sleep=no_wait), server_kwargs={"port": port}
        ),
        signer,
        clock,
        [],
    )
    # A Billing ticket's change reaches the mapped channel (the webhook and the channel, with
    # the bot in it, are still there).
    billing = await again.parts.desk.search(department_id="5000000000002", limit=1)
    number = billing[0].ticket_number
    await change(again, int(number), actor="tom@example.com", assignee=None)
    posted = [m for m in await settle(again) if m["target_kind"] == "channel"]
    assert any(m["target"] == "billing" and f"#{number}" in str(m["body"]) for m in posted), posted
    # The agent's connection still works: a card action is made in Desk as them.
    chat = again.chat("agent")
    await chat.command("ticket", "115")
    await chat.click("Status")
    edited = await chat.submit({"status": "On Hold"})
    assert "Status → On Hold by Aiko" in edited.text


async def test_serve_uses_sandboxes_of_another_process_and_follows_their_clock(
    aiohttp_client, config: Config, clock: FrozenClock, signer: SignedRequests, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    """`deskbot sandbox` runs the world alone; a bot with `[sandbox] desk_url, cliq_url,
    accounts_url` starts none of its own, posts there, and its clock follows theirs: a move
    answers once the bot ran its due work (the digest)."""
    world = await start_sandboxes(
        config, MovableClock(clock), db_path=str(tmp_path / "world.sandbox.db")
    )
    try:
        urls = {f"{name}_url": url for name, url in world.urls.items()}
        bot_config = config.model_copy(update={"sandbox": config.sandbox.model_copy(update=urls)})
        client = await aiohttp_client(create_app(bot_config, clock=clock))
        app = client.server.app
        assert bot.parts.SANDBOXES not in app  # none of its own
        health = await (await client.get("/healthz")).json()
        assert health["sandboxes"] == world.urls
        done = await app[bot.parts.INSTALLATION].install(str(client.make_url("")).rstrip("/"))
        assert "created the channel #desk" in done
        await app[bot.parts.SCHEDULER].run_once()
        async with client.session.post(
            f"{world.urls['desk']}/sandbox/clock", json={"minutes": 481}
        ) as response:
            answer = await response.json()
        assert answer["followers"] == 1
        assert app[bot.parts.CLOCK].now() == world.clock.now()
        while await app[bot.parts.SENDER].run_once():
            pass
        titles = [
            m["body"].get("card", {}).get("title", "") for m in world.cliq.to("channel", "desk")
        ]
        assert any(t.startswith("Daily digest") for t in titles), titles
    finally:
        await world.stop()
