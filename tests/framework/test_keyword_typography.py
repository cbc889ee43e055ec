"""A whole-message keyword (and a menu action typed as a message) matches what a person means,
not only what the author typed: typographic quotes (phones and Macs turn ' into ’) and the
sentence's end ('Who's on call?') are forgiven, as case, spacing and width already were."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.framework import Bot, Context, FrozenClock, Router
from bot.testing import Conversation, talking_to

router = Router()


@router.keyword("who's on call")
async def who(ctx: Context) -> str:
    return "Aiko"


@router.keyword("say “hi”")
async def hi(ctx: Context) -> str:
    return "hi"


@router.keyword("?")
async def question(ctx: Context) -> str:
    return "help"


@router.menu("What’s new")
async def news(ctx: Context) -> str:
    return "news"


@pytest.fixture
async def chat() -> AsyncIterator[Conversation]:
    bot = Bot(clock=FrozenClock()).include(router)
    async with talking_to(bot) as chat:
        yield chat


@pytest.mark.parametrize(
    "typed",
    [
        "who’s on call",  # U+2019, as iOS and macOS type an apostrophe
        "Who‘s on call",
        "who′s on call",
        "who's on call?",
        "Who’s on call ?",
        "who's on call!",
        "who's on call.",
        "who's on call？",  # full width, as a Japanese keyboard types it
        "who's on call。",
        "who's on call...",
        "WHO’S   ON CALL?!",
    ],
)
async def test_a_keyword_forgives_quotes_and_the_sentence_end(
    chat: Conversation, typed: str
) -> None:
    assert (await chat.say(typed)).text == "Aiko"
    assert (await chat.mention(f"@bot {typed}")).text == "Aiko"


@pytest.mark.parametrize("typed", ['say "hi"', "say „hi‟", "Say “hi”!"])
async def test_double_quotes_are_forgiven_too(chat: Conversation, typed: str) -> None:
    assert (await chat.say(typed)).text == "hi"


async def test_a_keyword_that_is_only_punctuation_still_matches(chat: Conversation) -> None:
    assert (await chat.say(" ? ")).text == "help"


async def test_a_menu_action_typed_with_other_quotes_is_found(chat: Conversation) -> None:
    assert (await chat.say("what's new?")).text == "news"
    assert (await chat.menu("What's new")).text == "news"


async def test_other_words_still_do_not_match(chat: Conversation) -> None:
    assert "I don't know" in (await chat.say("who's on call tomorrow?")).text
    assert "I don't know" in (await chat.say("whos on call")).text
