"""Banners within 50 characters (audit §3), longer refusals shown whole as a message, radio inputs
with their mandatory hint (audit §1.12), and usage text without backticks (audit §3)."""

from __future__ import annotations

import pytest

from bot import answers
from bot.app import build_bot
from bot.cards import people
from bot.cards.forms import comment_form
from bot.cliq.envelope import Envelope
from bot.cliq.form import RadioInput
from bot.cliq.message import Banner, Message
from bot.cliq.outbound import OutboundError
from bot.desk.tickets import Ticket
from bot.i18n import ENGLISH, Languages
from bot.testing.signing import envelope


def test_a_banner_holds_at_most_50_characters() -> None:
    Banner(text="x" * 50)
    with pytest.raises(OutboundError, match="at most 50"):
        Banner(text="x" * 51)


def test_the_frameworks_own_banners_fit() -> None:
    for words in (ENGLISH, Languages().words("ja")):
        for banner in (
            answers.working(words),
            answers.admins_only(words),
            answers.stale_button(words),
        ):
            assert len(banner.text) <= 50, banner.text


def test_a_refusal_too_long_for_a_banner_is_shown_whole_as_a_message() -> None:
    short = people.refused("Desk's API credits for today are used up.")
    assert isinstance(short, Banner) and short.status == "failure"
    text = "Zoho refused Deskbot's own Desk token (invalid_code); an admin must renew it."
    long = people.refused(text)
    assert isinstance(long, Message) and long.text == text
    assert isinstance(people.done("Posted to #desk."), Banner)


def test_the_comment_forms_radio_has_its_hint_and_a_radio_needs_one() -> None:
    ticket = Ticket.model_validate({"id": "1", "ticketNumber": "115", "subject": "x"})
    radio = next(
        i for i in comment_form(ticket, 0, words=ENGLISH).inputs if isinstance(i, RadioInput)
    )
    assert radio.hint and len(radio.hint) <= 100
    with pytest.raises(OutboundError, match="needs a hint"):
        RadioInput(name="who", label="Who", options=[("A", "a"), ("B", "b")])


def test_usage_and_error_text_have_no_backticks(config) -> None:  # type: ignore[no-untyped-def]
    bot = build_bot(config)
    env = Envelope.model_validate(envelope("command", "execution_handler", name="ticket"))
    assert "`" not in answers.usage(bot, env, ENGLISH, problem="bad").text
    assert "`" not in answers.error("ref-1", ENGLISH).text
