"""Outbound models: Cliq's shapes, and every Cliq limit refused at build time, naming the limit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from bot.cliq.form import (
    CheckboxInput,
    Form,
    FormError,
    HiddenInput,
    RadioInput,
    SelectInput,
    TextareaInput,
    TextInput,
)
from bot.cliq.message import (
    Banner,
    Button,
    ButtonAction,
    Card,
    CommandSuggestion,
    Confirm,
    LabelSlide,
    ListSlide,
    Message,
    MessageEdit,
    Suggestions,
    TableSlide,
    TextSlide,
)
from bot.cliq.outbound import OutboundError
from bot.cliq.replies import parse_reply


def ticket_card() -> Message:
    return Message(
        text="Ticket #115 was assigned to you",
        card=Card(title="#115 Printer on fire", theme="modern-inline"),
        slides=[
            LabelSlide.of({"Status": "Open", "Priority": "High"}, title="Details"),
            TextSlide(data="Customer: watanabe@abc-corp.com"),
        ],
        buttons=[
            Button.invoke(label, key=f"{label.lower()}:115")
            for label in ("Status", "Assign", "Reply", "Comment")
        ],
    )


def test_ticket_card_wire_shape() -> None:
    wire = ticket_card().to_wire()
    assert set(wire) == {"text", "card", "slides", "buttons"}
    assert "buttons" not in wire["card"]  # buttons at the top level (reference/cliq.md §7.1)
    assert wire["slides"][0] == {
        "type": "label",
        "title": "Details",
        "data": [{"Status": "Open"}, {"Priority": "High"}],
    }
    assert wire["buttons"][0] == {
        "label": "Status",
        "type": "+",
        "key": "status:115",
        "action": {"type": "invoke.function", "data": {"name": "botbutton"}},
    }


def test_round_trip_through_parse_reply() -> None:
    samples = [
        ticket_card(),
        MessageEdit(text="Status → On Hold by Aiko at 10:42"),
        Banner(text="Updated", status="success"),
        FormError(text="Check", inputs={"note": "too long"}),
        Suggestions.of("Pick one", "Overdue Tickets", "Due Today"),
        Message(
            text="t",
            slides=[TableSlide.of(["A", "B"], [{"A": 1, "B": 2}]), ListSlide(data=["x", "y"])],
        ),
        Form(
            title="Status of #115",
            name="status",
            inputs=[
                SelectInput(
                    name="status", label="Status", placeholder="Pick", options=["Open", "On Hold"]
                ),
                HiddenInput(name="ticket_id", value="115"),
            ],
        ),
    ]
    for sample in samples:
        wire = sample.to_wire()
        assert parse_reply(wire).to_wire() == wire


def test_form_and_table_shapes() -> None:
    form = Form(
        title="T",
        name="f",
        inputs=[
            RadioInput(name="r", label="R", hint="Pick one", options=[("Yes", "y"), ("No", "n")])
        ],
    ).to_wire()
    assert form["type"] == "form" and form["action"] == {
        "type": "invoke.function",
        "name": "botform",
    }
    assert form["inputs"][0]["options"] == [
        {"label": "Yes", "value": "y"},
        {"label": "No", "value": "n"},
    ]
    table = TableSlide.of(["Ticket"], [{"Ticket": "#1"}]).to_wire()
    assert table == {"type": "table", "data": {"headers": ["Ticket"], "rows": [{"Ticket": "#1"}]}}
    assert CommandSuggestion(title="#115").to_wire() == {"title": "#115"}


def button(label: str = "OK", key: str = "k") -> Button:
    return Button.invoke(label, key=key)


VIOLATIONS: dict[str, tuple[Callable[[], Any], Callable[[], Any], str]] = {
    # name: (at the limit: accepted, one past: refused, words the error must contain)
    "buttons": (
        lambda: Message(text="x", buttons=[button()] * 5),
        lambda: Message(text="x", buttons=[button()] * 6),
        "at most 5 buttons",
    ),
    "button label": (
        lambda: button("L" * 20),
        lambda: button("L" * 21),
        "button label is at most 20",
    ),
    "button key": (
        lambda: button(key="k" * 100),
        lambda: button(key="k" * 101),
        "button key is at most 100",
    ),
    "card title": (
        lambda: Card(title="t" * 200),
        lambda: Card(title="t" * 201),
        "card title is at most 200",
    ),
    "slides": (
        lambda: Message(slides=[TextSlide(data="s")] * 20),
        lambda: Message(slides=[TextSlide(data="s")] * 21),
        "at most 20 slides",
    ),
    "text": (
        lambda: Message(text="x" * 5000),
        lambda: Message(text="x" * 5001),
        "message text is at most 5000",
    ),
    "empty button label": (
        lambda: button("L"),
        lambda: button(""),
        "a button needs a label",
    ),
    "button hint": (
        lambda: button_hint("h" * 100),
        lambda: button_hint("h" * 101),
        "button hint is at most 100",
    ),
    "button URL": (
        lambda: Button.url("Open", "https://x.test/" + "u" * 241),
        lambda: Button.url("Open", "https://x.test/" + "u" * 242),
        "a button URL is at most 256",
    ),
    "copied text": (
        lambda: ButtonAction(type="copy", data={"text": "c" * 200}),
        lambda: ButtonAction(type="copy", data={"text": "c" * 201}),
        "copied text is at most 200",
    ),
    "confirm title": (
        lambda: Confirm(title="t" * 100),
        lambda: Confirm(title="t" * 101),
        "confirm title is at most 100",
    ),
    "confirm input": (
        lambda: Confirm(title="t", input="i" * 300),
        lambda: Confirm(title="t", input="i" * 301),
        "confirm input is at most 300",
    ),
    "banner text": (
        lambda: Banner(text="b" * 50),
        lambda: Banner(text="b" * 51),
        "banner text is at most 50",
    ),
    "bot suggestions": (
        lambda: Suggestions.of("pick", *"abcdefghij"),
        lambda: Suggestions.of("pick", *"abcdefghijk"),
        "at most 10 bot suggestions",
    ),
    "label slide pairs": (
        lambda: LabelSlide(data=[{"a": "b"}]),
        lambda: LabelSlide(data=[{"a": "b", "c": "d"}]),
        "exactly one label: value pair",
    ),
    "form inputs": (
        lambda: Form(
            title="f", name="f", inputs=[HiddenInput(name=f"i{n}", value="v") for n in range(25)]
        ),
        lambda: Form(
            title="f", name="f", inputs=[HiddenInput(name=f"i{n}", value="v") for n in range(26)]
        ),
        "at most 25 inputs",
    ),
    "input name length": (
        lambda: HiddenInput(name="n" * 50, value="v"),
        lambda: HiddenInput(name="n" * 51, value="v"),
        "input name must be 1-50",
    ),
    "input name characters": (
        lambda: HiddenInput(name="ticket_id-2", value="v"),
        lambda: HiddenInput(name="ticket id", value="v"),
        "[A-Za-z0-9_-]",
    ),
    "radio too few": (
        lambda: RadioInput(name="r", label="R", hint="h", options=["a", "b"]),
        lambda: RadioInput(name="r", label="R", hint="h", options=["a"]),
        "radio input holds 2-5",
    ),
    "radio too many": (
        lambda: RadioInput(name="r", label="R", hint="h", options=list("abcde")),
        lambda: RadioInput(name="r", label="R", hint="h", options=list("abcdef")),
        "radio input holds 2-5",
    ),
    "radio without a hint": (
        lambda: RadioInput(name="r", label="R", hint="Who sees it", options=["a", "b"]),
        lambda: RadioInput(name="r", label="R", options=["a", "b"]),
        "radio input needs a hint",
    ),
    "checkbox too few": (
        lambda: CheckboxInput(name="c", label="C", options=["a"]),
        lambda: CheckboxInput(name="c", label="C", options=[]),
        "checkbox input holds 1-5",
    ),
    "checkbox too many": (
        lambda: CheckboxInput(name="c", label="C", options=list("abcde")),
        lambda: CheckboxInput(name="c", label="C", options=list("abcdef")),
        "checkbox input holds 1-5",
    ),
    "input label": (
        lambda: TextInput(name="t", label="l" * 50, placeholder="p"),
        lambda: TextInput(name="t", label="l" * 51, placeholder="p"),
        "input label is at most 50",
    ),
    "input without a label": (
        lambda: CheckboxInput(name="c", label="C", options=["a"]),
        lambda: CheckboxInput(name="c", label="", options=["a"]),
        "an input needs a label",
    ),
    "text without a placeholder": (
        lambda: TextInput(name="t", label="T", placeholder="Say"),
        lambda: TextInput(name="t", label="T", placeholder=""),
        "needs a placeholder",
    ),
    "textarea without a placeholder": (
        lambda: TextareaInput(name="t", label="T", placeholder="Say"),
        lambda: TextareaInput(name="t", label="T", placeholder=""),
        "needs a placeholder",
    ),
    "select without a placeholder": (
        lambda: SelectInput(name="s", label="S", placeholder="Pick", options=["a"]),
        lambda: SelectInput(name="s", label="S", placeholder="", options=["a"]),
        "needs a placeholder",
    ),
    "input placeholder": (
        lambda: TextInput(name="t", label="T", placeholder="p" * 100),
        lambda: TextInput(name="t", label="T", placeholder="p" * 101),
        "input placeholder is at most 100",
    ),
    "textarea max_length": (
        lambda: TextareaInput(name="t", label="T", placeholder="p", max_length=5000),
        lambda: TextareaInput(name="t", label="T", placeholder="p", max_length=5001),
        "less than or equal to 5000",
    ),
    "hidden value": (
        lambda: HiddenInput(name="h", value="v" * 2000),
        lambda: HiddenInput(name="h", value="v" * 2001),
        "hidden input value is at most 2000",
    ),
    "form without a title": (
        lambda: Form(title="f", name="f", inputs=[HiddenInput(name="h", value="v")]),
        lambda: Form(title="", name="f", inputs=[HiddenInput(name="h", value="v")]),
        "a form needs a title",
    ),
    "form without a name": (
        lambda: Form(title="f", name="f", inputs=[HiddenInput(name="h", value="v")]),
        lambda: Form(title="f", name="", inputs=[HiddenInput(name="h", value="v")]),
        "a form needs a name",
    ),
}


@pytest.mark.parametrize("limit", sorted(VIOLATIONS))
def test_each_cliq_limit(limit: str) -> None:
    accepted, refused, words = VIOLATIONS[limit]
    accepted()
    with pytest.raises(OutboundError) as info:
        refused()
    assert words in str(info.value)
    named = "Cliq limit" in str(info.value) or "Cliq:" in str(info.value)
    assert named or limit in (
        "input name characters",
        "empty button label",
        "label slide pairs",
        "textarea max_length",
    )


def test_other_shape_rules() -> None:
    with pytest.raises(OutboundError, match="unique"):
        Form(
            title="f",
            name="f",
            inputs=[HiddenInput(name="a", value="1"), HiddenInput(name="a", value="2")],
        )
    with pytest.raises(OutboundError, match="must be headers"):
        TableSlide.of(["A"], [{"B": "x"}])
    with pytest.raises(OutboundError, match="needs text"):
        Message()
    with pytest.raises(OutboundError, match="extra"):
        Message.from_wire({"text": "x", "chatid": "1"})


def button_hint(hint: str) -> Button:
    return Button(
        label="b", action=ButtonAction(type="invoke.function", data={"name": "f"}), hint=hint
    )


def test_a_shared_action_is_checked_once_not_per_button(monkeypatch: pytest.MonkeyPatch) -> None:
    """Buttons share one frozen action (`Button.invoke`, `Button.url`'s kind): the action's
    limits run when it is built, never again for each button that holds it."""
    from bot.cliq import message

    action = ButtonAction(type="open.url", data={"web": "https://x.test/"})
    checked: list[str] = []
    real = message._at_most
    monkeypatch.setattr(message, "_at_most", lambda *a: checked.append(a[0]) or real(*a))
    for label in ("a", "b", "c"):
        Button(label=label, action=action)
    assert checked == []
    ButtonAction(type="open.url", data={"web": "https://x.test/"})
    assert checked == ["a button URL"]


@pytest.mark.parametrize("kind", ["str", "list", "dict"])
def test_a_limit_on_each_sized_kind_reports_its_own_message(kind: str) -> None:
    from typing import Annotated

    from bot.cliq.limits import Limit
    from bot.cliq.outbound import Outbound

    limit = Limit(2, "at most two", at_least=1, too_few="none")

    class Text(Outbound):
        value: Annotated[str, limit]

    class Items(Outbound):
        value: Annotated[list[int], limit]

    class Pairs(Outbound):
        value: Annotated[dict[str, int], limit]

    holder: Any = {"str": Text, "list": Items, "dict": Pairs}[kind]
    values = {"str": ("ab", "abc"), "list": ([1, 2], [1, 2, 3]), "dict": ({"a": 1}, {})}
    holder(value=values[kind][0])
    with pytest.raises(OutboundError, match="at most two" if kind != "dict" else "none"):
        holder(value=values[kind][1])


def test_slides_total_text_is_at_most_ten_thousand_characters_in_all() -> None:
    # 10,000 characters of text across slides (titles, labels, values, cells, items) fit…
    fits = [
        LabelSlide.of({"k" * 1000: "v" * 1000}, title="t" * 1000),  # 3,000
        TableSlide.of(["h" * 500], [{"h" * 500: "c" * 1000}], title="T" * 500),  # 2,500
        ListSlide(data=["i" * 1000, "j" * 1000]),  # 2,000
        TextSlide(data="x" * 2500),  # 2,500
    ]
    assert Message(slides=fits).slides is not None
    # …one more character anywhere is refused, naming the limit.
    for grown in (
        [*fits[:3], TextSlide(data="x" * 2501)],
        [*fits[1:], LabelSlide.of({"k" * 1001: "v" * 1000}, title="t" * 1000)],
    ):
        with pytest.raises(OutboundError, match="at most 10000 characters in all"):
            Message(slides=grown)
