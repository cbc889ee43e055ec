"""`Words`: one language's translator and formatter, handed to whatever writes for a reader.

Text comes from the catalogs (`gettext` and friends, with `{name}` placeholders filled from
keyword arguments); dates, times and numbers from Babel's CLDR data for the language's locale;
spans and durations ("in 1 h" / "1時間後", "8 h 30 min" / "8時間30分") from the framework's
catalog, so they read as the rest of the bot does.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from babel import Locale
from babel.dates import format_skeleton
from babel.numbers import format_decimal
from babel.support import NullTranslations

from bot.i18n.catalogs import PSEUDO, full_width

FORMAT_LOCALES = {"en": "en_GB", PSEUDO: "en_GB"}
"""The CLDR locale each language's dates and numbers follow, where it is not the language
itself: English reads `Mon 30 Nov` and `10:42` (day before month, 24-hour), as Deskbot always
has."""


class Words:
    """The words of one language: `language` is its code (`en`, `ja`, or the tests' `qps`),
    `translations` its merged catalogs (bot/i18n/catalogs.py; English: none, the msgids are the
    text). Immutable and shared: one per language (`Languages.words`)."""

    def __init__(self, language: str, translations: NullTranslations | None = None) -> None:
        self.language = language
        self.locale = Locale.parse(FORMAT_LOCALES.get(language, language))
        self._t = translations or NullTranslations()

    def __repr__(self) -> str:
        return f"Words({self.language!r})"

    # --- text ------------------------------------------------------------------------------

    def lookup(
        self, message: str, plural: str | None = None, n: int = 1, *, context: str | None = None
    ) -> str:
        """The catalog's text for a msgid (with its `plural` and count `n`, its `context`), its
        placeholders not filled: for callers that fill them their own way (templates escape
        what they insert). Not a marker `pybabel extract` knows: call it with variables only."""
        if plural is None:
            if context is None:
                return self._t.gettext(message)
            return str(self._t.pgettext(context, message))
        if context is None:
            return self._t.ngettext(message, plural, n)
        return str(self._t.npgettext(context, message, plural, n))

    def gettext(self, message: str, /, **values: Any) -> str:
        """`message` (English, a literal so `pybabel extract` finds it) in this language, its
        `{name}` placeholders filled from `values` (when any are given)."""
        return _filled(self.lookup(message), values)

    def ngettext(self, singular: str, plural: str, n: int, /, **values: Any) -> str:
        """The form of `singular`/`plural` for the count `n`, which fills `{n}` (formatted for
        the locale: `1,234`)."""
        return _filled(self.lookup(singular, plural, n), {"n": self.number(n), **values})

    def pgettext(self, context: str, message: str, /, **values: Any) -> str:
        """`gettext` with a context (msgctxt): the same English in two places that may need two
        translations, and the places with a length limit (`bot.i18n` lists the contexts)."""
        return _filled(self.lookup(message, context=context), values)

    def npgettext(self, context: str, singular: str, plural: str, n: int, /, **values: Any) -> str:
        """`ngettext` with a context."""
        shown = self.lookup(singular, plural, n, context=context)
        return _filled(shown, {"n": self.number(n), **values})

    # --- numbers, dates and times -------------------------------------------------------------

    def number(self, value: int | float) -> str:
        """`1,234` / `1,234.5`, as the locale groups digits."""
        return self._shown(format_decimal(value, locale=self.locale))

    def date(self, day: date | datetime, *, year: bool = False, weekday: bool = True) -> str:
        """`Mon 30 Nov` / `11月30日(月)`; with `year`, `Mon, 30 Nov 2026` / `2026年11月30日(月)`.
        A datetime is shown as the date it has (convert it to the reader's zone first)."""
        skeleton = ("y" if year else "") + "MMM" + ("Ed" if weekday else "d")
        return self._shown(format_skeleton(skeleton, day, locale=self.locale))

    def time(self, moment: datetime | time) -> str:
        """`10:42`, 24-hour, in the zone `moment` already has."""
        return self._shown(format_skeleton("Hm", moment, locale=self.locale))

    def span(self, delta: timedelta) -> str:
        """A rough length, one unit, rounded down: `25 min` / `25分`, `3 h` / `3時間` (under 48
        hours), `2 days` / `2日`; never under a minute. The sign of `delta` is ignored."""
        minutes = int(abs(delta).total_seconds() // 60)
        if minutes < 60:
            return self.pgettext("duration", "{minutes} min", minutes=self.number(max(minutes, 1)))
        hours = minutes // 60
        if hours < 48:
            return self.pgettext("duration", "{hours} h", hours=self.number(hours))
        return self.npgettext("duration", "{n} day", "{n} days", hours // 24)

    def duration(self, delta: timedelta) -> str:
        """An exact length in hours and minutes: `8 h 30 min` / `8時間30分`, `8 h` / `8時間`,
        `45 min` / `45分` (seconds dropped; the sign ignored)."""
        minutes = int(abs(delta).total_seconds() // 60)
        hours, minutes = divmod(minutes, 60)
        if not hours:
            return self.pgettext("duration", "{minutes} min", minutes=self.number(minutes))
        if not minutes:
            return self.pgettext("duration", "{hours} h", hours=self.number(hours))
        return self.pgettext(
            "duration",
            "{hours} h {minutes} min",
            hours=self.number(hours),
            minutes=self.number(minutes),
        )

    def relative(self, delta: timedelta) -> str:
        """`in 1 h` / `1時間後` for a time ahead (`delta` > 0), `1 h ago` / `1時間前` for one
        past; the span as `span` rounds it."""
        if delta >= timedelta(0):
            return self.pgettext("relative", "in {span}", span=self.span(delta))
        return self.pgettext("relative", "{span} ago", span=self.span(delta))

    def language_name(self, code: str) -> str:
        """The language `code` (`en`, `ja`) named in this language, as CLDR names it: `English`
        / `英語`, `Japanese` / `日本語`; the code itself for one CLDR does not know."""
        try:
            name = Locale.parse(code).get_display_name(self.locale)
        except (ValueError, TypeError):
            name = None
        return self._shown(name) if name else code

    def _shown(self, text: str) -> str:
        """Text written by Babel: in the pseudo-language, full width, as catalog text is."""
        return full_width(text) if self.language == PSEUDO else text


def _filled(text: str, values: dict[str, Any]) -> str:
    return text.format(**values) if values else text
