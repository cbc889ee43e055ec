"""Department and channel names as people type them after a command (SPEC D1, X1).

`/deskbot map "Japan Support" #support-jp`, `/deskbot map japan support Support JP`,
`/deskbot map Japan_Support ＃ｓｕｐｐｏｒｔｊｐ` all name the same department and channel: quotes
(straight, typographic or Japanese corner brackets, as phones and input methods insert them) keep
a name with spaces together, a leading `#` is dropped, and case, width, `_`, `-` and spacing are
forgiven when a name is compared.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from typing import TypeVar

from bot.router import typed

T = TypeVar("T")

QUOTES = {
    '"': '"',
    "'": "'",
    "“": "”",
    "”": "”",
    "‘": "’",
    "„": "“",
    "«": "»",
    "「": "」",
    "『": "』",
}
"""Opening quote → the quote that closes it."""


def words(text: str) -> list[str]:
    """`text` split at spaces, a quoted run being one word (its quotes removed); an unclosed
    quote runs to the end. Words are NFKC (full-width letters read as ASCII)."""
    found: list[str] = []
    rest = typed(text).strip()
    while rest:
        closing = QUOTES.get(rest[0])
        if closing is not None:
            end = rest.find(closing, 1)
            word, rest = (rest[1:], "") if end < 0 else (rest[1:end], rest[end + 1 :])
            if word.strip():
                found.append(" ".join(word.split()))
        else:
            word, *after = rest.split(maxsplit=1)
            found.append(word)
            rest = after[0] if after else ""
        rest = rest.strip()
    return found


def fold(name: str) -> str:
    """A name as compared: NFKC, case-folded, without a leading `#`, every run of characters
    that are not letters or digits read as one space."""
    text = typed(name).casefold().strip().lstrip("#")
    kept = "".join(c if c.isalnum() else " " for c in text)
    return " ".join(kept.split())


def compact(name: str) -> str:
    """`fold(name)` without spaces: "Japan Support", "japan_support" and "JapanSupport" agree,
    as a Cliq channel's unique name ("supportjp") agrees with its name ("Support JP")."""
    return fold(name).replace(" ", "")


def lookup(typed_name: str, names: Mapping[str, T]) -> T | None:
    """The value whose name (a key of `names`) matches `typed_name`; None when none does, or
    when names of different values do (ambiguous)."""
    wanted = compact(typed_name)
    if not wanted:
        return None
    found = list(dict.fromkeys(value for name, value in names.items() if compact(name) == wanted))
    return found[0] if len(found) == 1 else None


def leading(said: list[str], names: Mapping[str, T], *, leave: int = 0) -> tuple[T, int] | None:
    """The value named by the longest run of words at the start of `said` (keeping at least
    `leave` words after it) and how many words it took; None when no run names one."""
    for taken in range(len(said) - leave, 0, -1):
        found = lookup(" ".join(said[:taken]), names)
        if found is not None:
            return found, taken
    return None


def shown(name: str) -> str:
    """A name as it can be typed back: quoted when it has spaces."""
    return f'"{name}"' if " " in name.strip() else name


def close_to(typed_name: str, names: Iterable[str], n: int = 3) -> list[str]:
    """Up to `n` of `names` that look like `typed_name` (for "did you mean")."""
    by_fold = {fold(name): name for name in names}
    return [by_fold[f] for f in difflib.get_close_matches(fold(typed_name), list(by_fold), n=n)]
