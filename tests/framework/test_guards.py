"""Guards declared on the decorator (`requires=`): asked on every call of every kind of route,
after the admin rule; the refusal they return is the answer and the listener never runs."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.framework import Banner, Bot, Context, FrozenClock, Router
from bot.testing import Conversation, talking_to

ran: list[str] = []
allowed: set[str] = set()
asked: list[str] = []


def member(ctx: Context) -> Banner | None:
    asked.append("member")
    return None if ctx.user.email in allowed else Banner(text="members only", status="failure")


async def member_async(ctx: Context) -> Banner | None:
    return member(ctx)


router = Router()


@router.command("vote", requires=member)
async def vote(ctx: Context, args: str) -> str:
    ran.append("command")
    return "voted"


@router.command("purge", admin=True, requires=member)
async def purge(ctx: Context, args: str) -> str:
    ran.append("admin command")
    return "purged"


@router.keyword("tally", requires=member_async)
async def tally(ctx: Context) -> str:
    ran.append("keyword")
    return "tallied"


@router.keyword(re.compile(r"^vote (\w+)$"), requires=member)
async def vote_word(ctx: Context, match: re.Match[str]) -> str:
    ran.append("regex keyword")
    return f"voted {match.group(1)}"


@router.button("ballot", requires=member)
async def ballot(ctx: Context, rest: str) -> str:
    ran.append("button")
    return f"ballot {rest}"


@router.form("ballot", requires=member)
async def cast(ctx: Context, values: dict[str, Any]) -> str:
    ran.append("form")
    return "cast"


@router.menu("Polls", sub_action="Open polls", requires=member)
async def open_polls(ctx: Context) -> str:
    ran.append("sub-action")
    return "2 open"


@router.menu("Results", requires=member_async)
async def results(ctx: Context) -> str:
    ran.append("menu")
    return "pizza wins"


@pytest.fixture
async def chat() -> AsyncIterator[Conversation]:
    ran.clear()
    asked.clear()
    allowed.clear()
    bot = Bot(clock=FrozenClock()).include(router)
    async with talking_to(bot) as chat:
        yield chat


BALLOT_FORM = {"type": "form", "name": "ballot", "inputs": [], "action": {"name": "f"}}
CALLS = {
    "command": lambda chat: chat.command("vote", "pizza"),
    "keyword": lambda chat: chat.say("tally"),
    "regex keyword": lambda chat: chat.say("vote pizza"),
    "button": lambda chat: chat.click(
        {"label": "Ballot", "key": "ballot:7", "action": {"type": "invoke.function"}}
    ),
    "form": lambda chat: chat.submit({}, form=BALLOT_FORM),
    "sub-action": lambda chat: chat.menu("Polls", "Open polls"),
    "sub-action as a message": lambda chat: chat.say("open polls"),
    "menu": lambda chat: chat.menu("Results"),
    "menu as a keyword": lambda chat: chat.mention("Results"),
}


@pytest.mark.parametrize("kind", CALLS)
async def test_a_guard_refuses_every_kind_of_call(chat: Conversation, kind: str) -> None:
    refused = await CALLS[kind](chat)
    assert refused.kind == "banner" and refused.text == "members only"
    assert ran == []
    allowed.add(chat.user["email"])
    answered = await CALLS[kind](chat)
    assert answered.kind != "banner"
    assert len(ran) == 1


async def test_the_guard_is_asked_on_every_call_never_remembered(chat: Conversation) -> None:
    allowed.add(chat.user["email"])
    assert (await chat.command("vote", "a")).text == "voted"
    allowed.clear()
    assert (await chat.command("vote", "b")).text == "members only"
    assert asked == ["member", "member"]


async def test_the_admin_rule_is_asked_before_the_guard(chat: Conversation) -> None:
    refused = await chat.command("purge")
    assert "Only admins" in refused.text
    assert asked == []  # refused by the admin rule: the guard was not asked
    chat.user["admin"] = True
    assert (await chat.command("purge")).text == "members only"
    allowed.add(chat.user["email"])
    assert (await chat.command("purge")).text == "purged"


@pytest.mark.parametrize(
    ("call", "logged"),
    [
        ("command", "no command listener for /nosuch"),
        ("suggestion", "no suggestion listener for /vote"),
        ("bot handler", "unhandled bot participation_handler (operation 'added')"),
        ("extension", "unhandled extension uninstallation_handler"),
    ],
)
async def test_unrouted_calls_say_what_was_not_handled(
    chat: Conversation, call: str, logged: str, caplog: pytest.LogCaptureFixture
) -> None:
    from bot.testing.signing import envelope

    with caplog.at_level(logging.WARNING):
        if call == "command":
            answer = await chat.command("nosuch")
            assert "/vote" in answer.all_text()  # the usage card: what does work
        elif call == "suggestion":
            answer = await chat.suggest("vote", "pi")
            assert answer.output == []
        elif call == "bot handler":
            params = {"user": chat.user, "chat": chat.chat, "operation": "added", "data": {}}
            answer = await chat.send(envelope("bot", "participation_handler", params=params))
            assert answer.status == 200
        else:
            params = {"user": chat.user}
            answer = await chat.send(envelope("extension", "uninstallation_handler", params=params))
            assert answer.status == 200
    assert logged in caplog.text


@pytest.mark.parametrize("said", [True, False])
async def test_a_guard_returning_a_bool_is_told_what_a_guard_returns(
    said: bool, caplog: pytest.LogCaptureFixture
) -> None:
    yes_or_no = Router()

    def is_member(ctx: Context) -> bool:  # the mistake: a yes/no, not a refusal or None
        return said

    @yes_or_no.command("join", requires=is_member)  # type: ignore[arg-type]
    async def join(ctx: Context, args: str) -> str:
        ran.append("join")
        return "joined"

    ran.clear()
    bot = Bot(clock=FrozenClock()).include(yes_or_no)
    async with talking_to(bot) as chat:
        with caplog.at_level(logging.ERROR, logger="bot.dispatch"):
            answer = await chat.command("join")
    assert "quote reference" in answer.text and ran == []
    assert f"guard {is_member.__qualname__} returned {said}: a guard returns the reply" in (
        caplog.text
    )
