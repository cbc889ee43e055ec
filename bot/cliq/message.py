"""Outbound messages: what a listener returns and what the REST client posts (reference/cliq.md §1).

Every model checks Cliq's limits when it is built, with an error naming the limit, so a card that
Cliq would refuse fails in tests rather than in a chat. Single-line fields (card and slide titles,
table headers and cells, list items, labels and values, button labels, banner text) are shown
literally: a plain string is escaped (`bot/cliq/markup.py`) when the model is built, so no name or
subject can mention anyone or format anything; message `text` is ours (templates and
`Markup.format` escape what they insert). `to_wire()` gives Cliq's JSON: unset
fields left out, buttons at the top level, label slides as one-key objects.

The objects are `Outbound` ones (bot/cliq/outbound.py): a broken limit is an `OutboundError` (a
ValueError) naming it; `replace(**changes)` gives a changed copy, `from_wire(dict)` reads Cliq's
JSON back. The limits are those of reference/cliq.md §1.6, where sources differ the smaller:
Cliq's v3 message-card and button documents (https://www.zoho.com/cliq/help/restapi/v3/messagecards/
for cards and slides, https://www.zoho.com/cliq/help/restapi/v3/buttons/ for buttons and their
actions) and the REST message posts for the text (5000 characters).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Annotated, Any, Literal

from msgspec.structs import force_setattr as _force

from bot.cliq import limits
from bot.cliq.limits import Limit, chars
from bot.cliq.outbound import Outbound, OutboundError, SingleLine, encode, sent
from bot.cliq.outbound import at_most as _at_most
from bot.cliq.outbound import needs_line_escape as _line

BUTTON_FUNCTION = "botbutton"
"""The Cliq function that receives every button click; the framework routes by the key's prefix."""


# --- buttons -----------------------------------------------------------------------------


def _confirm(name: str) -> Limit:
    return chars(f"confirm {name}", limits.CONFIRM_FIELD)


class Confirm(Outbound, kw_only=True):
    """The confirmation Cliq shows before a button's action runs (v3 buttons document: each
    text at most 100 characters, the input's at most 300)."""

    title: Annotated[str, _confirm("title")]
    description: Annotated[str, _confirm("description")] | None = None
    input: Annotated[str, chars("confirm input", 300)] | None = None
    button_label: Annotated[str, _confirm("button_label")] | None = None
    cancel_button_label: Annotated[str, _confirm("cancel_button_label")] | None = None
    emotion: Literal["positive", "neutral", "negative"] | None = None


class ButtonAction(Outbound, kw_only=True):
    """What a click does (v3 buttons document: a URL at most 256 characters, copied text at
    most 200). An action is frozen, so many buttons may share one; its limits run once, when
    it is built, not again for each button holding it."""

    type: Literal["invoke.function", "open.url", "preview.url", "system.api", "copy"]
    data: dict[str, str]
    confirm: Confirm | None = None

    def _check(self) -> None:
        """Limits that depend on the action's type."""
        kind = self.type
        if kind == "open.url":
            for url in self.data.values():
                _at_most("a button URL", limits.URL, url)
        elif kind == "copy":
            _at_most("copied text", limits.COPY_TEXT, self.data.get("text"))


ButtonLabel = Annotated[
    str,
    Limit(
        limits.BUTTON_LABEL,
        f"button label is at most {limits.BUTTON_LABEL} characters (Cliq limit)",
        at_least=1,
        too_few="a button needs a label",
    ),
    SingleLine(limits.BUTTON_LABEL),
]
Line = Annotated[str, SingleLine()]
"""Single-line text without a limit of its own (slide titles, table cells, list items, labels)."""


class Button(Outbound, kw_only=True):
    """A message button (https://www.zoho.com/cliq/help/restapi/v3/buttons/: label 1-20
    characters, key and hint at most 100; `+` or `-` for its colour)."""

    label: ButtonLabel
    action: ButtonAction
    type: Literal["+", "-"] = sent("+")
    key: Annotated[str, chars("button key", limits.BUTTON_KEY)] | None = None
    hint: Annotated[str, chars("button hint", limits.BUTTON_HINT)] | None = None

    @classmethod
    def invoke(
        cls,
        label: str,
        *,
        key: str,
        function: str = BUTTON_FUNCTION,
        negative: bool = False,
        confirm: Confirm | None = None,
    ) -> Button:
        """A button that calls back into the bot; `key` says what was clicked (`status:115`).

        Raises OutboundError as `Button(...)` does (a label of 1-20 characters, a key of at
        most 100); a label holding markup is shown literally."""
        if confirm is not None:
            action = ButtonAction(type="invoke.function", data={"name": function}, confirm=confirm)
            return cls(label=label, key=key, action=action, type="-" if negative else "+")
        # The usual button (a label seen before, a key of plain text within its limit, one of
        # our actions) is a copy of the earlier button with that label with its key swapped:
        # exactly what the constructor would build (its label checked and escaped the same).
        made = (_MINUS if negative else _PLUS).get(function)
        if (
            made is not None
            and label.__class__ is str
            and key.__class__ is str
            and len(key) <= _KEY_MAX
            and cls is Button
        ):
            earlier = made.get(label)
            if earlier is not None:
                button = earlier.__copy__()
                _force(button, "key", key)
                return button
        action = _INVOKE.get(function) or _invoke(function)
        button = cls(label=label, key=key, action=action, type="-" if negative else "+")
        if cls is Button and label.__class__ is str:
            made = (_MINUS if negative else _PLUS).setdefault(function, {})
            if len(made) < _LABELS_KEPT:
                made[label] = button
        return button

    @classmethod
    def url(cls, label: str, url: str) -> Button:
        """A button opening `url` (at most 256 characters) in the browser."""
        return cls(label=label, action=ButtonAction(type="open.url", data={"web": url}))


def _invoke(function: str) -> ButtonAction:
    """Actions are frozen, so every plain button of one function can share one (kept in
    `_INVOKE`, read first with a plain `dict.get`)."""
    action = _INVOKE[function] = ButtonAction(type="invoke.function", data={"name": function})
    return action


_INVOKE: dict[str, ButtonAction] = {}
_PLUS: dict[str, dict[str, Button]] = {}
_MINUS: dict[str, dict[str, Button]] = {}
"""Function → label → a checked button (`+` or `-`) with that label, which `Button.invoke`
copies; at most `_LABELS_KEPT` labels a function (labels are nearly always our own words)."""
_LABELS_KEPT = 256
_KEY_MAX = limits.BUTTON_KEY


# --- slides ------------------------------------------------------------------------------


class _Titled(Outbound, kw_only=True):
    """A slide: its title is a single-line field, shown literally."""

    title: Line | None = None


class TableData(Outbound, kw_only=True):
    """A table slide's headers and rows; every row's keys are headers."""

    headers: Sequence[Line]
    rows: Sequence[dict[Line, Line]]

    def _check(self) -> None:
        known = set(self.headers)
        for row in self.rows:
            if not known.issuperset(row):
                extra = sorted(set(row) - known)
                raise OutboundError(f"table row keys must be headers; unknown: {extra}")


class TableSlide(_Titled, kw_only=True):
    """A table: `data` holds its headers and rows (`TableSlide.of(headers, rows)` builds one
    from dicts); Cliq's message-card slides document
    (https://www.zoho.com/cliq/help/restapi/v3/messagecards/)."""

    type: Literal["table"] = sent("table")
    data: TableData

    @classmethod
    def of(
        cls, headers: list[str], rows: Iterable[Mapping[str, Any]], *, title: str | None = None
    ) -> TableSlide:
        """A table of `rows` (header → cell; cells shown as `str(cell)`) under `headers`."""
        data = TableData(
            headers=headers, rows=[{k: _text(v) for k, v in row.items()} for row in rows]
        )
        return cls(title=title, data=data)


class ListSlide(_Titled, kw_only=True):
    """A bulleted list: `data` is its entries, each one line shown as written (v3 message-card
    slides)."""

    type: Literal["list"] = sent("list")
    data: Sequence[Line]


_ONE_PAIR = Limit(
    1, _PAIR_RULE := "each label slide entry holds exactly one label: value pair", at_least=1
)


class LabelSlide(_Titled, kw_only=True):
    """Label/value pairs, sent as one-key objects: `[{"Status": "Open"}, …]`."""

    type: Literal["label"] = sent("label")
    data: Sequence[Annotated[dict[Line, Line], _ONE_PAIR]]

    @classmethod
    def of(
        cls, pairs: Mapping[str, Any] | Iterable[tuple[str, Any]], *, title: str | None = None
    ) -> LabelSlide:
        """Label/value pairs from a mapping or (label, value) pairs (values as `str(value)`).

        Raises OutboundError as `LabelSlide(...)` does; labels, values and the title holding
        markup are shown literally."""
        if pairs.__class__ is dict and cls is LabelSlide:
            # The usual slide (a dict of plain text needing no escape, a plain title or none):
            # an empty slide copied with its data set, exactly what the constructor would build.
            data = []
            for k, v in pairs.items():
                if (
                    k.__class__ is not str
                    or v.__class__ is not str
                    or (not k.isalnum() and _line(k) is not None)
                    or (not v.isalnum() and _line(v) is not None)
                ):
                    break
                data.append({k: v})
            else:
                if title is None or (
                    title.__class__ is str and (title.isalnum() or _line(title) is None)
                ):
                    slide = _NO_LABELS.__copy__()
                    _force(slide, "data", data)
                    if title is not None:
                        _force(slide, "title", title)
                    return slide
        items = pairs.items() if isinstance(pairs, dict) or isinstance(pairs, Mapping) else pairs
        data = [  # (every card's labels and values come through here: plain text the cheap way)
            {k: v} if k.__class__ is str and v.__class__ is str else {_text(k): _text(v)}
            for k, v in items
        ]
        return cls(data=data, title=title, type="label")


_NO_LABELS = LabelSlide(data=[])
"""The slide `LabelSlide.of` copies."""


class ImagesSlide(_Titled, kw_only=True):
    """Images: `data` is their URLs (v3 message-card slides)."""

    type: Literal["images"] = sent("images")
    data: Sequence[str]


class TextSlide(_Titled, kw_only=True):
    """A block of text: `data` (v3 message-card slides)."""

    type: Literal["text"] = sent("text")
    data: str


def _text(value: Any) -> str:
    """`str(value)`, keeping a `Markup` a `Markup`."""
    return value if isinstance(value, str) else str(value)


Slide = TableSlide | ListSlide | LabelSlide | ImagesSlide | TextSlide
"""One of a message's slides (read back from Cliq's JSON by its `type`)."""


# --- the message -------------------------------------------------------------------------


class Card(Outbound, kw_only=True):
    """A message's card: title at most 200 characters, one of Cliq's themes."""

    title: (
        Annotated[str, chars("card title", limits.CARD_TITLE), SingleLine(limits.CARD_TITLE)] | None
    ) = None
    theme: Literal["modern-inline", "poll", "prompt", "basic"] | None = None
    thumbnail: str | None = None
    icon: str | None = None


class BotSender(Outbound, kw_only=True):
    name: str
    image: str | None = None


class Styles(Outbound, kw_only=True):
    background: Literal["red", "yellow", "green", "blue", "grey"] | None = None
    highlight: bool | None = None


class Suggestion(Outbound, kw_only=True):
    text: str
    icon: str | None = None


class SuggestionList(Outbound, kw_only=True):
    list: Annotated[
        Sequence[Suggestion],
        Limit(
            limits.BOT_SUGGESTIONS, f"at most {limits.BOT_SUGGESTIONS} bot suggestions (Cliq limit)"
        ),
    ]


class Message(Outbound, kw_only=True):
    """A bot message (v3 messagecards; the REST posts' text limit): text at most 5000 characters,
    at most 20 slides holding at most 10,000 characters of text in all, at most 5 buttons;
    something to show (text, a card or slides)."""

    text: Annotated[str, chars("message text", limits.TEXT)] | None = None
    card: Card | None = None
    slides: (
        Annotated[
            Sequence[Slide],
            Limit(
                limits.MAX_SLIDES,
                f"a message holds at most {limits.MAX_SLIDES} slides (Cliq limit)",
            ),
        ]
        | None
    ) = None
    buttons: (
        Annotated[
            Sequence[Button],
            Limit(
                limits.MAX_BUTTONS,
                f"a message holds at most {limits.MAX_BUTTONS} buttons (Cliq limit)",
            ),
        ]
        | None
    ) = None
    bot: BotSender | None = None
    styles: Styles | None = None
    suggestions: SuggestionList | None = None

    def _check(self) -> None:
        """The rules that span fields: something to show, and the slides' total size."""
        if not (self.text or self.card or self.slides):
            raise OutboundError("a message needs text, a card or slides")
        slides = self.slides
        # Their JSON (encoded in C) has at least as many characters as their text: only slides
        # whose JSON is longer need their text counted (in Python, a few k a label pair).
        if slides and len(encode(slides)) > limits.SLIDES_TOTAL_CHARS:
            total = 0
            for slide in slides:
                total += _chars(slide.data) + len(slide.title or "")
            if total > limits.SLIDES_TOTAL_CHARS:
                raise OutboundError(
                    f"slides hold at most {limits.SLIDES_TOTAL_CHARS} characters in all"
                    f" (Cliq limit), got {total}"
                )


def _chars(value: Any) -> int:
    """The characters of the text a slide's data holds: its strings, and every key and value of
    its label pairs and table rows (not the JSON punctuation around them)."""
    if isinstance(value, str):
        return len(value)
    total = 0
    if isinstance(value, list):
        for item in value:
            if isinstance(item, dict):  # a label pair or a table row (plain loops: cheapest)
                for k, v in item.items():
                    total += len(k) + len(v) if isinstance(v, str) else len(k) + _chars(v)
            else:
                total += _chars(item)
    elif isinstance(value, dict):
        for k, v in value.items():
            total += len(str(k)) + _chars(v)
    elif isinstance(value, TableData):
        total = _chars(value.headers) + _chars(value.rows)
    else:
        total = len(str(value))
    return total


class MessageEdit(Message, kw_only=True):
    """Replaces the message that carried the clicked button: `MessageEdit.of(message)` turns a
    `Message` into one. Only a button's or a form's listener may return it (any other gets the
    person the error card, and the log says why;
    https://www.zoho.com/cliq/help/platform/cliq-message-edit.html)."""

    type: Literal["message_edit"] = sent("message_edit")

    @classmethod
    def of(cls, message: Message) -> MessageEdit:
        """`message` as an edit of the message that carried the clicked button."""
        return cls(**{name: getattr(message, name) for name in Message.__struct_fields__})


class Banner(Outbound, kw_only=True):
    """A banner answer (https://www.zoho.com/cliq/help/platform/cliq-banner.html): text at most
    50 characters (Zoho's form-controller banner; Cliq's banner page gives none), shown
    literally."""

    type: Literal["banner"] = sent("banner")
    text: Annotated[str, chars("banner text", limits.BANNER_TEXT), SingleLine(limits.BANNER_TEXT)]
    status: Literal["success", "failure"] = sent("success")


class Suggestions(Outbound, kw_only=True):
    """A bot reply offering suggestions; clicking one sends its text back to the bot."""

    text: str
    suggestions: SuggestionList

    @classmethod
    def of(cls, text: str, *choices: str) -> Suggestions:
        """`text` offering `choices` (at most 10) as suggestions."""
        return cls(
            text=text, suggestions=SuggestionList(list=[Suggestion(text=c) for c in choices])
        )


class CommandSuggestion(Outbound, kw_only=True):
    """One entry of a command's suggestion list (suggestion handler; at most 10 in a list,
    https://www.zoho.com/cliq/help/platform/command-suggestion.html)."""

    title: str
    description: str | None = None
    imageurl: str | None = None


__all__ = [
    "BUTTON_FUNCTION",
    "Banner",
    "BotSender",
    "Button",
    "ButtonAction",
    "Card",
    "CommandSuggestion",
    "Confirm",
    "ImagesSlide",
    "LabelSlide",
    "ListSlide",
    "Message",
    "MessageEdit",
    "OutboundError",
    "Slide",
    "Styles",
    "Suggestions",
    "TableSlide",
    "TextSlide",
]
