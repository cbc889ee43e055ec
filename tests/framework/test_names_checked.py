"""What no call can ever carry is refused when registered (ValueError), as a command name with a
space already was, rather than leaving a listener that never runs and a person answered
"outdated" or "I don't know": button prefixes with a colon or empty, form names no Form may
have, keywords with no pattern or a blank one; and `Bot(context_factory=...)` that is not
`async def` is refused when the Bot is built (TypeError), as `late_reply` is, rather than
failing every call."""

from __future__ import annotations

import re
from typing import Any

import pytest

from bot.framework import Bot, Context, Envelope, Router


async def button(ctx: Context, rest: str) -> str:
    return rest


async def keyword(ctx: Context) -> str:
    return "hi"


async def form(ctx: Context, values: dict[str, Any]) -> str:
    return "ok"


async def options(ctx: Context, query: str, values: dict[str, Any]) -> Any:
    return None


@pytest.mark.parametrize("prefix", ["", "ack:", "ack:1", ":", "k" * 101])
def test_a_button_prefix_no_key_can_match_is_refused(prefix: str) -> None:
    with pytest.raises(ValueError, match="a button prefix is 1-100 characters without a colon"):
        Router().button(prefix)(button)


@pytest.mark.parametrize("prefix", ["ack", "k" * 100, "ticket-status"])
def test_a_button_prefix_a_key_can_carry_is_taken(prefix: str) -> None:
    Router().button(prefix)(button)


@pytest.mark.parametrize("name", ["", "f" * 51])
def test_a_form_name_no_form_can_have_is_refused(name: str) -> None:
    with pytest.raises(ValueError, match="a form name is 1-50 characters"):
        Router().form(name)(form)
    with pytest.raises(ValueError, match="a form name is 1-50 characters"):
        Router().dynamic_select(name, "to")(options)


@pytest.mark.parametrize("pattern", ["", "   ", "\n\t"])
def test_a_blank_keyword_is_refused(pattern: str) -> None:
    with pytest.raises(ValueError, match="matches no message"):
        Router().keyword(pattern)(keyword)
    with pytest.raises(ValueError, match="matches no message"):
        Router().keyword("hello", pattern)(keyword)


def test_a_keyword_with_no_pattern_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one pattern"):
        Router().keyword()(keyword)


def test_keywords_that_match_something_are_taken() -> None:
    router = Router()
    router.keyword("?", "hello")(keyword)
    router.keyword(re.compile(r"^$"))(empty_message)


async def empty_message(ctx: Context, match: re.Match[str]) -> str:
    return "empty"


def test_a_plain_def_context_factory_is_refused_when_the_bot_is_built() -> None:
    def context(envelope: Envelope, bot: Bot, request_id: str) -> Context:
        return Context(envelope=envelope, bot=bot, clock=bot.clock, request_id=request_id)

    with pytest.raises(TypeError, match=r"context_factory=\.\.\.\) must be a coroutine function"):
        Bot(context_factory=context)  # type: ignore[arg-type]


def test_an_async_context_factory_is_taken() -> None:
    async def context(envelope: Envelope, bot: Bot, request_id: str) -> Context:
        return Context(envelope=envelope, bot=bot, clock=bot.clock, request_id=request_id)

    Bot(context_factory=context)
