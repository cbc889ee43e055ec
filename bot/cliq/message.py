"""Outbound messages: what a listener returns and what the REST client posts (reference/cliq.md §1).

Every model checks Cliq's limits when it is built, with an error naming the limit, so a card that
Cliq would refuse fails in tests rather than in a chat. Single-line fields (card and slide titles,
table headers and cells, list items, labels and values, button labels, banner text) are shown
literally: a plain string is escaped (`bot/cliq/markup.py`) when the model is built, so no name or
subject can mention anyone or format anything; message `text` is ours (templates and
`Markup.format` escape what they insert). `to_wire()` gives Cliq's JSON: unset
fields left out, buttons at the top level, label slides as one-key objects.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator

from bot.cliq import limits
from bot.cliq.outbound import Outbound
from bot.cliq.outbound import at_most as _at_most
from bot.cliq.outbound import literal as _literal
from bot.cliq.outbound import literal_dicts as _literal_dicts

BUTTON_FUNCTION = "botbutton"
"""The Cliq function that receives every button click; the framework routes by the key's prefix."""


# --- buttons -----------------------------------------------------------------------------


class Confirm(Outbound):
    title: str
    description: str | None = None
    input: str | None = None
    button_label: str | None = None
    cancel_button_label: str | None = None
    emotion: Literal["positive", "neutral", "negative"] | None = None

    @model_validator(mode="after")
    def _limits(self) -> Confirm:
        for name in ("title", "description", "button_label", "cancel_button_label"):
            _at_most(f"confirm {name}", limits.CONFIRM_FIELD, getattr(self, name))
        _at_most("confirm input", 300, self.input)
        return self


class ButtonAction(Outbound):
    type: Literal["invoke.function", "open.url", "preview.url", "system.api", "copy"]
    data: dict[str, str]
    confirm: Confirm | None = None

    @model_validator(mode="after")
    def _limits(self) -> ButtonAction:
        if self.type == "open.url":
            for url in self.data.values():
                _at_most("a button URL", limits.URL, url)
        if self.type == "copy":
            _at_most("copied text", limits.COPY_TEXT, self.data.get("text"))
        return self


class Button(Outbound):
    label: str
    action: ButtonAction
    type: Literal["+", "-"] = "+"
    key: str | None = None
    hint: str | None = None

    @field_validator("label", mode="before")
    @classmethod
    def _shown_label(cls, value: Any) -> Any:
        return _literal(value, limits.BUTTON_LABEL)

    @field_validator("label")
    @classmethod
    def _label(cls, value: str) -> str:
        if not value:
            raise ValueError("a button needs a label")
        return _at_most("button label", limits.BUTTON_LABEL, value) or value

    @field_validator("key")
    @classmethod
    def _key(cls, value: str | None) -> str | None:
        return _at_most("button key", limits.BUTTON_KEY, value)

    @field_validator("hint")
    @classmethod
    def _hint(cls, value: str | None) -> str | None:
        return _at_most("button hint", limits.BUTTON_HINT, value)

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
        """A button that calls back into the bot; `key` says what was clicked (`status:115`)."""
        if confirm is None:
            action = _invoke(function)
        else:
            action = ButtonAction(type="invoke.function", data={"name": function}, confirm=confirm)
        return cls(label=label, key=key, action=action, type="-" if negative else "+")

    @classmethod
    def url(cls, label: str, url: str) -> Button:
        return cls(label=label, action=ButtonAction(type="open.url", data={"web": url}))


@cache
def _invoke(function: str) -> ButtonAction:
    """Actions are frozen, so every plain button of one function can share one."""
    return ButtonAction(type="invoke.function", data={"name": function})


# --- slides ------------------------------------------------------------------------------


class _Titled(Outbound):
    """A slide: its title is a single-line field, shown literally."""

    title: str | None = None

    @field_validator("title", mode="before")
    @classmethod
    def _shown_title(cls, value: Any) -> Any:
        return _literal(value)


class TableData(Outbound):
    headers: list[str]
    rows: list[dict[str, str]]

    @field_validator("headers", mode="before")
    @classmethod
    def _shown_headers(cls, value: Any) -> Any:
        return [_literal(h) for h in value] if isinstance(value, list) else value

    @field_validator("rows", mode="before")
    @classmethod
    def _shown_rows(cls, value: Any) -> Any:
        return _literal_dicts(value)

    @model_validator(mode="after")
    def _rows_match_headers(self) -> TableData:
        known = set(self.headers)
        for row in self.rows:
            extra = set(row) - known
            if extra:
                raise ValueError(f"table row keys must be headers; unknown: {sorted(extra)}")
        return self


class TableSlide(_Titled):
    type: Literal["table"] = "table"
    data: TableData

    @classmethod
    def of(
        cls, headers: list[str], rows: Iterable[Mapping[str, Any]], *, title: str | None = None
    ) -> TableSlide:
        data = TableData(
            headers=headers, rows=[{k: _text(v) for k, v in row.items()} for row in rows]
        )
        return cls(title=title, data=data)


class ListSlide(_Titled):
    type: Literal["list"] = "list"
    data: list[str]

    @field_validator("data", mode="before")
    @classmethod
    def _shown_items(cls, value: Any) -> Any:
        return [_literal(item) for item in value] if isinstance(value, list) else value


class LabelSlide(_Titled):
    """Label/value pairs, sent as one-key objects: `[{"Status": "Open"}, …]`."""

    type: Literal["label"] = "label"
    data: list[dict[str, str]]

    @field_validator("data", mode="before")
    @classmethod
    def _shown_pairs(cls, value: Any) -> Any:
        return _literal_dicts(value)

    @field_validator("data")
    @classmethod
    def _one_key_each(cls, value: list[dict[str, str]]) -> list[dict[str, str]]:
        if any(len(pair) != 1 for pair in value):
            raise ValueError("each label slide entry holds exactly one label: value pair")
        return value

    @classmethod
    def of(
        cls, pairs: Mapping[str, Any] | Iterable[tuple[str, Any]], *, title: str | None = None
    ) -> LabelSlide:
        items = pairs.items() if isinstance(pairs, Mapping) else pairs
        return cls(title=title, data=[{_text(k): _text(v)} for k, v in items])


class ImagesSlide(_Titled):
    type: Literal["images"] = "images"
    data: list[str]


class TextSlide(_Titled):
    type: Literal["text"] = "text"
    data: str


def _text(value: Any) -> str:
    """`str(value)`, keeping a `Markup` a `Markup`."""
    return value if isinstance(value, str) else str(value)


Slide = Annotated[
    TableSlide | ListSlide | LabelSlide | ImagesSlide | TextSlide, Field(discriminator="type")
]


# --- the message -------------------------------------------------------------------------


class Card(Outbound):
    title: str | None = None
    theme: Literal["modern-inline", "poll", "prompt", "basic"] | None = None
    thumbnail: str | None = None
    icon: str | None = None

    @field_validator("title", mode="before")
    @classmethod
    def _shown_title(cls, value: Any) -> Any:
        return _literal(value, limits.CARD_TITLE)

    @field_validator("title")
    @classmethod
    def _title(cls, value: str | None) -> str | None:
        return _at_most("card title", limits.CARD_TITLE, value)


class BotSender(Outbound):
    name: str
    image: str | None = None


class Styles(Outbound):
    background: Literal["red", "yellow", "green", "blue", "grey"] | None = None
    highlight: bool | None = None


class Suggestion(Outbound):
    text: str
    icon: str | None = None


class SuggestionList(Outbound):
    list: list[Suggestion]

    @field_validator("list")
    @classmethod
    def _count(cls, value: list[Suggestion]) -> list[Suggestion]:
        if len(value) > limits.BOT_SUGGESTIONS:
            raise ValueError(
                f"at most {limits.BOT_SUGGESTIONS} bot suggestions (Cliq limit), got {len(value)}"
            )
        return value


class Message(Outbound):
    text: str | None = None
    card: Card | None = None
    slides: list[Slide] | None = None
    buttons: list[Button] | None = None
    bot: BotSender | None = None
    styles: Styles | None = None
    suggestions: SuggestionList | None = None

    @field_validator("text")
    @classmethod
    def _text(cls, value: str | None) -> str | None:
        return _at_most("message text", limits.TEXT, value)

    @field_validator("buttons")
    @classmethod
    def _buttons(cls, value: list[Button] | None) -> list[Button] | None:
        if value is not None and len(value) > limits.MAX_BUTTONS:
            raise ValueError(
                f"a message holds at most {limits.MAX_BUTTONS} buttons (Cliq limit), got {len(value)}"
            )
        return value

    @field_validator("slides")
    @classmethod
    def _slides(cls, value: list[Slide] | None) -> list[Slide] | None:
        if value is None:
            return value
        if len(value) > limits.MAX_SLIDES:
            raise ValueError(
                f"a message holds at most {limits.MAX_SLIDES} slides (Cliq limit), got {len(value)}"
            )
        total = sum(len(str(slide.data)) + len(slide.title or "") for slide in value)
        if total > limits.SLIDES_TOTAL_CHARS:
            raise ValueError(
                f"slides hold at most {limits.SLIDES_TOTAL_CHARS} characters in all (Cliq limit), got {total}"
            )
        return value

    @model_validator(mode="after")
    def _not_empty(self) -> Message:
        if not (self.text or self.card or self.slides):
            raise ValueError("a message needs text, a card or slides")
        return self


class MessageEdit(Message):
    """Replaces the message that carried the clicked button (button and form handlers only)."""

    type: Literal["message_edit"] = "message_edit"


class Banner(Outbound):
    type: Literal["banner"] = "banner"
    text: str
    status: Literal["success", "failure"] = "success"

    @field_validator("text", mode="before")
    @classmethod
    def _shown_text(cls, value: Any) -> Any:
        return _literal(value, limits.BANNER_TEXT)

    @field_validator("text")
    @classmethod
    def _text(cls, value: str) -> str:
        return _at_most("banner text", limits.BANNER_TEXT, value) or value


class Suggestions(Outbound):
    """A bot reply offering suggestions; clicking one sends its text back to the bot."""

    text: str
    suggestions: SuggestionList

    @classmethod
    def of(cls, text: str, *choices: str) -> Suggestions:
        return cls(
            text=text, suggestions=SuggestionList(list=[Suggestion(text=c) for c in choices])
        )


class CommandSuggestion(Outbound):
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
    "Slide",
    "Styles",
    "Suggestions",
    "TableSlide",
    "TextSlide",
]
