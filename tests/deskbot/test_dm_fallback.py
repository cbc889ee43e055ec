"""Owner DMs that Cliq refuses (the owner never opened the bot's chat) go to the department's
or org channel with an @mention, counted, never lost; under both answers the documents leave
open (the sandbox switch `dm_subscribers_only`)."""

from __future__ import annotations

import pytest

from tests.deskbot.conftest import Deskbot
from tests.deskbot.test_notifications import change, comment, settle


async def install_without_subscribers(deskbot: Deskbot) -> None:
    """Installed, but no agent has opened Deskbot's chat yet (the day-one state)."""
    url = str(deskbot.client.make_url("")).rstrip("/")
    await deskbot.parts.installation.install(url)


async def health(deskbot: Deskbot) -> dict:  # type: ignore[type-arg]
    async with deskbot.client.get("/healthz") as response:
        return await response.json()  # type: ignore[no-any-return]


async def test_a_refused_owner_dm_is_posted_in_the_org_channel_with_a_mention(
    deskbot: Deskbot,
) -> None:
    await install_without_subscribers(deskbot)
    await change(deskbot, 115, actor="maria@example.com", status="Closed")
    [message] = await settle(deskbot)
    assert (message["target_kind"], message["target"]) == ("channel", "desk")
    assert message["sender"] == "deskbot"
    assert message["body"]["text"].startswith("{@agent@example.com} ")
    assert "Ticket closed" in message["body"]["text"]
    assert await settle(deskbot) == [message]  # once
    counts = await deskbot.parts.outbox.counts()
    assert counts == {"delivered": 1, "dead": 0, "waiting": 0, "rerouted": 1}
    assert (await health(deskbot))["delivery"] == {"rerouted_dms": 1}


async def test_a_refused_dm_goes_to_the_departments_own_channel(deskbot: Deskbot) -> None:
    await install_without_subscribers(deskbot)
    await deskbot.parts.cliq.create_channel("support")
    await deskbot.parts.cliq.add_bot_to_channel("support")
    await deskbot.parts.settings.map_department("5000000000001", "support", at=deskbot.clock.now())
    await comment(deskbot, 115, actor="maria@example.com", content="ask zsu[@user:agent]zsu")
    posted = await settle(deskbot)
    assert posted and {(m["target_kind"], m["target"]) for m in posted} == {("channel", "support")}
    assert all(m["body"]["text"].startswith("{@agent@example.com} ") for m in posted)
    assert await deskbot.parts.outbox.dead_letters() == []


@pytest.mark.parametrize("subscribers_only", [True, False])
async def test_the_owner_hears_of_it_under_either_answer(
    deskbot: Deskbot, subscribers_only: bool
) -> None:
    sandbox = deskbot.parts.sandboxes
    assert sandbox is not None
    sandbox.cliq.switches.dm_subscribers_only = subscribers_only
    await install_without_subscribers(deskbot)
    await change(deskbot, 115, actor="maria@example.com", status="Closed")
    [message] = await settle(deskbot)
    if subscribers_only:
        assert (message["target_kind"], message["target"]) == ("channel", "desk")
        assert "{@agent@example.com}" in message["body"]["text"]
    else:
        assert (message["target_kind"], message["target"]) == ("user", "agent@example.com")
        assert (await deskbot.parts.outbox.counts())["rerouted"] == 0


async def test_once_the_owner_opens_the_bot_chat_dms_reach_them(deskbot: Deskbot) -> None:
    await install_without_subscribers(deskbot)
    await deskbot.chat("agent").command("help")  # Aiko talks to the bot: now a subscriber
    await change(deskbot, 115, actor="maria@example.com", status="Closed")
    [message] = await settle(deskbot)
    assert (message["target_kind"], message["target"]) == ("user", "agent@example.com")
