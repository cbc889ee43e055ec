"""The compiled outbound layer (bot/cliq/outbound.py) itself: the quick checks agree with the
careful ones on any text, copies are checked again, Cliq's JSON is read back strictly, objects
are frozen and compared by value, and a wrong type is refused naming the field."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.cliq import limits
from bot.cliq.form import Form, NumberInput, Option, TextInput
from bot.cliq.markup import LINE_MARKUP, Markup
from bot.cliq.message import (
    Button,
    ButtonAction,
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


# --- the shortcuts of our own classmethods agree with the constructor ----------------------

# Anything a caller may pass where text is expected: text (plain, markup, empty, at and over
# a limit, our Markup) and what is not text at all.
NOT_TEXT = st.none() | st.integers(-2, 200) | st.sampled_from([1.5, True, b"bytes", ["a"]])
ANYTHING = TEXT | TEXT.map(Markup) | st.text(alphabet="ab _*", max_size=120) | NOT_TEXT
LABELS = st.sampled_from(["Go", "x" * 20, "x" * 21, "", "a*b"]) | ANYTHING
KEYS = st.sampled_from(["status:115", "k" * 100, "k" * 101, ""]) | ANYTHING


def outcome(build: Any) -> tuple[str, Any]:
    """What building gives: the object, its JSON and its label's class, or the refusal."""
    try:
        made = build()
    except OutboundError as exc:
        return ("refused", str(exc))
    return ("built", (made, type(made), made.to_json(), [type(v) for v in _texts(made)]))


def _texts(made: Any) -> list[Any]:
    if isinstance(made, Button):
        return [made.label, made.key]
    return [made.title, *(v for pair in made.data for item in pair.items() for v in item)]


@settings(max_examples=400, deadline=None)
@given(
    label=LABELS,
    key=KEYS,
    function=st.sampled_from(["botbutton", "other"]),
    negative=st.sampled_from([False, True, 0, 1, "", "x"]),
)
def test_button_invoke_builds_what_the_constructor_builds(
    label: Any, key: Any, function: str, negative: Any
) -> None:
    """`Button.invoke` copies an earlier button of the same label instead of checking again:
    for any label and key (markup, too long, empty, not text) it gives exactly what
    `Button(...)` gives or refuses with the same words, the first time and the next."""

    def constructor() -> Button:
        action = ButtonAction(type="invoke.function", data={"name": function})
        return Button(label=label, key=key, action=action, type="-" if negative else "+")

    def invoke(key: Any) -> Button:
        return Button.invoke(label, key=key, function=function, negative=negative)

    expected = outcome(constructor)
    assert outcome(lambda: invoke(key)) == expected
    outcome(lambda: invoke("k"))  # a button with that label kept, when it is one
    assert outcome(lambda: invoke(key)) == expected


def test_button_invoke_keeps_a_bounded_number_of_labels(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.cliq import message

    monkeypatch.setattr(message, "_PLUS", {})
    monkeypatch.setattr(message, "_LABELS_KEPT", 3)
    for n in range(10):
        assert Button.invoke(f"L{n}", key=f"k{n}") == Button(
            label=f"L{n}",
            key=f"k{n}",
            action=ButtonAction(type="invoke.function", data={"name": "botbutton"}),
        )
    assert list(message._PLUS["botbutton"]) == ["L0", "L1", "L2"]
    assert Button.invoke("L9", key="k").key == "k" and Button.invoke("L0", key="k").key == "k"
    with pytest.raises(OutboundError, match="button key is at most 100"):
        Button.invoke("L0", key="k" * 101)


def test_button_invoke_on_a_subclass_builds_the_subclass() -> None:
    class Mine(Button, kw_only=True):
        pass

    Button.invoke("Go", key="k")
    made = Mine.invoke("Go", key="k")
    assert type(made) is Mine and made.label == "Go"


@settings(max_examples=400, deadline=None)
@given(
    pairs=st.dictionaries(ANYTHING.filter(lambda k: k.__hash__ is not None), ANYTHING, max_size=4),
    title=ANYTHING,
)
def test_label_slide_of_builds_what_the_constructor_builds(
    pairs: dict[Any, Any], title: Any
) -> None:
    """`LabelSlide.of` skips the constructor's checks for plain text: for any pairs and title
    (markup, not text, our Markup) it gives what `LabelSlide(...)` gives (values as
    `str(value)`), or refuses with the same words."""

    def text(value: Any) -> Any:
        return value if isinstance(value, str) else str(value)

    expected = outcome(
        lambda: LabelSlide(data=[{text(k): text(v)} for k, v in pairs.items()], title=title)
    )
    assert outcome(lambda: LabelSlide.of(pairs, title=title)) == expected
    assert outcome(lambda: LabelSlide.of(list(pairs.items()), title=title)) == expected
