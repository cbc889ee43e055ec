"""Every call no listener answers is logged with what was not handled (a router left out of
`Bot.include` leaves a trace), while the person still gets an answer they can act on."""

from __future__ import annotations

import logging

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.framework import Bot, FrozenClock, HmacVerifier, make_web_app
from bot.testing import Conversation, SignedRequests


async def _chat(client: TestClient, bot: Bot) -> Conversation:
    return Conversation(client, SignedRequests("s", bot.clock))


@pytest.mark.parametrize(
    ("call", "logged"),
    [
        ("button", "no button listener for prefix 'vote'"),
        ("form", "no form listener for form 'leave'"),
    ],
)
async def test_an_unrouted_button_or_form_is_logged_and_answered(
    call: str, logged: str, caplog: pytest.LogCaptureFixture
) -> None:
    bot = Bot(clock=FrozenClock())
    async with TestClient(TestServer(make_web_app(bot, HmacVerifier("s", bot.clock)))) as client:
        chat = await _chat(client, bot)
        with caplog.at_level(logging.WARNING):
            if call == "button":
                answer = await chat.click(
                    {"label": "Pizza", "key": "vote:pizza", "action": {"type": "invoke.function"}}
                )
            else:
                form = {"type": "form", "name": "leave", "inputs": [], "action": {"name": "f"}}
                answer = await chat.submit({}, form=form)
    assert answer.kind == "banner" and "outdated" in answer.output["text"]
    assert logged in caplog.text
