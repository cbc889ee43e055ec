"""Every reply a listener may return, and Cliq-shaped JSON read back into those models.

`Reply` is the complete union (messages, edits, banners, suggestions, forms, form errors);
`parse_reply` turns a reply's JSON back into its model (card fixtures, round-trip tests).
The shapes follow reference/cliq.md §1–2 (message-card, bot-response and form pages).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.cliq.form import Form, FormError
from bot.cliq.message import Banner, CommandSuggestion, Message, MessageEdit, Suggestions
from bot.cliq.outbound import Outbound, OutboundError

Reply = (
    Message
    | MessageEdit
    | Banner
    | Suggestions
    | Form
    | FormError
    | list[CommandSuggestion]
    | str
    | None
)
"""What a listener returns: one of the models, a list of command suggestions (suggestion
handlers), a plain string (a text message), or None for an empty answer."""


def parse_reply(data: Mapping[str, Any]) -> Outbound:
    """Validate Cliq-shaped JSON as the model its `type` names: `banner`, `message_edit`,
    `form`, `form_error`, suggestions alone, or else a message.

    Raises OutboundError (a ValueError) for an unknown `type`, or a shape or limit Cliq would
    refuse."""
    models: dict[str, type[Outbound]] = {
        "banner": Banner,
        "message_edit": MessageEdit,
        "form": Form,
        "form_error": FormError,
    }
    kind = data.get("type")
    if kind is None and "suggestions" in data and not ({"card", "slides", "buttons"} & set(data)):
        return Suggestions.from_wire(data)
    model = models.get(str(kind), Message) if kind is not None else Message
    if kind is not None and kind not in models:
        raise OutboundError(f"unknown reply type {kind!r}")
    return model.from_wire(data)


__all__ = ["Reply", "parse_reply"]
