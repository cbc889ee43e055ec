"""What a listener gives back that the framework cannot deliver is logged saying what would do:
a listener returning something that is not a reply (a dict of Cliq's JSON, a number) gets the
person the error card, and the log says what a reply may be, not `'dict' object has no attribute
'to_json'`; an answer past the deadline of a Bot without `late_reply` is dropped naming the
call and the hook that would have delivered it; an error reply returning no reply gets the
error card (not a 500)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest

from bot.framework import (
    Bot,
    CommandSuggestion,
    Context,
    FrozenClock,
    Router,
)
from bot.testing import talking_to

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
    async with talking_to(bot) as chat:
        with caplog.at_level(logging.ERROR, logger="bot.dispatch"):
            answer = await chat.command("wrong", kind)
        assert answer.status == 200 and "quote reference" in answer.text
        shown = "dict" if kind == "list" else kind
        assert f"a listener returned {shown}, which is not a reply: return a Message" in (
            caplog.text
        )
        assert "has no attribute" not in caplog.text
        assert (await chat.command("fine")).output == [{"title": "ok"}]


async def test_an_answer_past_the_deadline_without_late_reply_says_what_would_deliver_it(
    caplog: pytest.LogCaptureFixture,
) -> None:
    release = asyncio.Event()
    slow_router = Router()

    @slow_router.command("slow")
    async def slow(ctx: Context, args: str) -> str:
        await release.wait()
        return "done"

    bot = Bot(clock=FrozenClock(), deadline=0.01).include(slow_router)
    async with talking_to(bot) as chat:
        with caplog.at_level(logging.WARNING, logger="bot.dispatch"):
            assert "Working on it" in (await chat.command("slow")).output["text"]
            dropped = asyncio.get_running_loop().create_future()
            handler = _Until(dropped, "answer past the deadline dropped")
            logging.getLogger("bot.dispatch").addHandler(handler)
            try:
                release.set()
                await asyncio.wait_for(dropped, timeout=5)
            finally:
                logging.getLogger("bot.dispatch").removeHandler(handler)
    assert (
        "command execution_handler 'slow': answer past the deadline dropped: "
        "Bot(late_reply=...) delivers such answers" in caplog.text
    )


class _Until(logging.Handler):
    """Resolves `future` at the first record containing `text` (no polling, no sleep)."""

    def __init__(self, future: asyncio.Future[None], text: str) -> None:
        super().__init__()
        self.future, self.text = future, text

    def emit(self, record: logging.LogRecord) -> None:
        if self.text in record.getMessage() and not self.future.done():
            self.future.set_result(None)


class Refused(Exception):
    pass


@pytest.mark.parametrize("returned", [{"text": "raw"}, 7, [{"title": "raw"}]])
async def test_an_error_reply_returning_no_reply_gets_the_error_card_not_a_500(
    returned: Any, caplog: pytest.LogCaptureFixture
) -> None:
    failing = Router()

    @failing.command("refuse")
    async def refuse(ctx: Context, args: str) -> str:
        raise Refused("not today")

    bot = Bot(clock=FrozenClock(), error_replies={Refused: lambda exc: returned})
    bot.include(failing)
    async with talking_to(bot) as chat:
        with caplog.at_level(logging.ERROR, logger="bot.dispatch"):
            answer = await chat.command("refuse")
    assert answer.status == 200 and "quote reference" in answer.text
    assert "an error reply returned" in caplog.text and "which is not a reply" in caplog.text
