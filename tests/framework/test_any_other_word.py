"""`takes=` with `ANY_OTHER`: sub-commands are still checked, and any other first word reaches
the listener (which looks it up at run time), with its word count checked if one is given."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

from bot.framework import Bot, Context, FrozenClock, Router
from bot.router import ANY_OTHER
from bot.testing import Conversation, talking_to

router = Router()


@router.command("go", usage="/go [home | <place>]", takes={"": 0, "home": 0, ANY_OTHER: None})
async def go(ctx: Context, args: str) -> str:
    return f"go {args}"


@router.command("pick", usage="/pick [none | <one word>]", takes={"none": 0, ANY_OTHER: 1})
async def pick(ctx: Context, args: str) -> str:
    return f"pick {args}"


@asynccontextmanager
async def talking() -> AsyncIterator[Conversation]:
    bot = Bot(clock=FrozenClock()).include(router)
    async with talking_to(bot) as chat:
        yield chat


@pytest.mark.parametrize(
    ("name", "args", "answer"),
    [
        ("go", "home", "go home"),
        ("go", "Kyoto station", "go Kyoto station"),
        ("pick", "tea", "pick tea"),
        ("pick", "none", "pick none"),
    ],
)
async def test_other_first_words_reach_the_listener(name: str, args: str, answer: str) -> None:
    async with talking() as chat:
        assert (await chat.command(name, args)).text == answer


@pytest.mark.parametrize(
    ("name", "args", "extra"),
    [
        ("go", "home now", "/go home takes nothing more: “now” is extra."),
        ("pick", "tea please", "/pick takes at most 1 word: “please” is extra."),
        ("pick", "none at all", "/pick none takes nothing more: “at all” is extra."),
    ],
)
async def test_their_words_are_still_counted(name: str, args: str, extra: str) -> None:
    async with talking() as chat:
        assert extra in (await chat.command(name, args)).text
