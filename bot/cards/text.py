"""The jinja2 environment for card text: one place, strict about missing values, and escaping
every value it inserts (`bot/cliq/markup.py`) unless the value is our own `Markup`."""

from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from bot.cliq.markup import Markup, escape, needs_escape


def _shown(value: Any) -> Any:
    """What `{{ value }}` prints: people's text escaped, our `Markup` as it is."""
    return escape(value) if isinstance(value, str) and needs_escape(value) else value


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("bot.cards", "templates"),
        autoescape=False,  # Cliq markdown, not HTML: `finalize` escapes for Cliq instead
        finalize=_shown,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        auto_reload=False,  # shipped with the code: no need to stat each file on every render
    )


def render(name: str, **values: Any) -> Markup:
    """The template's text, our markup with every inserted string escaped."""
    return Markup(_environment().get_template(name).render(**values).strip())
