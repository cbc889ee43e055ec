"""What people write arrives whole (issue 17 item 1): every call here is sent the way a Deluge
shim sends it (`Conversation` defaults to the Deluge wire), with text Deluge's `Map.toString()`
would corrupt: quotes, line breaks, TABs, backslashes, Japanese and emoji."""

from __future__ import annotations

from typing import Literal

import pytest

from bot.cliq.deluge import deluge_to_string, is_text_of_maps
from bot.testing.signing import envelope
from tests.deskbot.conftest import PEOPLE, Deskbot

HOSTILE = [
    'Hi Ken,\nThe "reset" link is fixed.',
    "tab\tseparated\tvalues",
    "a back\\slash, \\n is not a line break, C:\\new",
    "日本語のお問い合わせです",
    "emoji 🎉👍🏽 ok",
    '"},{"forged":"key',
    "CRLF line\r\nend",
]


async def _ticket_115(deskbot: Deskbot, who: str = "admin"):  # type: ignore[no-untyped-def]
    await deskbot.connect(PEOPLE[who]["email"])
    chat = deskbot.chat(who)
    await chat.command("ticket", "115")
    return chat


@pytest.mark.parametrize("text", HOSTILE)
async def test_a_reply_reaches_the_customer_as_typed(deskbot: Deskbot, text: str) -> None:
    chat = await _ticket_115(deskbot)
    await chat.click("Reply")
    done = await chat.submit({"content": text})
    assert done.status == 200 and "Replied" in done.text
    sandbox = deskbot.parts.sandboxes
    assert sandbox is not None and sandbox.desk.replies[-1]["content"] == text


@pytest.mark.parametrize("text", HOSTILE)
async def test_a_comment_reaches_desk_as_typed(deskbot: Deskbot, text: str) -> None:
    chat = await _ticket_115(deskbot)
    await chat.click("Comment")
    done = await chat.submit({"content": text, "visibility": "public"})
    assert "Public comment added" in done.text
    ticket = await deskbot.parts.desk.ticket_by_number(115)
    sandbox = deskbot.parts.sandboxes
    assert ticket is not None and sandbox is not None
    assert (await sandbox.desk.comments(ticket.id))[0]["content"] == text


@pytest.mark.parametrize("text", HOSTILE)
async def test_a_status_note_reaches_desk_as_typed(deskbot: Deskbot, text: str) -> None:
    chat = await _ticket_115(deskbot)
    await chat.click("Status")
    done = await chat.submit({"status": "On Hold", "note": text})
    assert "Status → On Hold, note added" in done.text
    ticket = await deskbot.parts.desk.ticket_by_number(115)
    sandbox = deskbot.parts.sandboxes
    assert ticket is not None and ticket.status == "On Hold" and sandbox is not None
    comment = (await sandbox.desk.comments(ticket.id))[0]
    assert comment["content"] == text and comment["isPublic"] is False


@pytest.mark.parametrize("text", [t for t in HOSTILE if len(t) <= 40])
async def test_command_arguments_arrive_as_typed(deskbot: Deskbot, text: str) -> None:
    answer = await deskbot.chat().command("ticket", text)
    assert answer.status == 200
    shown = " ".join(text.split())  # the usage card quotes what arrived, spacing collapsed
    assert f"“{shown}”" in answer.text


@pytest.mark.parametrize("text", HOSTILE)
async def test_messages_and_mentions_arrive_as_typed(deskbot: Deskbot, text: str) -> None:
    chat = deskbot.chat()
    for answer in (await chat.say(text), await chat.mention(f"@Deskbot {text}")):
        assert answer.status == 200
        shown = text.strip()
        assert (shown if len(shown) <= 60 else shown[:57]) in answer.text


async def test_keywords_match_through_the_deluge_wire(deskbot: Deskbot) -> None:
    chat = deskbot.chat()
    assert (await chat.say("due\ttoday")).title == "Due today"  # a TAB is spacing
    assert (await chat.menu("Tickets", "Overdue Tickets")).title == "Overdue tickets"


async def test_a_channel_keyword_is_answered_by_a_post_as_the_bot(deskbot: Deskbot) -> None:
    """Whether Cliq shows a participation handler's answer is undocumented (audit §2.13): the
    answer is posted to the channel as the bot, and the handler answers empty (never twice)."""
    await deskbot.parts.installation.install(str(deskbot.client.make_url("")).rstrip("/"))
    chat = deskbot.chat(id="CT_42", type="channel", title="desk", channel_unique_name="desk")
    answer = await chat.channel_message("Open\tTickets")
    assert answer.status == 200 and answer.kind == "none"
    assert (await chat.channel_message("lunch, anyone?")).kind == "none"
    await deskbot.deliver()
    posted = [m for m in deskbot.cliq_messages if m["target_kind"] == "channel"]
    assert [(m["target"], m["body"]["card"]["title"]) for m in posted] == [("desk", "Open tickets")]


async def test_a_japanese_user_name_and_chat_title_survive(deskbot: Deskbot) -> None:
    chat = deskbot.chat(**{"title": '"営業" チーム\n🎉', "type": "channel", "id": "CT_9"})
    chat.user = {**chat.user, "first_name": '愛子 "Aiko"', "last_name": "田中\t"}
    answer = await chat.command("ticket", "115")
    assert answer.status == 200 and answer.title.startswith("#115")


async def test_what_the_old_shim_sent_is_refused_and_why(deskbot: Deskbot) -> None:
    """The fault: Map.toString() of the raw values (no encoding) is not JSON when the text has
    a quote or a line break; the server says so (the shim shows that as an error line)."""
    env = envelope(
        "function",
        "form_handler",
        name="botform",
        params={
            "user": PEOPLE["agent"],
            "form": {"name": "reply", "values": {"content": 'Hi Ken,\nThe "reset" link.'}},
        },
    )
    body = deluge_to_string(env).encode()
    response = await deskbot.client.post("/cliq", data=body, headers=deskbot.signer.headers(body))
    assert response.status == 400
    assert "malformed JSON" in (await response.json())["reason"]


@pytest.mark.parametrize(
    ("chat", "where"),
    [
        ({"id": "CT_7-B2", "type": "bot"}, ("user", "agent@example.com")),
        ({"id": "CT_8", "type": "channel", "channel_unique_name": "desk"}, ("channel", "desk")),
    ],
)
async def test_a_late_answer_is_posted_into_the_chat_as_the_bot_without_a_response_url(
    deskbot: Deskbot, chat: dict[str, str], where: tuple[str, str]
) -> None:
    """Deluge shim calls have no response_url (audit §1.7): the late answer goes through the
    outbox, as the bot, into the chat where the command ran (once, however often delivered)."""
    from bot.cliq.envelope import Envelope
    from bot.handlers.cliq import BOT

    await deskbot.parts.installation.install(str(deskbot.client.make_url("")).rstrip("/"))
    deskbot.subscribe("agent@example.com")
    bot = deskbot.client.server.app[BOT]
    env = Envelope.model_validate(
        envelope(
            "command",
            "execution_handler",
            name="pendingtickets",
            params={"user": PEOPLE["agent"], "chat": chat},
            timestamp=1,
        )
    )
    late = b'{"text":"Pending: 3 open","card":{"title":"Pending"}}'
    await bot.deliver_late(env, late)
    await bot.deliver_late(env, late)
    await deskbot.deliver()
    [posted] = [m for m in deskbot.cliq_messages if m["body"].get("text") == "Pending: 3 open"]
    assert (posted["target_kind"], posted["target"]) == where


@pytest.mark.parametrize("sub_action", ["", "4400000000000017"])
async def test_a_parent_menu_without_a_known_sub_action_offers_its_sub_actions(
    deskbot: Deskbot, sub_action: str
) -> None:
    """Whether `sub_action` is the name or an identifier, the person gets there."""
    chat = deskbot.chat()
    offered = await chat.menu("Attendance", sub_action)
    choices = [s["text"] for s in offered.output["suggestions"]["list"]]
    assert choices == ["Check In", "Check Out", "Meal Break", "Short Break"]
    assert "You are *Check In*" in (await chat.say(choices[0])).text


@pytest.mark.parametrize("is_text_of_a_map", ["null", "false"])
async def test_maps_arrive_whichever_way_deluge_istext_answers(
    deskbot: Deskbot, is_text_of_a_map: Literal["null", "false"]
) -> None:
    """The shims tag a value `j` when `isText()` is null (maps and lists, per Deluge's help);
    if live Deluge answered false instead, maps travel as `t` text: a select's option, a
    checkbox's list, a button's arguments. Either way the change is made."""
    with is_text_of_maps(is_text_of_a_map):
        chat = await _ticket_115(deskbot)
        form = await chat.click("Status")
        done = await chat.submit({"status": "Closed"}, form=form.output)  # sent as {label, value}
        assert "Status → Closed" in done.text, done.text
        await chat.click("Comment")
        done = await chat.submit(
            {"content": '{"label":"x","value":"y"} stays text', "visibility": "private"}
        )
        assert "Private comment added" in done.text, done.text
    ticket = await deskbot.parts.desk.ticket_by_number(115)
    assert ticket is not None and ticket.status == "Closed"
    sandbox = deskbot.parts.sandboxes
    assert sandbox is not None
    comments = [str(c) for c in await sandbox.desk.comments(ticket.id)]
    assert any('{"label":"x","value":"y"} stays text' in c for c in comments)
