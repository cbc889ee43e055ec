"""Bot menus within Cliq's limits (5 menu actions, 5 sub-actions each), sub_action routing,
command selections, extension installation calls, and answers of the right kind per handler."""

from __future__ import annotations

import asyncio

import pytest

from bot.cliq.message import CommandSuggestion, Message
from bot.cliq.verify import HmacVerifier
from bot.clock import FrozenClock
from bot.context import Context
from bot.dispatch import Bot
from bot.handlers.web import make_web_app
from bot.i18n import ENGLISH
from bot.router import MenuLimitError, Router
from bot.testing import Conversation, SignedRequests
from bot.testing.signing import envelope
from tests.conftest import SECRET


def _listener(text: str):  # type: ignore[no-untyped-def]
    async def listener(ctx: Context) -> Message:
        return Message(text=text)

    return listener


def test_a_sixth_menu_action_is_refused_at_registration() -> None:
    router = Router()
    for n in range(5):
        router.menu(f"Menu {n}")(_listener("x"))
    with pytest.raises(MenuLimitError, match="at most 5 menu actions"):
        router.menu("Menu 5")(_listener("x"))
    assert len(router.menus) == 5


def test_sub_actions_count_once_per_parent_and_at_most_five_each() -> None:
    router = Router()
    for n in range(5):
        router.menu("Tickets", sub_action=f"Sub {n}")(_listener("x"))
    with pytest.raises(MenuLimitError, match="6 sub-actions"):
        router.menu("Tickets", sub_action="Sub 5")(_listener("x"))
    for n in range(4):
        router.menu(f"Other {n}")(_listener("x"))  # 5 menu actions in all: allowed


def test_the_limit_holds_across_routers_included_in_one_bot() -> None:
    first, second = Router(), Router()
    for n in range(3):
        first.menu(f"A{n}")(_listener("x"))
        second.menu(f"B{n}")(_listener("x"))
    with pytest.raises(MenuLimitError, match="got 6"):
        Bot().include(first, second)


@pytest.mark.parametrize(
    ("name", "sub_action", "match"),
    [
        ("A menu name too long", "", "longer than 15"),
        ("Tickets", "A sub-action too long", "longer than 15"),
    ],
)
def test_names_longer_than_cliq_allows_are_refused(name: str, sub_action: str, match: str) -> None:
    with pytest.raises(MenuLimitError, match=match):
        Router().menu(name, sub_action=sub_action)(_listener("x"))


def test_a_menu_action_cannot_be_both_plain_and_a_parent() -> None:
    router = Router()
    router.menu("Tickets")(_listener("x"))
    with pytest.raises(MenuLimitError, match="both plain and as a parent"):
        router.menu("Tickets", sub_action="Open")(_listener("x"))


router = Router()
router.menu("Tickets", sub_action="Overdue")(_listener("overdue list"))
router.menu("Tickets", sub_action="Due Today")(_listener("due list"))
router.menu("Help")(_listener("help menu"))


@router.command("ticket")
async def ticket(ctx: Context, args: str) -> Message:
    return Message(text=f"ticket {args}")


@router.suggestion("ticket")
async def suggest(ctx: Context, typed: str) -> list[CommandSuggestion] | None:
    return None if typed == "none" else [CommandSuggestion(title="#115")]


@router.command("slow")
async def slow(ctx: Context, args: str) -> Message:
    await asyncio.Event().wait()  # never: the edge answers at the deadline
    return Message(text="never")


@pytest.fixture
async def chat(aiohttp_client, clock: FrozenClock) -> Conversation:  # type: ignore[no-untyped-def]
    bot = Bot(name="Deskbot", clock=clock, deadline=5).include(router)
    client = await aiohttp_client(make_web_app(bot, HmacVerifier(SECRET, clock)))
    conversation = Conversation(client, SignedRequests(SECRET, clock))
    conversation.bot = bot  # type: ignore[attr-defined]
    return conversation


async def test_sub_actions_are_routed_by_the_forwarded_sub_action(chat: Conversation) -> None:
    assert (await chat.menu("Tickets", "Overdue")).text == "overdue list"
    assert (await chat.menu("Tickets", "due  today")).text == "due list"
    assert (await chat.menu("Help")).text == "help menu"


async def test_a_parent_menu_without_a_sub_action_offers_its_sub_actions(
    chat: Conversation,
) -> None:
    offered = await chat.menu("Tickets")
    assert offered.output["suggestions"]["list"] == [{"text": "Overdue"}, {"text": "Due Today"}]


async def test_a_picked_suggestion_is_what_the_command_gets(chat: Conversation) -> None:
    """`/ticket 11` and a pick of "#115": the listener gets "#115", not "11" (audit §1.6)."""
    picked = await chat.command("ticket", "11", selections=[{"title": "#115", "description": "x"}])
    assert picked.text == "ticket #115"
    assert (await chat.command("ticket", "11")).text == "ticket 11"


async def test_a_suggestion_handler_always_answers_a_list(chat: Conversation) -> None:
    assert (await chat.suggest("ticket", "1")).output == [{"title": "#115"}]
    assert (await chat.suggest("ticket", "none")).output == []
    assert (await chat.suggest("nosuch", "1")).output == []


async def test_working_on_it_only_where_cliq_shows_banners(chat: Conversation) -> None:
    chat.bot.deadline = 0.01  # type: ignore[attr-defined]
    command = await chat.command("slow")
    assert command.kind == "banner" and "Working on it" in command.text
    assert len(command.text) <= 50


@pytest.mark.parametrize(
    ("handler", "answer"),
    [
        ("installation_validator", {"status": "200"}),
        ("installation_handler", None),
    ],
)
async def test_extension_installation_calls_are_answered_as_zoho_documents(
    chat: Conversation, handler: str, answer: dict[str, str] | None
) -> None:
    params = {"user": chat.user, "app_info": {"current_version": "1.0", "type": "install"}}
    reply = await chat.send(envelope("extension", handler, name="deskbot", params=params))
    assert reply.status == 200
    if answer is not None:
        assert reply.output == answer
    else:
        assert reply.output["status"] == "200" and reply.output["title"]
        assert {"status", "title", "message", "note", "footer"} <= set(reply.output)


def test_late_answers_without_a_response_url_go_into_the_chat_as_the_bot() -> None:
    from bot.answers import late_post
    from bot.cliq.envelope import Envelope

    user = {"id": "5", "email": "aiko@example.com"}
    channel = {"id": "CT_1", "type": "channel", "channel_unique_name": "desk"}
    bot_chat = {"id": "CT_2-B2", "type": "bot"}
    group = {"id": "CT_3", "type": "chat"}

    def call(chat: dict[str, str], handler: str = "execution_handler") -> Envelope:
        component = "bot" if handler == "participation_handler" else "command"
        params = {"user": user, "chat": chat}
        return Envelope.model_validate(envelope(component, handler, name="x", params=params))

    card = {"text": "hi", "card": {"title": "T"}}
    assert late_post(call(channel), card) == ("channel", "desk", card)
    assert late_post(call(bot_chat), card) == ("user", "aiko@example.com", card)
    assert late_post(call(group), card) == ("user", "aiko@example.com", card)
    banner = {"type": "banner", "text": "Done", "status": "success"}
    assert late_post(call(bot_chat), banner) == ("user", "aiko@example.com", {"text": "Done"})
    edit = late_post(call(bot_chat), {"type": "message_edit", "text": "Status → Closed"})
    assert edit == ("user", "aiko@example.com", {"text": "Status → Closed"})
    assert late_post(call(bot_chat), {"type": "form", "title": "F"}) is None
    assert late_post(call(bot_chat), "") is None
    heard = late_post(call(channel, "participation_handler"), {"text": "#115"})
    assert heard == ("channel", "desk", {"text": "#115"})
    assert late_post(call(group, "participation_handler"), {"text": "#115"}) is None


def test_no_working_banner_from_handlers_whose_banners_cliq_drops() -> None:
    from bot.cliq.envelope import Envelope
    from bot.handlers.cliq import _working_answer

    def working(component: str, handler: str) -> bytes:
        return _working_answer(Envelope.model_validate(envelope(component, handler)), ENGLISH)

    assert b"banner" in working("command", "execution_handler")
    assert b"banner" in working("function", "form_handler")
    assert b"banner" in working("bot", "action_handler")
    assert working("bot", "welcome_handler") == b'""'
    assert working("bot", "participation_handler") == b'""'
    assert working("command", "suggestion_handler") == b"[]"


async def test_an_unmatched_sub_action_offers_the_sub_actions_and_their_names_work_as_text(
    chat: Conversation,
) -> None:
    """If `sub_action` is an identifier rather than the name (Zoho does not say), the parent
    offers its sub-actions as suggestions; a clicked suggestion comes back as a message."""
    offered = await chat.menu("Tickets", "1733000000001")
    assert [s["text"] for s in offered.output["suggestions"]["list"]] == ["Overdue", "Due Today"]
    assert (await chat.say("due today")).text == "due list"
