"""Our own credentials refused by Zoho (issue 17): the org's Desk refresh token or the Cliq one
is refused by Accounts (`invalid_code`: revoked, over the 20 tokens per client, wrong data
centre). Nothing answers 5xx; commands needing Desk answer a banner naming the cause and the
variable to renew; help and attendance for known people keep working; `/healthz` and the log
say it; everything recovers by itself once the token is accepted again."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from bot.config import SANDBOX_CLIQ_REFRESH_TOKEN, SANDBOX_ORG_REFRESH_TOKEN
from tests.deskbot.conftest import Deskbot
from tests.deskbot.test_notifications import change, installed, settle

DESK_VAR, CLIQ_VAR = "DESKBOT_DESK_REFRESH_TOKEN", "DESKBOT_CLIQ_REFRESH_TOKEN"


async def health(deskbot: Deskbot) -> dict[str, Any]:
    async with deskbot.client.get("/healthz") as response:
        assert response.status == 200
        return dict((await response.json())["credentials"])


def refuse(deskbot: Deskbot, token: str, error: str = "invalid_code") -> None:
    """Accounts refuses `token` from now on; live access tokens expire, caches go stale."""
    assert deskbot.parts.sandboxes is not None
    registry = deskbot.parts.sandboxes.registry
    registry.refuse(token, error)
    registry.expire_all()
    deskbot.clock.advance(minutes=31)  # past the agent directory's and departments' 30 minutes


def accept(deskbot: Deskbot) -> None:
    assert deskbot.parts.sandboxes is not None
    deskbot.parts.sandboxes.registry.accept()
    deskbot.clock.advance(minutes=2)  # past the minute between two asks of a refused token


def assert_names_the_cause(
    answer: Any, variable: str = DESK_VAR, code: str = "invalid_code"
) -> None:
    assert answer.status == 200, answer
    assert answer.kind in ("banner", "message"), answer.output  # long: a message
    assert variable in answer.text and code in answer.text, answer.text


async def test_org_token_refused_banner_attendance_health_log_recovery(
    deskbot: Deskbot, caplog
) -> None:  # type: ignore[no-untyped-def]
    caplog.set_level(logging.INFO)
    agent, admin, stranger = deskbot.chat("agent"), deskbot.chat("admin"), deskbot.chat("stranger")
    assert (await agent.command("checkin")).status == 200  # the agents are known from here on
    ticket = await agent.command("ticket", "115")
    assert ticket.status == 200 and "#115" in ticket.all_text()
    assert (await health(deskbot))[DESK_VAR] == {"state": "ok"}

    refuse(deskbot, SANDBOX_ORG_REFRESH_TOKEN)
    needs_desk = [
        lambda: agent.command("ticket", "115"),
        lambda: agent.command("ticket"),
        lambda: agent.command("pendingtickets"),
        lambda: agent.command("deskstatus"),
        lambda: agent.say("Overdue Tickets"),
        lambda: admin.command("deskbot", "rules test 115 closed"),
        lambda: admin.command("deskbot", "channels"),  # admin rights are read from Desk
        lambda: admin.command("attendance", "board"),
        lambda: stranger.command("checkin"),  # never seen: who they are needs Desk
    ]
    for call in needs_desk:
        assert_names_the_cause(await call())
    await deskbot.connect("agent@example.com")  # acting as the agent needs the org's reads too
    assert_names_the_cause(await agent.click(ticket.button("Status")))

    helped = await stranger.command("help")
    assert helped.status == 200 and "/ticket" in helped.all_text()
    moved = await agent.command("break", "meal")
    assert moved.status == 200 and "Meal Break" in moved.all_text()
    assert "Meal Break" in (await agent.command("attendance")).all_text()

    state = (await health(deskbot))[DESK_VAR]
    assert state["state"] == "refused" and state["error"] == "invalid_code"
    assert state["renew"] == DESK_VAR
    refusals = [r for r in caplog.records if r.levelno == logging.ERROR and DESK_VAR in r.message]
    assert len(refusals) == 1 and f"renew {DESK_VAR}" in refusals[0].message  # said once

    accept(deskbot)
    again = await agent.command("ticket", "115")
    assert again.status == 200 and again.kind != "banner" and "#115" in again.all_text()
    assert "not a Desk agent" in (await stranger.command("checkin")).all_text().replace("N", "n")
    assert (await health(deskbot))[DESK_VAR] == {"state": "ok"}
    assert any("accepts DESKBOT_DESK_REFRESH_TOKEN again" in r.message for r in caplog.records)


async def test_accounts_is_asked_at_most_once_a_minute_while_refused(deskbot: Deskbot) -> None:
    agent = deskbot.chat("agent")
    await agent.command("checkin")
    refuse(deskbot, SANDBOX_ORG_REFRESH_TOKEN)
    tokens = deskbot.parts.credentials[DESK_VAR]
    for _ in range(5):
        assert_names_the_cause(await agent.command("ticket", "115"))
    first = tokens.refused
    assert first is not None
    deskbot.clock.advance(seconds=30)
    assert_names_the_cause(await agent.command("ticket", "115"))
    assert tokens.refused is first  # not asked again inside the minute
    deskbot.clock.advance(seconds=31)
    assert_names_the_cause(await agent.command("ticket", "115"))
    assert tokens.refused is not first and tokens.refused.since == first.since  # asked again


async def test_a_refused_client_names_the_client_settings(deskbot: Deskbot) -> None:
    refuse(deskbot, SANDBOX_ORG_REFRESH_TOKEN, "invalid_client")
    answer = await deskbot.chat("agent").command("ticket", "115")
    assert_names_the_cause(answer, "DESKBOT_OAUTH_CLIENT_SECRET", "invalid_client")


async def test_events_wait_while_the_org_token_is_refused(deskbot: Deskbot) -> None:
    await installed(deskbot)
    refuse(deskbot, SANDBOX_ORG_REFRESH_TOKEN)
    await change(deskbot, 115, actor="maria@example.com", status="Closed")
    assert await settle(deskbot) == []
    counts = await deskbot.parts.inbox.counts()
    assert counts["waiting"] == 1 and counts["dead"] == 0  # waiting, no attempt used up
    accept(deskbot)
    deskbot.clock.advance(minutes=1)  # the event looks again after its (capped) backoff
    [message] = await settle(deskbot)
    assert "Ticket closed" in message["body"]["text"]


async def test_cliq_token_refused_posts_wait_and_are_delivered_after(deskbot: Deskbot) -> None:
    parts = deskbot.parts
    refuse(deskbot, SANDBOX_CLIQ_REFRESH_TOKEN)
    await parts.sender.queue("user", "agent@example.com", {"text": "hello"}, dedupe_key="k1")
    await deskbot.deliver()
    assert deskbot.cliq_messages == [] and await parts.outbox.dead_letters() == []
    state = (await health(deskbot))[CLIQ_VAR]
    assert state["state"] == "refused" and state["renew"] == CLIQ_VAR
    assert (await health(deskbot))[DESK_VAR]["state"] != "refused"
    ticket = await deskbot.chat("agent").command("ticket", "115")  # Desk is fine meanwhile
    assert ticket.status == 200 and "#115" in ticket.all_text()

    accept(deskbot)
    deskbot.clock.advance(timedelta(minutes=10))  # the sender's backoff
    await deskbot.deliver()
    [message] = deskbot.cliq_messages
    assert message["body"]["text"] == "hello"
    assert await parts.outbox.dead_letters() == []
    assert (await health(deskbot))[CLIQ_VAR] == {"state": "ok"}


async def test_refused_from_the_start_help_works_and_desk_commands_say_why(
    deskbot: Deskbot,
) -> None:
    assert deskbot.parts.sandboxes is not None
    deskbot.parts.sandboxes.registry.refuse(SANDBOX_ORG_REFRESH_TOKEN)  # before any call
    agent = deskbot.chat("agent")
    helped = await agent.command("help")
    assert helped.status == 200 and "/ticket" in helped.all_text()
    assert (await agent.say("ping")).status == 200
    for answer in (await agent.command("checkin"), await agent.command("ticket", "115")):
        assert_names_the_cause(answer)  # nobody is known yet: who they are needs Desk
    assert (await health(deskbot))[DESK_VAR]["state"] == "refused"
    accept(deskbot)
    checked_in = await agent.command("checkin")
    assert checked_in.status == 200 and "Check In" in checked_in.all_text()
