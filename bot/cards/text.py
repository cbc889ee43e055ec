"""The jinja2 environment for card text: one per language, strict about missing values, and
escaping every value it inserts (`bot/cliq/markup.py`) unless the value is our own `Markup`.

Templates speak through jinja2's i18n extension with the reader's `Words` (bot/i18n):
`{{ _("Unresolved tickets in {department}", department=name) }}`, `ngettext`, `pgettext` and
`npgettext` likewise; the catalog's text is our markup, the values filled in are escaped."""

from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from bot.cliq.markup import Markup, escape, needs_escape
from bot.i18n import ENGLISH, Words
from bot.i18n.templates import install_words


def _shown(value: Any) -> Any:
    """What `{{ value }}` prints: people's text escaped, our `Markup` as it is."""
    return escape(value) if isinstance(value, str) and needs_escape(value) else value


@cache
def _environment(words: Words) -> Environment:
    environment = Environment(
        loader=PackageLoader("bot.cards", "templates"),
        autoescape=False,  # Cliq markdown, not HTML: `finalize` escapes for Cliq instead
        finalize=_shown,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        auto_reload=False,  # shipped with the code: no need to stat each file on every render
        extensions=["jinja2.ext.i18n"],
    )
    install_words(environment, words, Markup)
    return environment


def render(name: str, *, words: Words | None, **values: Any) -> Markup:
    """The template's text in `words`' language (English until every caller passes the
    reader's), our markup with every inserted string escaped."""
    template = _environment(words or ENGLISH).get_template(name)
    return Markup(template.render(**values).strip())
