"""Reading what people type after a command: one place for the rules and their messages (X1)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from bot.dispatch import UsageError
from bot.i18n import Words
from bot.router import typed

MAX_ARGUMENT = 120
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_NUMBER = re.compile(r"^#?\s*([0-9]{1,12})$")


@dataclass(frozen=True)
class TicketQuery:
    kind: Literal["mine", "number", "customer"]
    value: str = ""


def ticket_query(text: str, words: Words) -> TicketQuery:
    """`/ticket`, `/ticket 115`, `/ticket #115`, `/ticket a@b.com`; anything else is a usage
    error, said in the language of `words`."""
    text = " ".join(typed(text).split())  # '／ticket １１５' from a Japanese input method
    if not text:
        return TicketQuery("mine")
    if len(text) > MAX_ARGUMENT:
        raise UsageError(
            words.gettext(
                "That is {count} characters; a ticket number or e-mail is shorter.",
                count=words.number(len(text)),
            )
        )
    number = _NUMBER.match(text)
    if number:
        value = number.group(1).lstrip("0")
        if not value:
            raise UsageError(words.gettext("Ticket numbers start at 1."))
        return TicketQuery("number", value)
    if "@" in text:
        if not _EMAIL.match(text):
            raise UsageError(words.gettext("“{text}” is not a complete e-mail address.", text=text))
        return TicketQuery("customer", text.casefold())
    raise UsageError(
        words.gettext("“{text}” is neither a ticket number nor a customer's e-mail.", text=text)
    )


VIEWS = {
    "new": "new",
    "closed": "closed",
    "happiness": "happiness",
    "top": "top",
    "新規": "new",
    "完了": "closed",
    "満足度": "happiness",
    "顧客満足度": "happiness",
    "上位": "top",
}
"""`/deskstatus` views as typed, in English or Japanese (the product document's words: 新規,
完了, 顧客満足度, 上位3人の担当者), → the view."""


def view(text: str, words: Words) -> str | None:
    """The `/deskstatus` view `text` names (case, width and spaces forgiven; English or
    Japanese), None when empty; a usage error, in the language of `words`, otherwise."""
    word = "".join(typed(text).split()).casefold()
    if not word:
        return None
    if word in VIEWS:
        return VIEWS[word]
    shown = word if len(word) <= 40 else word[:37] + "…"
    raise UsageError(
        words.gettext(
            "“{view}” is not a view; choose one of: new, closed, happiness, top.", view=shown
        )
    )
