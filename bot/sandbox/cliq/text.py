"""What the sandbox Cliq sees in a message's text: the mentions that would notify people, and the
formatting Cliq would apply. It reads Zoho's documented syntax generously (any `{@…}`, any `*…*`
on a line), so text that shows nothing here shows nothing in Cliq either.

Sources: mentions, https://www.zoho.com/cliq/help/restapi/v2/mentions/ (`{@zuid}`, `{@email}`,
`{@team id}`, `{@all}`, `{@available}`, `{#channel}`, and silent `[Name](zohoid:…)`/`(mail:…)`;
"Message delivery will fail if the authenticated user does not have permission to use restricted
mentions like @all or @available"); formatting, https://www.zoho.com/deluge/help/cliq/
posting-to-zoho-cliq.html (bold, italics, strike, quote, blockquote, headings, link, line, box).
"""

from __future__ import annotations

import re
from typing import Any

RESTRICTED = frozenset({"all", "available"})

_MENTIONS = re.compile(r"\{([@#])([^{}\s]*)\}|(?<![\w.+\-])@(all|available|participants)\b")
_FORMATS = {
    "box": re.compile(r"```.+?```", re.DOTALL),
    "bold": re.compile(r"\*[^*\n]+\*"),
    "italic": re.compile(r"(?<![^\W_])_[^_\n]+_(?![^\W_])"),
    "strike": re.compile(r"~[^~\n]+~"),
    "quote": re.compile(r"`[^`\n]+`"),
    "link": re.compile(r"\[[^\]\n]*\]\([^)\n]*\)"),
    "heading": re.compile(r"^[ \t]*#", re.MULTILINE),
    "blockquote": re.compile(r"^[ \t]*[!>]", re.MULTILINE),
    "line": re.compile(r"^[ \t]*---", re.MULTILINE),
}


def mentions(text: str) -> list[str]:
    """Each mention Cliq would act on, as written without braces: `@all`, `@a@x.com`, `#desk`."""
    found = []
    for match in _MENTIONS.finditer(text):
        found.append(
            f"{match.group(1)}{match.group(2)}" if match.group(1) else f"@{match.group(3)}"
        )
    return found


def restricted(text: str) -> list[str]:
    """The mentions a bot without the permission may not post (`@all`, `@available`)."""
    return [m for m in mentions(text) if m[1:] in RESTRICTED and m.startswith("@")]


LINE_FORMATS = frozenset({"heading", "blockquote", "line"})


def formats(text: str, *, block: bool = True) -> list[tuple[str, str]]:
    """Each piece of formatting Cliq would apply: (kind, the text it covers). Line-start forms
    (headings, blockquotes, lines) count only in message text (`block`), not in a title, label
    or cell."""
    return [
        (kind, m.group(0))
        for kind, pattern in _FORMATS.items()
        if block or kind not in LINE_FORMATS
        for m in pattern.finditer(text)
    ]


SKIP = frozenset({"action", "key", "type", "theme", "status", "userids", "sync_message"})


def strings(payload: Any, path: str = "") -> list[tuple[str, str]]:
    """Every string shown from a message payload, with where it is (`card.title`,
    `slides.0.data.2.Status`); label and column names count too. Keys, actions and other
    machine fields are left out."""
    if isinstance(payload, str):
        return [(path, payload)]
    found: list[tuple[str, str]] = []
    if isinstance(payload, dict):
        for key, value in payload.items():
            if key in SKIP:
                continue
            where = f"{path}.{key}" if path else str(key)
            if ".data." in where or ".rows." in where:  # a label or column name is shown
                found.append((f"{where}<name>", str(key)))
            found += strings(value, where)
    elif isinstance(payload, list):
        for index, value in enumerate(payload):
            found += strings(value, f"{path}.{index}")
    return found
