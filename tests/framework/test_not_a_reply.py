"""A listener returning something that is not a reply (a dict of Cliq's JSON, a number) gets the
person the error card, and the log says what a reply may be, not `'dict' object has no attribute
'to_json'`."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.framework import (
    Bot,
    CommandSuggestion,
    Context,
    FrozenClock,
    HmacVerifier,
    Router,
    make_web_app,
)
from bot.testing import Conversation, SignedRequests

WRONG: dict[str, Any] = {
    "dict": {"text": "hi"},
    "int": 42,
    "tuple": ("hi",),
    "list": [CommandSuggestion(title="ok"), {"title": "raw"}],
}
router = Router()


@router.command("wrong")
async def wrong(ctx: Context, args: str) -> Any:
    return WRONG[args]


@router.command("fine")
async def fine(ctx: Context, args: str) -> Any:
    return [CommandSuggestion(title="ok")]


@pytest.mark.parametrize("kind", WRONG)
async def test_a_listener_returning_no_reply_is_told_what_a_reply_is(
    kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    bot = Bot(clock=FrozenClock()).include(router)
    async with TestClient(TestServer(make_web_app(bot, HmacVerifier("s", bot.clock)))) as client:
        chat = Conversation(client, SignedRequests("s", bot.clock))
        with caplog.at_level(logging.ERROR, logger="bot.dispatch"):
            answer = await chat.command("wrong", kind)
        assert answer.status == 200 and "quote reference" in answer.text
        shown = "dict" if kind == "list" else kind
        assert f"a listener returned {shown}, which is not a reply: return a Message" in (
            caplog.text
        )
        assert "has no attribute" not in caplog.text
        assert (await chat.command("fine")).output == [{"title": "ok"}]
