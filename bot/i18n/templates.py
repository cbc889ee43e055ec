"""Jinja2's i18n extension speaking a reader's `Words`: one installer for every template set.

Cards (bot/cards/text.py, Cliq markdown) and the web console (bot/console/render.py, HTML) both
write `{{ _("Hello {name}", name=value) }}`, `ngettext`, `pgettext` and `npgettext` in their
templates; the catalog's text is our own markup and each value filled in is escaped by the
`markup` class the caller gives (Cliq's `Markup` or markupsafe's)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

import jinja2

from bot.i18n.words import Words


class _Markup(Protocol):
    def format(self, *args: Any, **kwargs: Any) -> Any: ...


def install_words(
    environment: jinja2.Environment, words: Words, markup: Callable[[str], _Markup]
) -> None:
    """Install `words` as the environment's gettext callables (`newstyle=False`: the values are
    formatted here, `{n}` being the count as `words.number` writes it).

    `environment` must have been made with `extensions=["jinja2.ext.i18n"]`."""

    def marked(text: str, values: dict[str, Any]) -> Any:
        return markup(text).format(**values) if values else markup(text)

    environment.install_gettext_callables(  # type: ignore[attr-defined]  # added by the extension
        gettext=lambda message, **values: marked(words.lookup(message), values),
        ngettext=lambda one, many, n, **values: marked(
            words.lookup(one, many, n), {"n": words.number(n), **values}
        ),
        pgettext=lambda context, message, **values: marked(
            words.lookup(message, context=context), values
        ),
        npgettext=lambda context, one, many, n, **values: marked(
            words.lookup(one, many, n, context=context), {"n": words.number(n), **values}
        ),
        newstyle=False,
    )
