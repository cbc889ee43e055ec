"""The notification kinds an admin can switch on and off (SPEC D2, D4), with their labels in
each language."""

from __future__ import annotations

import unicodedata
from enum import StrEnum
from functools import cache

from bot.i18n import SOURCE, Languages, Words


class Kind(StrEnum):
    TICKET_CREATED = "created"
    TICKET_CLOSED = "closed"
    TICKET_REOPENED = "reopened"
    COMMENT_ADDED = "comment"
    COMMENT_EDITED = "comment_edited"
    STATUS_CHANGED = "status"
    OWNER_CHANGED = "owner"
    DEPARTMENT_CHANGED = "department"
    ESCALATED = "escalated"
    DUE_IN_1H = "due_1h"
    DUE_IN_30M = "due_30m"
    ACTIVITY_CREATED = "activity_created"
    ACTIVITY_COMPLETED = "activity_completed"
    ACTIVITY_REMINDER = "activity_reminder"
    # Direct messages only (SPEC D4): they are about one person, never posted to a channel.
    HAPPINESS = "happiness"
    BLUEPRINT = "blueprint"
    MENTION = "mention"


DM_ONLY = frozenset({Kind.HAPPINESS, Kind.BLUEPRINT, Kind.MENTION})


def labels(words: Words) -> dict[Kind, str]:
    """Each kind's label in the language of `words` (a notification's heading, the admin's
    switches)."""
    return {
        Kind.TICKET_CREATED: words.gettext("Ticket created"),
        Kind.TICKET_CLOSED: words.gettext("Ticket closed"),
        Kind.TICKET_REOPENED: words.gettext("Ticket reopened"),
        Kind.COMMENT_ADDED: words.gettext("Comment added"),
        Kind.COMMENT_EDITED: words.gettext("Comment edited"),
        Kind.STATUS_CHANGED: words.gettext("Status changed"),
        Kind.OWNER_CHANGED: words.gettext("Owner changed"),
        Kind.DEPARTMENT_CHANGED: words.gettext("Department changed"),
        Kind.ESCALATED: words.gettext("Escalated"),
        Kind.DUE_IN_1H: words.gettext("Due in 1 hour"),
        Kind.DUE_IN_30M: words.gettext("Due in 30 minutes"),
        Kind.ACTIVITY_CREATED: words.gettext("Activity created"),
        Kind.ACTIVITY_COMPLETED: words.gettext("Activity completed"),
        Kind.ACTIVITY_REMINDER: words.gettext("Activity reminder"),
        Kind.HAPPINESS: words.gettext("Happiness rating"),
        Kind.BLUEPRINT: words.gettext("Blueprint step waiting"),
        Kind.MENTION: words.gettext("Mentioned"),
    }


LABELS: dict[Kind, str] = labels(Words(SOURCE))
"""The labels in English, the language of the code (what admins type is read in any)."""


def parse_kind(text: str) -> Kind | None:
    """A kind from what an admin typed: its value or its label in any language the bot speaks
    (`Due in 1 hour`, `1時間後に期限`), case, width and spacing forgiven."""
    folded = _folded(text)
    for kind in Kind:
        if folded == _folded(kind.value) or folded in _every_label()[kind]:
            return kind
    return None


def _folded(text: str) -> str:
    """NFKC, case-folded, with no spaces or `_` (`Due in 1 hour`, `due_1h`, `コメントの 編集`)."""
    return "".join(unicodedata.normalize("NFKC", text).replace("_", " ").split()).casefold()


@cache
def _every_label() -> dict[Kind, frozenset[str]]:
    """Each kind → its labels in every language the bot speaks, folded."""
    languages = Languages()
    every = [labels(languages.words(code)) for code in languages.available]
    return {kind: frozenset(_folded(shown[kind]) for shown in every) for kind in Kind}
