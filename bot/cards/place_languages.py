"""Each place's language as it stands (SPEC X6): what `/deskbot language` shows alone, in the
admin's language, each place's language named in it too (英語 to a Japanese admin); the codes to
type are listed with each language's own name (en (English), ja (日本語))."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.cliq.message import Card, Message, TableSlide
from bot.i18n import Words


@dataclass(frozen=True)
class PlaceRow:
    """One place: its channel (`(#desk)` for a department without its own), the department
    ("" for the org channel), its language code, and who chose it (`bot.toml` or `admin`)."""

    channel: str
    department: str
    language: str
    chosen_by: str


def languages_card(
    places: Sequence[PlaceRow], *, org_channel: str, usage: str, accepted: str, words: Words
) -> Message:
    """The table of places; `usage` and `accepted` (the language codes) say how to change one."""
    columns = [
        words.pgettext("column", "Channel"),
        words.pgettext("column", "Department"),
        words.pgettext("column", "Language"),
        words.pgettext("column", "Set by"),
    ]
    chosen_by = {"bot.toml": "bot.toml", "admin": words.pgettext("set by", "an admin")}
    rows = [
        dict(
            zip(
                columns,
                [
                    p.channel,
                    p.department or words.pgettext("place", "(org channel)"),
                    words.language_name(p.language),
                    chosen_by[p.chosen_by],
                ],
                strict=True,
            )
        )
        for p in places
    ]
    text = words.gettext(
        "Channel posts and digests are in each place's language; a department without a "
        "channel of its own posts to #{channel} in its language.\n"
        "Change one: {usage}. Languages: {languages}",
        channel=org_channel,
        usage=usage,
        languages=accepted,
    )
    return Message(
        text=text,
        card=Card(title=words.pgettext("card title", "Place languages"), theme="modern-inline"),
        slides=[TableSlide.of(columns, rows)],
    )
