"""The stand-up bot, tested as Deskbot is: the real app over HTTP, signed as Cliq's Deluge shims
sign, with the sandbox Cliq on loopback and a frozen clock (only `bot.testing` and the bot)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from bot.handlers.cliq import BOT
from bot.sandbox.cliq_only import CliqOnlySandbox
from bot.testing import Conversation, FrozenClock, SignedRequests
from examples.standup.app import SANDBOX, app
from examples.standup.config import StandupConfig

SECRET = "test-secret"


@pytest.fixture
async def served(
    aiohttp_client: Any,
) -> AsyncIterator[tuple[TestClient[web.Request, web.Application], web.Application]]:
    clock = FrozenClock("2026-03-02T01:00:00+00:00")
    web_app = app(SECRET, config=StandupConfig(), clock=clock)
    client = await aiohttp_client(web_app)
    yield client, web_app


@pytest.fixture
def chat(served: tuple[TestClient[web.Request, web.Application], web.Application]) -> Conversation:
    client, web_app = served
    clock = web_app[BOT].clock
    return Conversation(client, SignedRequests(SECRET, clock), bot_name="standup")


@pytest.fixture
def sandbox(
    served: tuple[TestClient[web.Request, web.Application], web.Application],
) -> CliqOnlySandbox:
    return served[1][SANDBOX]


async def test_command_shows_a_teams_board_with_buttons(chat: Conversation) -> None:
    answer = await chat.command("standup", "Mobile")
    assert answer.title == "Stand-up: mobile"
    assert answer.text == "No updates yet today."
    assert [b["label"] for b in answer.buttons] == ["Post my update", "Refresh"]
    assert answer.button("Post my update")["key"] == "update:mobile"


async def test_unknown_team_gets_the_usage_card_naming_the_teams(chat: Conversation) -> None:
    answer = await chat.command("standup", "sales")
    assert "There is no team “sales”" in answer.text
    assert "Usage: /standup [team | report]" in answer.text


async def test_suggestions_offer_the_teams_as_typed(chat: Conversation) -> None:
    answer = await chat.suggest("standup", "m")
    assert [s["title"] for s in answer.output] == ["mobile"]
    assert [s["title"] for s in (await chat.suggest("standup", "")).output] == [
        "web",
        "mobile",
        "data",
    ]


async def test_keyword_forgives_case_and_spacing(chat: Conversation) -> None:
    assert (await chat.say("  STAND-UP ")).title == "Stand-up: web"
    assert "I don't know" in (await chat.say("stand up please")).text


async def test_form_validates_then_posts_to_the_channel(
    chat: Conversation, sandbox: CliqOnlySandbox
) -> None:
    await chat.command("standup", "data")
    form = await chat.click("Post my update")
    assert form.kind == "form" and form.output["name"] == "update"
    inputs = {i["name"]: i for i in form.output["inputs"]}
    assert [o["value"] for o in inputs["mood"]["options"]] == ["on_track", "at_risk", "blocked"]

    refused = await chat.submit({"mood": "blocked", "today": "ok"})
    assert refused.kind == "form_error"
    assert set(refused.output["inputs"]) == {"today", "blockers"}  # too short; why blocked
    assert sandbox.cliq.to("channel", "standup") == []  # nothing posted

    done = await chat.submit(
        {"mood": "blocked", "today": "Ship the *export*", "blockers": "{@all} review"},
        form=form.output,
    )
    assert done.kind == "banner" and done.output == {
        "type": "banner",
        "text": "Posted to #standup.",
        "status": "success",
    }
    [post] = sandbox.cliq.to("channel", "standup")
    shown = str(post)
    assert "Stand-up of *Aiko Tanaka* (data), Blocked" in shown
    assert "{@all}" not in shown  # people's text cannot mention a whole channel
    board = await chat.command("standup", "data")
    assert "Aiko Tanaka (Blocked): Ship the" in board.all_text()


async def test_cliq_refusing_the_post_gets_the_registered_reply(
    chat: Conversation, sandbox: CliqOnlySandbox
) -> None:
    form = await chat.click(_update_button("web"))
    sandbox.cliq.fail(429, retry_after=3600)  # longer than the client waits: not retried
    answer = await chat.submit({"mood": "on_track", "today": "tests"}, form=form.output)
    assert answer.kind == "banner" and answer.output["status"] == "failure"
    assert "Cliq did not take the post" in answer.output["text"]


async def test_menu_sub_actions(chat: Conversation) -> None:
    assert (await chat.menu("Stand-up", "Board")).title == "Stand-up: web"
    assert (await chat.menu("Stand-up", "My update")).kind == "form"
    offered = await chat.menu("Stand-up")
    assert [s["text"] for s in offered.output["suggestions"]["list"]] == ["Board", "My update"]


async def test_report_past_the_deadline_is_delivered_late_as_the_bot(
    chat: Conversation,
    sandbox: CliqOnlySandbox,
    served: tuple[TestClient[web.Request, web.Application], web.Application],
) -> None:
    bot = served[1][BOT]
    bot.deadline = 0.0  # the listener reads Cliq over HTTP: it cannot answer before the timer
    delivered = asyncio.Event()
    deliver = bot.late_reply
    assert deliver is not None

    async def late(envelope: Any, output: bytes) -> None:
        await deliver(envelope, output)
        delivered.set()

    bot.late_reply = late
    sandbox.cliq.open_bot_chat("standup", "agent@example.com")
    answer = await chat.command("standup", "report")
    assert answer.kind == "banner" and "Working on it" in answer.output["text"]
    await asyncio.wait_for(delivered.wait(), timeout=10)
    [late_post] = [m for m in sandbox.cliq.messages if "report" in str(m).casefold()]
    assert "stand-up updates reached #standup" in str(late_post)


def _update_button(team: str) -> dict[str, Any]:
    return {
        "label": "Post my update",
        "key": f"update:{team}",
        "action": {"type": "invoke.function", "data": {"name": "botbutton"}},
    }
