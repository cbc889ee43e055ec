"""`bot.cliq.markup.escape`: people's text shows as written, with no mention and no formatting
(issue 17), by the sandbox Cliq's reading of Zoho's documented syntax."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.cards.text import render
from bot.cliq.markup import (
    UNDERSCORE_LOOK_ALIKE,
    WORD_JOINER,
    Markup,
    escape,
    needs_escape,
    plain,
)
from bot.cliq.message import Banner, Button, Card, LabelSlide, ListSlide, Message, TableSlide
from bot.i18n import ENGLISH
from bot.sandbox.cliq.text import formats, mentions, restricted
from tests.deskbot.test_hostile_text import HOSTILE

BACK = str.maketrans({"\u2217": "*", "\u223c": "~", "\u02cb": "`", UNDERSCORE_LOOK_ALIKE: "_"})


def visible(text: str) -> str:
    """What a reader sees: the invisible joiners gone, the look-alikes read as what they copy."""
    return text.replace(WORD_JOINER, "").translate(BACK)


MORE = [
    "{@12345678} {@team_9} {#CT_1} {@}",
    "@All @AVAILABLE @here",
    "***bold italic*** _a_b_ __x__",
    "1 * 2 * 3 ~ 4",
    "```\nmulti\nline\n```",
    "   # indented\n\t> tab quote\n  ---",
    "](x) [a]\n(b) [[c]](d)",
    "plain text, 日本語, emoji 🎉",
]


@pytest.mark.parametrize("text", HOSTILE + MORE)
def test_hostile_text_shows_as_written_with_nothing_live(text: str) -> None:
    for shown, block in ((escape(text), True), (plain(text), False)):
        assert formats(shown, block=block) == []
        assert mentions(shown) == [] and restricted(shown) == []
        expected = text if block else " ".join(text.split("\n")).replace("\r", " ")
        assert visible(shown) == expected


OURS = "".join([WORD_JOINER, UNDERSCORE_LOOK_ALIKE, "\u2217\u223c\u02cb"])


@given(st.text(alphabet=st.characters(blacklist_characters=OURS)))
def test_any_text_is_escaped_once_and_for_all(text: str) -> None:
    once = escape(text)
    assert escape(once) == once and escape(str(once)) == once  # idempotent, even as plain str
    assert formats(once) == [] and mentions(once) == []
    assert visible(once) == text
    line = plain(text)
    assert plain(str(line)) == line and formats(line, block=False) == [] and mentions(line) == []


def test_addresses_and_identifiers_keep_their_underscores() -> None:
    assert escape("john_doe@x.com due_30m Asia/Ho_Chi_Minh") == (
        "john_doe@x.com due_30m Asia/Ho_Chi_Minh"
    )
    assert escape("hi@example.com") == "hi@example.com"  # the @ of an address is not a mention


def test_our_markup_is_kept_and_what_it_inserts_escaped() -> None:
    line = Markup("You are *{}* since {}").format("*Meal*", 10)
    assert line == "You are *\u2217Meal\u2217* since 10"
    assert formats(line) == [("bold", line[8 : line.index("since") - 1])]
    assert escape(line) is line
    joined = Markup(", ").join(["{@all}", Markup("*ours*")])
    assert mentions(joined) == [] and "*ours*" in joined
    assert isinstance(Markup("a") + "*b*", Markup) and Markup("a") + "*b*" == "a\u2217b\u2217"


def test_templates_escape_every_value_but_markup() -> None:
    text = render(
        "ticket.txt.j2",
        subject="{@all} *x*",
        status="# Open",
        priority="_p_",
        due="`d`",
        audit=None,
        desk_url=Markup("https://desk.example/1"),
        words=ENGLISH,
    )
    assert isinstance(text, Markup) and mentions(text) == []
    assert [kind for kind, _ in formats(text)] == ["bold", "link"]  # ours: *subject*, the link


def test_single_line_fields_of_every_model_are_escaped_by_default() -> None:
    hostile = "{@all} *x* [a](b)"
    message = Message(
        text="ok",
        card=Card(title=hostile),
        slides=[
            LabelSlide.of({hostile: hostile}, title=hostile),
            TableSlide.of([hostile], [{hostile: hostile}], title=hostile),
            ListSlide(data=[hostile], title=hostile),
        ],
        buttons=[Button.invoke(hostile[:20], key="k")],
    )
    wire = message.to_wire()
    values = [wire["card"]["title"], wire["buttons"][0]["label"]]
    for slide in wire["slides"]:
        values.append(slide["title"])
    values += [*wire["slides"][0]["data"][0].keys(), *wire["slides"][0]["data"][0].values()]
    values += [
        *wire["slides"][1]["data"]["headers"],
        *wire["slides"][1]["data"]["rows"][0].values(),
    ]
    values += wire["slides"][2]["data"]
    for value in values:
        assert formats(value, block=False) == [] and mentions(value) == [], value
    assert Banner(text=hostile).text == plain(hostile)


def test_escaping_never_breaks_a_limit_it_did_not_break() -> None:
    title = "{@" * 100  # 200 characters: escaping adds a joiner to each
    card = Card(title=title)
    assert card.title is not None and len(card.title) <= 200 and card.title.endswith("…")
    assert mentions(card.title) == []
    assert len(Button.invoke("{@all}{@all}{@all}xx", key="k").label) <= 20
    with pytest.raises(ValueError, match="card title"):
        Card(title="x" * 201)  # too long as written: still refused at build time


@given(st.text(alphabet="*_~`{}@#!>-[]()\n\r \tab.+9x"))
def test_text_made_of_markup_characters_is_escaped_too(text: str) -> None:
    once = escape(text)
    assert escape(str(once)) == once and visible(once) == text
    assert formats(once) == [] and mentions(once) == []
    line = plain(text)
    assert plain(str(line)) == line and formats(line, block=False) == [] and mentions(line) == []


@given(st.text(alphabet="*_~`{}@#!>-[]()\n\r\u2028 \tab.+9x") | st.text())
def test_needs_escape_is_false_only_where_escape_changes_nothing(text: str) -> None:
    """The shortcut every model field takes (no escaping when nothing needs it) agrees with
    `escape` itself, for message text and for single-line fields alike."""
    for block in (True, False):
        if not needs_escape(text, block=block):
            assert escape(text, block=block) == text


def test_a_heading_sign_in_a_single_line_field_needs_no_escape() -> None:
    assert not needs_escape("#115 Printer on fire", block=False)
    assert needs_escape("#115 Printer on fire")  # at a line start of message text, it does
    assert needs_escape("{#general}", block=False)  # a channel mention, anywhere


OPENERS = {"\u202a", "\u202b", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068"}
CLOSERS = {"\u202c", "\u2069"}
DIRECTIONS = [
    "invoice\u202egnp.exe",
    "a\u202bb",
    "\u2067x\u202ey",
    "\u202d",
    "x\u2068y",
    "\u202e\u2066a\u2069b",
    "a\u202eb\nc\u2067d\r\ne",
    "closed\u202c already\u202e\u202c",
]


def left_open(line: str) -> list[str]:
    """The direction controls `line` leaves open at its end, as a reader's bidi algorithm sees
    them (UAX #9 X1-X8, levels only: a PDF closes an embedding or override opened since the
    last isolate, a PDI that isolate and all inside it)."""
    stack: list[str] = []
    for char in line:
        if char in OPENERS:
            stack.append(char)
        elif char == "\u202c" and stack and stack[-1] not in ("\u2066", "\u2067", "\u2068"):
            stack.pop()
        elif char == "\u2069" and any(c in ("\u2066", "\u2067", "\u2068") for c in stack):
            while stack.pop() not in ("\u2066", "\u2067", "\u2068"):
                pass
    return stack


def unclosed(text: str) -> str:
    return text.replace("\u202c", "").replace("\u2069", "")


@pytest.mark.parametrize("text", DIRECTIONS)
def test_a_direction_people_leave_open_is_closed_where_their_line_ends(text: str) -> None:
    """A right-to-left override in a subject ("invoice\\u202egnp.exe" reads "invoiceexe.png")
    reordered our own words after it on its line until the line ended; now it ends with the
    text it came in, which is shown as written (the closing marks are invisible)."""
    for shown, block in ((escape(text), True), (plain(text), False)):
        assert all(left_open(line) == [] for line in shown.splitlines()), repr(shown)
        assert escape(str(shown), block=block) == shown  # idempotent
        said = text if block else " ".join(text.split("\n")).replace("\r", " ")
        assert unclosed(shown) == unclosed(said)  # as written, but for the closing marks
    line = Markup("Status: {} → Closed").format(text.splitlines()[0])
    assert left_open(line[: line.index(" → Closed")]) == []  # our arrow is ours again


@given(st.text(alphabet="".join(OPENERS | CLOSERS) + "ab \n"))
def test_no_text_leaves_a_direction_open_past_its_lines(text: str) -> None:
    for shown, block in ((escape(text), True), (plain(text), False)):
        assert all(left_open(line) == [] for line in shown.splitlines()), repr(shown)
        assert escape(str(shown), block=block) == shown
        assert needs_escape(text, block=block) or shown == text
