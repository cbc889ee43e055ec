"""Which language a reader gets: a language tag (Cliq's `user.language`, Desk's `langCode`, a
setting) → the `Words` of a language we have, else the configured default."""

from __future__ import annotations

from functools import cache

from bot.i18n.catalogs import PSEUDO, SOURCE, translated_languages, translations
from bot.i18n.words import Words


@cache
def words_of(language: str) -> Words:
    """The one `Words` of a language this process has (`en`, a language with catalogs, `qps`);
    raises KeyError for any other."""
    return Words(language, None if language == SOURCE else translations(language))


def language_code(tag: str | None) -> str:
    """A tag's language, lower case: `ja`, `ja_JP`, `ja-JP`, `JA-jp` → `ja`; empty for none.
    Cliq sends `user.language` in either form; Desk's agent `langCode` as `ja_JP`. Anything
    that is not a language tag (BCP 47's 2-8 letters first) gives empty."""
    if not tag:
        return ""
    code = tag.strip().replace("-", "_").split("_", 1)[0].casefold()
    return code if 2 <= len(code) <= 8 and code.isascii() and code.isalpha() else ""


class Languages:
    """The languages the bot speaks (English, every language with catalogs, and the tests'
    pseudo-language `qps`) and the default for anything else. One `Words` per language, made
    once and shared. Raises ValueError for a default it does not speak."""

    def __init__(self, default: str = SOURCE) -> None:
        """`default`: the language (any form of its tag) of anyone whose language is unknown
        or not spoken."""
        self.available = (SOURCE, *translated_languages())
        self._words = {language: words_of(language) for language in (*self.available, PSEUDO)}
        code = language_code(default)
        if code not in self.available:
            raise ValueError(
                f"the default language {default!r} is not one the bot speaks: "
                + ", ".join(self.available)
            )
        self.default = code

    def code(self, tag: str | None) -> str | None:
        """The language of `tag` if the bot speaks it, else None."""
        code = language_code(tag)
        return code if code in self._words else None

    def words(self, tag: str | None) -> Words:
        """The `Words` for `tag` (any of its forms), or the default's."""
        return self._words[self.code(tag) or self.default]

    def first(self, *tags: str | None) -> Words:
        """The `Words` of the first tag the bot speaks (e.g. what Cliq last said, then Desk's
        profile), else the default's."""
        for tag in tags:
            code = self.code(tag)
            if code is not None:
                return self._words[code]
        return self._words[self.default]
