"""Routers and dispatch through the real HTTP edge, with a small bot of the test's own."""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from pydantic import BaseModel, Field

from bot.chat import converse
from bot.cliq.envelope import Envelope
from bot.cliq.form import Form, SelectInput, TextInput
from bot.cliq.message import Banner, Button, CommandSuggestion, Message, MessageEdit
from bot.cliq.verify import HmacVerifier
from bot.clock import FrozenClock
from bot.context import Context
from bot.dispatch import Bot, UsageError
from bot.handlers.web import make_web_app
from bot.router import Router
from bot.testing import Conversation, SignedRequests
from tests.conftest import SECRET

router = Router()
release = asyncio.Event()


@router.command("ticket", usage="/ticket [number]")
async def ticket(ctx: Context, args: str) -> Message:
    """Shows a ticket."""
    if args and not args.isdigit():
        raise UsageError(f"“{args}” is not a ticket number.")
    return Message(
        text=f"ticket {args or 'mine'} for {ctx.user.email}",
        buttons=[Button.invoke("Status", key=f"status:{args}")],
    )


@router.command("purge", admin=True)
async def purge(ctx: Context, args: str) -> Message:
    """Deletes everything."""
    return Message(text="purged")


@router.command("boom")
async def boom(ctx: Context, args: str) -> Message:
    raise RuntimeError("secret internals")


@router.command("slow")
async def slow(ctx: Context, args: str) -> Message:
    await release.wait()
    return Message(text="finally")


@router.keyword("Overdue Tickets")
async def overdue(ctx: Context) -> Message:
    return Message(text="3 overdue")


@router.keyword(re.compile(r"#(\d+)"))
async def ticket_ref(ctx: Context, match: re.Match[str]) -> Message:
    return Message(text=f"ticket ref {match.group(1)}")


@router.button("status")
async def pick_status(ctx: Context, ticket_id: str) -> Form:
    return Form(
        title=f"Status of #{ticket_id}",
        name="status",
        inputs=[
            SelectInput(
                name="status",
                label="Status",
                placeholder="Pick",
                options=[("Open", "Open"), ("On Hold", "On Hold")],
            ),
            TextInput(name="ticket", label="Ticket", placeholder="id", value=ticket_id),
        ],
    )


class StatusValues(BaseModel):
    status: str
    ticket: str = Field(pattern=r"^\d+$")


@router.form("status")
async def set_status(ctx: Context, values: StatusValues) -> MessageEdit:
    return MessageEdit(text=f"#{values.ticket} → {values.status}")


@router.menu("Due Today")
async def due_today(ctx: Context) -> Message:
    return Message(text="due today: 2")


@router.suggestion("ticket")
async def suggest(ctx: Context, typed: str) -> list[CommandSuggestion]:
    return [
        CommandSuggestion(title=f"#{n}", description="ticket")
        for n in ("115", "116")
        if n.startswith(typed)
    ]


@router.welcome()
async def hello(ctx: Context) -> Message:
    return Message(text=f"welcome {ctx.user.first_name}")


@pytest.fixture
async def chat(aiohttp_client, aiohttp_server, clock: FrozenClock):  # type: ignore[no-untyped-def]
    release.clear()
    late: asyncio.Queue[Any] = asyncio.Queue()

    async def receive(request: web.Request) -> web.Response:
        await late.put(await request.json())
        return web.json_response({})

    receiver = web.Application()
    receiver.router.add_post("/responses/abc", receive)
    server = await aiohttp_server(receiver)

    session = aiohttp.ClientSession()

    async def late_reply(envelope: Envelope, output: bytes) -> None:
        assert envelope.response_url
        headers = {"Content-Type": "application/json"}
        async with session.post(envelope.response_url, data=output, headers=headers) as response:
            response.raise_for_status()

    bot = Bot(name="Deskbot", clock=clock, deadline=5, late_reply=late_reply).include(router)
    client = await aiohttp_client(make_web_app(bot, HmacVerifier(SECRET, clock)))
    conversation = Conversation(
        client, SignedRequests(SECRET, clock), response_url=str(server.make_url("/responses/abc"))
    )
    conversation.late = late  # type: ignore[attr-defined]
    conversation.bot = bot  # type: ignore[attr-defined]
    yield conversation
    release.set()
    await session.close()


async def test_command_gets_arguments_and_caller(chat: Conversation) -> None:
    answer = await chat.command("ticket", " 115 ")
    assert answer.text == "ticket 115 for agent@example.com"


async def test_bad_argument_gets_usage_card(chat: Conversation) -> None:
    answer = await chat.command("ticket", "abc")
    assert "“abc” is not a ticket number." in answer.text
    assert "/ticket [number]" in answer.text


async def test_bad_argument_to_a_full_width_command_gets_its_usage(chat: Conversation) -> None:
    answer = await chat.command("ｔｉｃｋｅｔ", "abc")
    assert "“abc” is not a ticket number." in answer.text
    assert "/ticket [number]" in answer.text


async def test_unknown_command_gets_usage_with_did_you_mean(chat: Conversation) -> None:
    answer = await chat.command("tickets")
    assert answer.status == 200
    assert "Did you mean */ticket*?" in answer.text
    assert "/ticket [number]" in answer.all_text()


@pytest.mark.parametrize("typed", ["Overdue Tickets", "  overdue   TICKETS ", "OVERDUE tickets"])
async def test_keyword_forgives_case_and_spacing(chat: Conversation, typed: str) -> None:
    assert (await chat.say(typed)).text == "3 overdue"


def test_a_message_is_normalised_once_whatever_the_keyword_count(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import bot.dispatch
    import bot.router

    router = Router()
    for word in ("alpha", "beta", "gamma", "ｐｉｎｇ"):

        @router.keyword(word)
        async def said(ctx: Context) -> str:
            return "said"

    bot_ = Bot(clock=FrozenClock()).include(router)
    calls: list[str] = []
    real = bot.router.normalise

    def counting(text: str) -> str:
        calls.append(text)
        return real(text)

    monkeypatch.setattr(bot.router, "normalise", counting)
    monkeypatch.setattr(bot.dispatch, "normalise", counting)
    found = bot_.find_keyword("  PING ")
    assert found is not None and found[0].pattern == "ping"
    assert calls == ["  PING "]


async def test_regex_keyword_searches(chat: Conversation) -> None:
    assert (await chat.say("what about #115 please")).text == "ticket ref 115"


async def test_unknown_message_gets_usage_with_did_you_mean(chat: Conversation) -> None:
    answer = await chat.say("overdue tickes")
    assert "Did you mean *overdue tickets*?" in answer.text


async def test_mention_is_stripped_before_matching(chat: Conversation) -> None:
    assert (await chat.mention("@Deskbot overdue tickets")).text == "3 overdue"
    assert (await chat.mention("{@b-55001} Overdue Tickets")).text == "3 overdue"


async def test_channel_messages_match_keywords_and_otherwise_stay_silent(
    chat: Conversation,
) -> None:
    answered = await chat.channel_message("Overdue tickets")
    assert answered.kind == "none"  # posted through the late-reply hook instead (audit §2.13)
    late = await asyncio.wait_for(chat.late.get(), timeout=5)  # type: ignore[attr-defined]
    assert late == {"text": "3 overdue"}
    silent = await chat.channel_message("lunch anyone?")
    assert silent.status == 200 and silent.kind == "none"
    assert chat.late.empty()  # type: ignore[attr-defined]


async def test_menu_action_by_name_then_keyword_fallback(chat: Conversation) -> None:
    assert (await chat.menu("Due Today")).text == "due today: 2"
    assert (await chat.menu("Overdue Tickets")).text == "3 overdue"


async def test_button_by_key_prefix_then_form_submit(chat: Conversation) -> None:
    await chat.command("ticket", "115")
    form = await chat.click("Status")
    assert form.kind == "form" and form.output["title"] == "Status of #115"
    done = await chat.submit({"status": "On Hold"})
    assert done.kind == "message_edit"
    assert done.text == "#115 → On Hold"


async def test_form_values_that_fail_the_model_get_form_error(chat: Conversation) -> None:
    await chat.command("ticket", "115")
    await chat.click("Status")
    answer = await chat.submit({"status": "Open", "ticket": "not-a-number"})
    assert answer.kind == "form_error"
    assert "ticket" in answer.output["inputs"]


async def test_unknown_button_gets_a_banner(chat: Conversation) -> None:
    answer = await chat.click(
        {"label": "Old", "key": "vanished:1", "action": {"type": "invoke.function"}}
    )
    assert answer.kind == "banner" and answer.output["status"] == "failure"


async def test_suggestions_and_welcome(chat: Conversation) -> None:
    answer = await chat.suggest("ticket", "11")
    assert answer.output == [
        {"title": "#115", "description": "ticket"},
        {"title": "#116", "description": "ticket"},
    ]
    assert (await chat.welcome()).text == "welcome Aiko"


async def test_admin_only_command(chat: Conversation) -> None:
    refused = await chat.command("purge")
    assert refused.kind == "banner" and "Only admins" in refused.output["text"]
    chat.user["admin"] = True
    assert (await chat.command("purge")).text == "purged"


async def test_listener_that_raises_gets_error_card_and_log_only_traceback(
    chat: Conversation, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR):
        answer = await chat.command("boom")
    assert answer.status == 200
    reference = answer.headers["X-Request-Id"]
    assert reference in answer.text
    assert "secret internals" not in str(answer.body)
    assert "Traceback" not in str(answer.body)
    assert any("secret internals" in (r.exc_text or "") for r in caplog.records)


async def test_listener_over_its_deadline_answers_late_through_response_url(
    chat: Conversation,
) -> None:
    chat.bot.deadline = 0.01  # type: ignore[attr-defined]  # the listener waits for `release`
    answer = await chat.command("slow")
    assert answer.kind == "banner" and "Working on it" in answer.output["text"]
    release.set()
    late = await asyncio.wait_for(chat.late.get(), timeout=5)  # type: ignore[attr-defined]
    assert late == {"text": "finally"}


def test_banner_reply_type() -> None:
    assert Banner(text="x", status="success").to_wire() == {
        "type": "banner",
        "text": "x",
        "status": "success",
    }


async def test_terminal_chat_renders_cards_numbers_buttons_and_fills_forms(
    chat: Conversation,
) -> None:
    """`deskbot chat`: a scripted person runs a command, clicks button 1 and fills the form."""
    typed = iter(["/ticket 115", "1", "2", "", "ping me", "quit"])
    prompts: list[str] = []
    shown: list[str] = []

    async def ask(prompt: str) -> str:
        prompts.append(prompt)
        return next(typed)

    await converse(chat, ask=ask, show=shown.append)
    screen = "\n".join(shown)
    assert "ticket 115 for agent@example.com" in screen
    assert "[1] Status" in screen
    assert "== Status of #115 ==" in screen and "2) On Hold" in screen
    assert "#115 → On Hold" in screen  # option 2 chosen; the ticket input kept its value
    assert "I don't know “ping me”" in screen
    assert prompts.count("you> ") == 4


class _Outage(ConnectionError):
    """A kind of failure an app answers with its own reply."""


async def test_error_replies_answer_by_the_nearest_exception_class(aiohttp_client, clock) -> None:  # type: ignore[no-untyped-def]
    own = Router()

    @own.command("down")
    async def down(ctx: Context, args: str) -> Message:
        raise _Outage("the backend is down")

    @own.command("broken")
    async def broken(ctx: Context, args: str) -> Message:
        raise KeyError("x")

    replies = {OSError: lambda exc: Banner(text=f"Unavailable: {exc}", status="failure")}
    bot = Bot(clock=clock, error_replies=replies).include(own)
    client = await aiohttp_client(make_web_app(bot, HmacVerifier(SECRET, clock)))
    talk = Conversation(client, SignedRequests(SECRET, clock))
    answer = await talk.command("down")
    assert answer.kind == "banner" and answer.text == "Unavailable: the backend is down"
    other = await talk.command("broken")  # not registered: the error card with a reference
    assert other.status == 200 and other.kind != "banner" and "ref" in other.all_text().lower()
