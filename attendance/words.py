"""How the attendance domain's words reach a reader (SPEC A1): messages marked for the catalogs
here are said in the reader's language by the layer that shows them, with a `Words` (bot/i18n).

- `N_` marks an English message for `pybabel extract` (domain `attendance`) without translating
  it: the domain has no reader; whoever shows the message does (`say`).
- A default status that no admin renamed is shown in the reader's language (`shown_name`); a
  renamed or custom one exactly as written, in every language.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from attendance.models import CHECK_IN, CHECK_OUT, MEAL_BREAK, SHORT_BREAK, Status, StatusType

if TYPE_CHECKING:
    from bot.i18n import Words


def N_(message: str) -> str:
    """`message` unchanged: marks it for the catalogs, to be translated where it is shown."""
    return message


DEFAULT_NAMES: dict[int, str] = {
    CHECK_IN: N_("Check In"),
    CHECK_OUT: N_("Check Out"),
    MEAL_BREAK: N_("Meal Break"),
    SHORT_BREAK: N_("Short Break"),
}
"""The four defaults' names as the product document gives them (出勤, 退勤, 食事休憩, 小休憩 in
the Japanese catalog); the store keeps the English one."""

TYPE_NAMES: dict[StatusType, str] = {
    StatusType.ONLINE: N_("Online"),
    StatusType.OFFLINE: N_("Offline"),
}
"""A status type as the product document names it (オンライン, オフライン)."""


def shown_name(status: Status, words: Words | None) -> str:
    """The status's name for a reader: an unrenamed default's in their language (English
    without `words`), any other as the admin wrote it."""
    if words is None or not status.default_name or status.id not in DEFAULT_NAMES:
        return status.name
    return words.lookup(DEFAULT_NAMES[status.id])


def type_name(kind: StatusType, words: Words | None) -> str:
    """`Online` / `オンライン`."""
    english = TYPE_NAMES[kind]
    return english if words is None else words.lookup(english)


def listed(items: Sequence[str], words: Words | None) -> str:
    """Items one after the other as the reader's language lists them: `A, B, C` / `A、B、C`."""
    return (words.pgettext("list", ", ") if words else ", ").join(items)


def sentences(words: Words | None, *texts: str) -> str:
    """Sentences one after the other as the reader's language writes them: `A. B.` / `A。B。`
    (empty ones left out)."""
    shown = [t for t in texts if t]
    if words is None:
        return " ".join(shown)
    joined = shown[0] if shown else ""
    for text in shown[1:]:
        joined = words.pgettext("sentences", "{first} {then}", first=joined, then=text)
    return joined


def say(message: str, values: Mapping[str, object], words: Words | None) -> str:
    """`message` (an English msgid with `{name}` placeholders) in the reader's language, filled
    from `values`: a Status by `shown_name`, a StatusType by `type_name`, a list of statuses
    `listed`; anything else as it is. English without `words`."""
    shown: dict[str, object] = {}
    for key, value in values.items():
        if isinstance(value, Status):
            shown[key] = shown_name(value, words)
        elif isinstance(value, StatusType):
            shown[key] = type_name(value, words)
        elif isinstance(value, list | tuple) and all(isinstance(v, Status) for v in value):
            shown[key] = listed([shown_name(v, words) for v in value], words)
        else:
            shown[key] = value
    text = message if words is None else words.lookup(message)
    return text.format(**shown) if shown else text
