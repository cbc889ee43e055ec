"""The compiled outbound layer (bot/cliq/outbound.py) itself: the quick checks agree with the
careful ones on any text, copies are checked again, Cliq's JSON is read back strictly, objects
are frozen and compared by value, and a wrong type is refused naming the field."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.cliq import limits
from bot.cliq.form import Form, NumberInput, Option, TextInput
from bot.cliq.markup import LINE_MARKUP, Markup
from bot.cliq.message import (
    Button,
    Card,
    LabelSlide,
    ListSlide,
    Message,
    MessageEdit,
    TableSlide,
    TextSlide,
)
from bot.cliq.outbound import Outbound, OutboundError, literal

# Text rich in what the single-line rules look at: markup characters, line breaks, `{@`, `](`,
# words (which `isalnum` passes without a search), spaces and other scripts.
TEXT = st.text(
    alphabet=st.sampled_from([*LINE_MARKUP, *"#!>-{}[]() ab1確é", "\u2060"]), max_size=12
) | st.sampled_from(["Status", "Open", "確認", "in 25 min", "a_b", "@all", "x*y", "[a](b)"])


@settings(max_examples=300, deadline=None)
@given(key=TEXT.filter(bool), value=TEXT, title=TEXT, item=TEXT)
def test_single_line_text_is_escaped_exactly_as_literal_says(
    key: str, value: str, title: str, item: str
) -> None:
    slide = LabelSlide(data=[{key: value}], title=title or None)
    assert slide.data == [{literal(key): literal(value)}]
    assert slide.title == (literal(title) if title else None)
    assert ListSlide(data=[item, value]).data == [literal(item), literal(value)]
    table = TableSlide.of([key], [{key: value}])
    assert table.data.headers == [literal(key)] and table.data.rows == [
        {literal(key): literal(value)}
    ]
    assert Card(title=title).title == literal(title, limits.CARD_TITLE)
    assert Button.invoke(key[:20], key="k").label == literal(key[:20], limits.BUTTON_LABEL)
    assert Option(label=value, value="v").label == literal(value, limits.OPTION_LABEL)


def test_our_markup_is_never_escaped() -> None:
    bold = Markup("*Open*")
    assert LabelSlide(data=[{"Status": bold}]).data == [{"Status": bold}]
    assert Card(title=bold).title == bold
    assert Button.invoke(Markup("*Go*"), key="k").label == "*Go*"


def test_a_copy_is_checked_again() -> None:
    message = Message(text="x", buttons=[Button.invoke("OK", key="k")])
    changed = message.replace(text="y")
    assert changed.text == "y" and changed.buttons == message.buttons and message.text == "x"
    with pytest.raises(OutboundError, match="message text is at most 5000"):
        message.replace(text="y" * 5001)
    with pytest.raises(OutboundError, match="at most 5 buttons"):
        message.replace(buttons=[Button.invoke("OK", key="k")] * 6)
    assert Card(title="a*b").replace(theme="poll").title == literal("a*b")  # escaped once
    with pytest.raises(TypeError):
        message.replace(chatid="1")


def test_objects_are_frozen_and_compared_by_value() -> None:
    card = Card(title="T")
    with pytest.raises(AttributeError):
        card.title = "U"  # type: ignore[misc]
    assert Card(title="T") == card and Card(title="U") != card
    assert hash(Card(title="T")) == hash(card)
    assert Message(text="x") != MessageEdit(text="x")


def test_a_message_becomes_an_edit_with_the_same_fields() -> None:
    message = Message(text="x", card=Card(title="T"), slides=[TextSlide(data="s")])
    edit = MessageEdit.of(message)
    assert edit.to_wire() == {**message.to_wire(), "type": "message_edit"}


def test_cliqs_json_is_read_back_strictly() -> None:
    wire = Message(text="x", card=Card(title="T"), slides=[TextSlide(data="s")]).to_wire()
    assert Message.from_wire(wire).to_wire() == wire
    for bad, says in [
        ({**wire, "chatid": "1"}, "extra keys not permitted: \\['chatid'\\]"),
        ({**wire, "card": {"title": "T", "colour": "red"}}, "Card: extra keys"),
        ({**wire, "slides": [{"type": "chart", "data": "s"}]}, "unknown type 'chart'"),
        ({**wire, "slides": [{"data": "s"}]}, "unknown type None"),
        ({**wire, "card": "T"}, "Message.card must be Card"),
        ({"text": 5}, "Message.text must be text, got int"),
        ([wire], "Message: expected an object"),
    ]:
        with pytest.raises(OutboundError, match=says):
            Message.from_wire(bad)
    with pytest.raises(OutboundError, match="Form: Missing required argument 'title'"):
        Form.from_wire({"name": "f", "inputs": [{"type": "hidden", "name": "h", "value": "v"}]})


def test_a_wrong_type_is_refused_naming_the_field() -> None:
    for build, says in [
        (lambda: Card(title=5), "Card.title must be text, got int"),  # type: ignore[arg-type]
        (lambda: Card(theme="dark"), "Card.theme must be one of"),  # type: ignore[arg-type]
        (lambda: Message(buttons=["OK"]), "Message.buttons item must be Button"),  # type: ignore[list-item]
        (lambda: LabelSlide(data=[{"a": 1}]), "LabelSlide.data item key and value must be text"),  # type: ignore[dict-item]
        (lambda: LabelSlide(data=[{"a": "b", "c": "d"}]), "exactly one label: value pair"),
        (lambda: NumberInput(name="n", label="N", value=True), "must be a number"),
        (lambda: NumberInput(name="n", label="N", value=float("nan")), "not a number"),
        (lambda: TextInput(name="t", label="T", placeholder="p", max_length=1.5), "whole number"),  # type: ignore[arg-type]
    ]:
        with pytest.raises(OutboundError, match=says):
            build()
    assert NumberInput(name="n", label="N", value=5).to_json().endswith(b'"value":5.0}')
    assert Message(slides=(TextSlide(data="s"),)).slides == [TextSlide(data="s")]  # a list


def test_a_class_keeps_its_rules_in_check_not_post_init() -> None:
    with pytest.raises(TypeError, match="_check"):

        class Wrong(Outbound, kw_only=True):
            text: str

            def __post_init__(self) -> None:
                pass


def test_every_outbound_class_compiles() -> None:
    """Checks are compiled at a class's first object; a mistake in any class's annotations
    shows here rather than at the first card of its kind."""
    import bot.cliq.form
    import bot.cliq.message  # noqa: F401  (every class defined)
    from bot.cliq.outbound import _hints

    classes: list[type[Outbound]] = []
    pending = list(Outbound.__subclasses__())
    while pending:
        cls = pending.pop()
        if cls.__module__.startswith("bot."):
            classes.append(cls)
        pending.extend(cls.__subclasses__())
    assert len(classes) > 30
    for cls in classes:
        assert list(_hints(cls)) == list(cls.__struct_fields__)
