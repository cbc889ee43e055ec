"""Languages: every word the bot says, in the reader's language (Japanese and English today).

How to translate a string
-------------------------
1. Write it in English, as a literal, through the reader's `Words` (never a module-level `_`):
   `words.gettext("Overdue by {span}", span=words.span(late))`; counts through
   `words.ngettext("{n} ticket", "{n} tickets", count)` (`{n}` is the count, formatted);
   dates and times through `words.date(day)`, `words.time(moment)`, `words.relative(delta)`,
   `words.duration(delta)`. Data (ticket subjects, statuses, names from Desk, what a person
   typed) goes in as a `{value}`, never translated. `{` and `}` in a message that takes values
   are placeholders: write `{{` for a literal brace, and pass Cliq mentions (`{@id}`) as values.
   Where do the words come from? A listener: `ctx.words` (the caller's Cliq `user.language`).
   A card built for a DM or a channel: `reader.words` (bot/notify/readers.py), as its zone.
   A template: `render(name, words=..., ...)` (bot/cards/text.py), then `{{ _("…") }}` inside.
2. A text with a length limit in Cliq takes a context (`pgettext`), one of `LIMITED` below:
   `words.pgettext("button", "Assign")`, `words.pgettext("banner", "Only admins can do that.")`,
   so `tests/i18n/test_catalogs.py` can check every translation of it fits.
3. Make sure the file is in its domain's mapping, `bot/i18n/locales/<domain>.cfg` (framework,
   deskbot, notices, attendance: one file each, so work on one never edits another's catalog).
4. `scripts/catalogs update` (extracts, merges into `locales/ja/LC_MESSAGES/<domain>.po`), write
   the Japanese msgstr, `scripts/catalogs compile`. `tests/i18n/test_catalogs.py` fails on a
   msgid without Japanese, a catalog out of date with the code, or a label over its limit.
5. A string defined where no reader is known (a command's usage and description, a noun passed
   to a helper, a ValueError's message in a form's model) is marked with `N_("…")` (it returns
   the text as is; `pybabel extract` finds it) and translated where it is shown, with
   `words.gettext(text)`: the framework does so for `usage=` and `description=`. Never nest a
   marked literal inside another marker's call (`words.gettext(d.get(k, N_("…")))`): pybabel
   does not look inside it, so put it in a variable first.
6. In a conversation test, speak the pseudo-language (`user.language = "qps"`: every catalog
   text in full-width letters) and `tests/words.py`'s `assert_translated(answer, data=[…])`
   fails on any visible text in plain ASCII letters that is not data: a string that escaped.
"""

from bot.cliq import limits
from bot.i18n.catalogs import DOMAINS, PSEUDO, SOURCE
from bot.i18n.languages import Languages, language_code, words_of
from bot.i18n.words import Words

ENGLISH = words_of(SOURCE)
"""The source language's words: for code that has no reader yet (kept only where a default is
needed while callers are brought over; prefer the reader's)."""


def N_(message: str) -> str:
    """Marks `message` for the catalogs where no reader is known; returns it unchanged (see the
    module's note, step 5)."""
    return message


LIMITED: dict[str, int] = {
    "button": limits.BUTTON_LABEL,
    "banner": limits.BANNER_TEXT,
    "input label": limits.INPUT_LABEL,
    "placeholder": limits.INPUT_PLACEHOLDER,
    "hint": limits.INPUT_HINT,
    "option": limits.OPTION_LABEL,
    "form title": limits.FORM_TITLE,
    "card title": limits.CARD_TITLE,
}
"""msgctxt → the most characters Cliq takes there (bot/cliq/limits.py): a message with one of
these contexts is checked, in every language, against it (placeholders counted as written)."""

__all__ = [
    "DOMAINS",
    "ENGLISH",
    "LIMITED",
    "N_",
    "PSEUDO",
    "SOURCE",
    "Languages",
    "Words",
    "language_code",
]
