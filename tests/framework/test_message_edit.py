"""A `MessageEdit` answers only the calls Cliq lets edit a message (a button's function, a form's
submit: cliq-message-edit.html). Returned by any other listener (a command, a keyword, a menu
action, the welcome) it gets the person the error card, and the log says which call did it and
what to return instead, rather than sending Cliq an answer it does not take."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator

import pytest

from bot.framework import (
    Bot,
    Button,
    Context,
    Form,
    FrozenClock,
    Message,
    MessageEdit,
    Router,
    TextInput,
)
from bot.testing import Conversation, talking_to

EDIT = MessageEdit(text="edited")
router = Router()


@router.command("edit")
async def edit_command(ctx: Context, args: str) -> MessageEdit:
    return EDIT


@router.keyword("edit please")
async def edit_keyword(ctx: Context) -> MessageEdit:
    return EDIT


@router.keyword(re.compile(r"^edit (\d+)$"))
async def edit_pattern(ctx: Context, match: re.Match[str]) -> MessageEdit:
    return EDIT


@router.menu("Edit")
async def edit_menu(ctx: Context) -> MessageEdit:
    return EDIT


@router.welcome()
async def edit_welcome(ctx: Context) -> MessageEdit:
    return EDIT


@router.command("card")
async def card(ctx: Context, args: str) -> Message | Form:
    if args == "form":
        inputs = [TextInput(name="note", label="Note", placeholder="Anything")]
        return Form(name="note", title="A note", inputs=inputs)
    return Message(text="a card", buttons=[Button.invoke("Done", key="done")])


@router.button("done")
async def done(ctx: Context, rest: str) -> MessageEdit:
    return MessageEdit.of(Message(text="done"))


@router.form("note")
async def noted(ctx: Context, values: dict[str, object]) -> MessageEdit:
    return MessageEdit(text=f"noted {values['note']}")


@pytest.fixture
async def chat() -> AsyncIterator[Conversation]:
    bot = Bot(clock=FrozenClock()).include(router)
    async with talking_to(bot) as chat:
        yield chat


@pytest.mark.parametrize(
    ("call", "named"),
    [
        (lambda chat: chat.command("edit"), "command execution_handler 'edit'"),
        (lambda chat: chat.say("edit please"), "bot message_handler"),
        (lambda chat: chat.mention("@bot edit please"), "bot mention_handler"),
        (lambda chat: chat.say("edit 7"), "bot message_handler"),
        (lambda chat: chat.menu("Edit"), "bot action_handler"),
        (lambda chat: chat.welcome(), "bot welcome_handler"),
    ],
)
async def test_a_message_edit_from_a_call_without_a_message_is_refused_saying_why(
    chat: Conversation, caplog: pytest.LogCaptureFixture, call: object, named: str
) -> None:
    with caplog.at_level(logging.ERROR, logger="bot.dispatch"):
        answer = await call(chat)  # type: ignore[operator]
    assert answer.kind == "message" and "quote reference" in answer.text
    assert named in caplog.text
    assert "only a button's or a form's listener may return one" in caplog.text
    assert "return a Message" in caplog.text


async def test_a_button_and_a_form_may_edit_the_message(chat: Conversation) -> None:
    await chat.command("card")
    clicked = await chat.click("Done")
    assert clicked.kind == "message_edit" and clicked.text == "done"
    await chat.command("card", "form")
    submitted = await chat.submit({"note": "hi"})
    assert submitted.kind == "message_edit" and submitted.text == "noted hi"
