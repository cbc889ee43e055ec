"""A regex keyword is searched in the message as meant: trimmed, with an @mention of the bot
taken out wherever it was, so a pattern anchored with ^ and $ matches "@Bot edit 7", "edit 7
@Bot" and "edit 7 " (a phone's autocomplete adds the space), in the bot's chat and in a channel;
the `otherwise` listener and "I don't know" get the same trimmed text."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest

from bot.framework import Bot, Context, FrozenClock, Router
from bot.testing import Conversation, talking_to

router = Router()
heard: list[str] = []


@router.keyword(re.compile(r"^edit (\d+)$"))
async def edit(ctx: Context, match: re.Match[str]) -> str:
    return f"editing {match.group(1)}"


@router.otherwise()
async def other(ctx: Context, text: str) -> None:
    heard.append(text)


@pytest.fixture
async def chat() -> AsyncIterator[Conversation]:
    bot = Bot(name="Pager", clock=FrozenClock()).include(router)
    async with talking_to(bot) as chat:
        yield chat


@pytest.mark.parametrize("typed", ["edit 7 ", "  edit 7", "edit 7\n"])
async def test_an_anchored_pattern_matches_a_message_with_spaces_around(
    chat: Conversation, typed: str
) -> None:
    assert (await chat.say(typed)).text == "editing 7"


@pytest.mark.parametrize("typed", ["@Pager edit 7", "edit 7 @Pager", "{@b-55001} edit 7"])
async def test_an_anchored_pattern_matches_a_mention(chat: Conversation, typed: str) -> None:
    assert (await chat.mention(typed)).text == "editing 7"


async def test_the_otherwise_listener_and_the_usage_get_the_trimmed_text(
    chat: Conversation,
) -> None:
    heard.clear()
    answer = await chat.mention("@Pager  what now ")
    assert heard == ["what now"]
    assert "“what now”" in answer.text
