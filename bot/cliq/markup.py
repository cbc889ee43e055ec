"""Cliq's message markup, and showing what other people wrote exactly as they wrote it.

Cliq formats message text with a markdown of its own (Zoho, "Posting to Zoho Cliq",
https://www.zoho.com/deluge/help/cliq/posting-to-zoho-cliq.html): `*bold*`, `_italic_`,
`~strike~`, a `` `quote` ``, a ```` ```box``` ````, `!blockquote`, `#heading` and `###small
heading` at the start of a line, `---` a line, `[text](https://…)` a link. It turns `{@zuid}`,
`{@e-mail}`, `{@team id}`, `{@all}`, `{@available}` and `{#channel}` into mentions that notify
people, and a post with `@all` or `@available` fails when the sender may not use them; `[Name](
zohoid:…)` and `[Name](mail:…)` are silent mentions (https://www.zoho.com/cliq/help/restapi/v2/
mentions/).

Text that people outside our control wrote (ticket subjects, comments, names, e-mail addresses,
department, team and status names, attendance status names) goes through `escape`. Cliq documents
no escape character, so the syntax is broken instead, and the reader still sees the same text:

- `*`, `~` and `` ` `` become look-alikes (`∗`, `∼`, `ˋ`); `_` does too at the edge of a word
  (inside one, as in `john_doe@x.com` or `due_30m`, it is left alone, so copying still works);
- an invisible word joiner (U+2060) goes between `{` and `@` or `#`, after an `@` that starts a
  word (`@all`; not the `@` of an e-mail address), between the `]` and `(` of a link, and, in
  message text (where Cliq reads line starts), before a `#`, `!`, `>` or `---` starting a line.

Direction controls (embeddings, overrides and isolates: U+202A–U+202E, U+2066–U+2068) last to
the end of their paragraph (Unicode's bidirectional algorithm, UAX #9 §3.3.2), so one left open
in a subject would reorder our own words after it on its line (`Status: Open → …`, the closing
quote of an excerpt): each one the text leaves open is closed where its line ends (U+202C or
U+2069, invisible). What people wrote is shown as they wrote it.

`escape` is idempotent. `Markup` marks text that is our own markup: it is never escaped, and its
`format` and `join` escape what they insert.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, SupportsIndex

WORD_JOINER = "\u2060"
LOOK_ALIKES = str.maketrans({"*": "\u2217", "~": "\u223c", "`": "\u02cb"})
UNDERSCORE_LOOK_ALIKE = "\u02cd"

_UNDERSCORE_AT_WORD_EDGE = re.compile(r"(?<![^\W_])_|_(?![^\W_])")
_AT_STARTING_A_WORD = re.compile(r"(?<![\w.+\-])@(?=\w)")
_MENTION_BRACE = re.compile(r"\{(?=[@#])")
_LINK_JOIN = re.compile(r"\](?=\()")
_BREAKS = "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"  # what str.splitlines() splits on
_LINE_START = re.compile(rf"(?:^|(?<=[{_BREAKS}]))([ \t]*)(?=[#!>]|---)")
_LINE_BREAK = re.compile(f"[{_BREAKS}]")
_BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
"""Direction embeddings, overrides and isolates, and the two marks that close them."""
_BIDI_CONTROL = re.compile(f"[{_BIDI}]")
_ANYTHING_TO_DO = re.compile(f"[*~`_@{{\\]#!>\\-{_BREAKS}{_BIDI}]")
"""A character some rule above looks at: without one, text is shown as it is (the usual case)."""
LINE_MARKUP = "*~`_@{]" + _BREAKS + _BIDI
"""The characters a rule looks at in a single-line field, where line starts are left alone (`#`,
`!`, `>` and `-` matter only there, or after a `{`)."""
_ANYTHING_TO_DO_IN_A_LINE = re.compile(f"[{re.escape(LINE_MARKUP)}]")
"""`_ANYTHING_TO_DO` for a single-line field."""


class Markup(str):
    """Text that is our own Cliq markup: shown as written, never escaped again."""

    __slots__ = ()

    def format(self, *args: Any, **kwargs: Any) -> Markup:
        """`str.format`, with every inserted string escaped (numbers, dates… as they are)."""
        return Markup(
            super().format(
                *(_inserted(a) for a in args), **{k: _inserted(v) for k, v in kwargs.items()}
            )
        )

    def join(self, parts: Iterable[str]) -> Markup:
        """`str.join`, escaping every part that is not itself Markup; returns Markup."""
        return Markup(super().join(escape(part) for part in parts))

    def __add__(self, other: str) -> Markup:
        return Markup(super().__add__(escape(other)))

    def __radd__(self, other: str) -> Markup:
        return Markup(escape(other) + str(self))

    def __getitem__(self, index: SupportsIndex | slice) -> Markup:
        return Markup(super().__getitem__(index))


def escape(text: object, *, block: bool = True) -> Markup:
    """`text` made to show literally in Cliq (see the module's rules); `Markup` passes as is.

    Single-line fields (titles, labels, table cells) use `block=False`: line breaks become
    spaces, and line starts are left alone (Cliq reads `#`, `!`, `>` and `---` in message text).
    `None` is the empty string."""
    if isinstance(text, Markup):
        return text
    value = "" if text is None else str(text)
    if not (_ANYTHING_TO_DO if block else _ANYTHING_TO_DO_IN_A_LINE).search(value):
        return Markup(value)
    value = value.translate(LOOK_ALIKES)
    value = _UNDERSCORE_AT_WORD_EDGE.sub(UNDERSCORE_LOOK_ALIKE, value)
    value = _AT_STARTING_A_WORD.sub("@" + WORD_JOINER, value)
    value = _MENTION_BRACE.sub("{" + WORD_JOINER, value)
    value = _LINK_JOIN.sub("]" + WORD_JOINER, value)
    if not block:  # one line: no line starts but the first, which Cliq reads only in text
        return Markup(_closed_directions(_LINE_BREAK.sub(" ", value)))
    value = "".join(_closed_directions(part) for part in _PARAGRAPHS.split(value))
    return Markup(_LINE_START.sub(r"\1" + WORD_JOINER, value))


_PARAGRAPHS = re.compile(f"([{_BREAKS}])")
_CLOSER = {"\u202a": "\u202c", "\u202b": "\u202c", "\u202d": "\u202c", "\u202e": "\u202c"}
_CLOSER |= {"\u2066": "\u2069", "\u2067": "\u2069", "\u2068": "\u2069"}


def _closed_directions(line: str) -> str:
    """`line` (no line break in it) with the direction embeddings, overrides and isolates it
    leaves open closed at its end, innermost first (UAX #9: a PDF closes the last embedding or
    override opened since the last isolate, a PDI the last isolate and what it holds)."""
    if not _BIDI_CONTROL.search(line):
        return line
    open_now: list[str] = []  # the closers owed, innermost last
    for mark in _BIDI_CONTROL.findall(line):
        if mark in _CLOSER:
            open_now.append(_CLOSER[mark])
        elif mark == "\u202c" and open_now and open_now[-1] == "\u202c":
            open_now.pop()
        elif mark == "\u2069" and "\u2069" in open_now:
            del open_now[len(open_now) - 1 - open_now[::-1].index("\u2069") :]
    return line + "".join(reversed(open_now))


def needs_escape(text: str, *, block: bool = True) -> bool:
    """True when `text` holds a character one of the rules looks at (and is not our `Markup`);
    False means `escape(text, block=block)` would give it back unchanged."""
    pattern = _ANYTHING_TO_DO if block else _ANYTHING_TO_DO_IN_A_LINE
    return not isinstance(text, Markup) and pattern.search(text) is not None


def plain(text: object) -> Markup:
    """`escape` for a single-line field (title, label, cell)."""
    return escape(text, block=False)


def _inserted(value: Any) -> Any:
    return escape(value) if isinstance(value, str) else value
