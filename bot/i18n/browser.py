"""The language a person's browser asks for, and the choice of a page's language from it.

Used by every page a browser opens: the web console (bot/console/language.py, which adds its
header switch and the person's stored Cliq language) and the pages opened from chat links
(bot/handlers/pages.py). `Accept-Language` is read as RFC 9110 §12.5.4 says: tags in order of
their `q` weights, `q=0` meaning "not this one", matched with Babel's `negotiate_locale`
(`ja-JP` finds `ja`)."""

from __future__ import annotations

from dataclasses import dataclass

from babel import negotiate_locale

from bot.i18n.catalogs import PSEUDO
from bot.i18n.languages import Languages
from bot.i18n.words import Words

MAX_HEADER = 1000
"""Characters of an Accept-Language header read (browsers send a few dozen)."""
MAX_TAGS = 30


@dataclass(frozen=True, slots=True)
class Chosen:
    """A page's language: its `words`, and `by` what chose it (`switch`, `cliq`, `browser`,
    `default`), which the switch shows beside Automatic."""

    words: Words
    by: str

    @property
    def code(self) -> str:
        return self.words.language


def accepted(header: str) -> list[str]:
    """The language tags of an `Accept-Language` value, most wanted first: ordered by `q`
    (1 when absent; a malformed weight drops that tag), ties in the order given, `q=0` and `*`
    left out. `"fr;q=0.5, ja-JP, en;q=0.8"` → `["ja-JP", "en", "fr"]`."""
    weighted: list[tuple[float, int, str]] = []
    for index, part in enumerate(header[:MAX_HEADER].split(",")[:MAX_TAGS]):
        tag, _, parameters = part.strip().partition(";")
        tag = tag.strip()
        weight = 1.0
        for parameter in parameters.split(";") if parameters else ():
            name, _, value = parameter.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = float(value.strip())
                except ValueError:
                    weight = -1.0
                if not 0 <= weight <= 1:
                    weight = -1.0
        if tag and tag != "*" and weight > 0:
            weighted.append((-weight, index, tag))
    return [tag for _, _, tag in sorted(weighted)]


def from_browser(languages: Languages, header: str) -> str | None:
    """The first language of `Accept-Language` the bot speaks (its code), else None."""
    spoken = [*languages.available, PSEUDO]
    preferred = [tag.replace("_", "-") for tag in accepted(header)]
    found = negotiate_locale(preferred, spoken, sep="-") if preferred else None
    return languages.code(found) if found else None


def choose(
    languages: Languages, *, switched: str | None, stored: str | None, accept: str
) -> Chosen:
    """The page's language: the switch's choice, the person's Cliq language, the browser's,
    the default (see the module's note); a tag the bot does not speak counts as none."""
    for by, code in (("switch", languages.code(switched)), ("cliq", languages.code(stored))):
        if code is not None:
            return Chosen(languages.words(code), by)
    code = from_browser(languages, accept)
    if code is not None:
        return Chosen(languages.words(code), "browser")
    return Chosen(languages.words(None), "default")
