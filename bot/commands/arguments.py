"""Reading what people type after a command: one place for the rules and their messages (X1)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from bot.dispatch import UsageError
from bot.router import typed

MAX_ARGUMENT = 120
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_NUMBER = re.compile(r"^#?\s*([0-9]{1,12})$")


@dataclass(frozen=True)
class TicketQuery:
    kind: Literal["mine", "number", "customer"]
    value: str = ""


def ticket_query(text: str) -> TicketQuery:
    """`/ticket`, `/ticket 115`, `/ticket #115`, `/ticket a@b.com`; anything else is a usage error."""
    text = " ".join(typed(text).split())  # '／ticket １１５' from a Japanese input method
    if not text:
        return TicketQuery("mine")
    if len(text) > MAX_ARGUMENT:
        raise UsageError(f"That is {len(text)} characters; a ticket number or e-mail is shorter.")
    number = _NUMBER.match(text)
    if number:
        value = number.group(1).lstrip("0")
        if not value:
            raise UsageError("Ticket numbers start at 1.")
        return TicketQuery("number", value)
    if "@" in text:
        if not _EMAIL.match(text):
            raise UsageError(f"“{text}” is not a complete e-mail address.")
        return TicketQuery("customer", text.casefold())
    raise UsageError(f"“{text}” is neither a ticket number nor a customer's e-mail.")


def one_of(text: str, choices: tuple[str, ...], what: str) -> str | None:
    """`text` as one of `choices` (case and width forgiven: 'ＴＯＰ' from a Japanese input method
    is 'top'), None when empty; a usage error otherwise."""
    word = typed(text).strip().casefold()
    if not word:
        return None
    if word in choices:
        return word
    shown = word if len(word) <= 40 else word[:37] + "…"
    raise UsageError(f"“{shown}” is not a {what}; choose one of: {', '.join(choices)}.")
