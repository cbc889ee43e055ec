"""Desk records the bot skips, each logged once: one record it cannot read (a field that is not
what Desk's documents say) or that Desk refuses to give (gone, not allowed, invalid) never stops
the work on the others — reminders, digests and listings go on for everything else.

What is about one record is told apart from what is about Desk as a whole: Desk down, a token
refused, the portal's credits spent or too many calls wait and are tried again (they would fail
for every record), so those are never skipped.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from bot.desk.errors import (
    BadRequest,
    DeskError,
    Forbidden,
    InvalidData,
    LicenseLimited,
    NotFound,
    OrgMismatch,
    ScopeMismatch,
)

REMEMBERED = 1024
"""Skips already logged that are remembered (the oldest forgotten first)."""


def about_one_record(error: BaseException) -> bool:
    """Whether `error` concerns only the record being read or acted on: it cannot be parsed,
    or Desk answered 400, 404, 422 or a 403 about that record (not a missing scope, another
    portal or the edition, which concern every call)."""
    if isinstance(error, ValidationError):
        return True
    if isinstance(error, ScopeMismatch | OrgMismatch | LicenseLimited):
        return False
    return isinstance(error, BadRequest | NotFound | InvalidData | Forbidden)


def describe(error: BaseException) -> str:
    """A short reason for the log: the field and value pydantic could not read, or Desk's error."""
    if isinstance(error, ValidationError):
        first: Mapping[str, Any] = error.errors()[0] if error.errors() else {}
        where = ".".join(str(part) for part in first.get("loc", ())) or "record"
        return f"its {where} ({repr(first.get('input'))[:60]}) cannot be read"
    if isinstance(error, DeskError):
        return str(error)[:200]
    return type(error).__name__


class Skipped:
    """Logs each skipped record once (per what, record and reason), at WARNING."""

    def __init__(self, log: logging.Logger, remembered: int = REMEMBERED) -> None:
        self._log = log
        self._remembered = remembered
        self._seen: OrderedDict[tuple[str, str, str], None] = OrderedDict()

    def note(self, what: str, record: str, error: BaseException) -> bool:
        """Log that `what` `record` was skipped because of `error`, unless already logged;
        True when this call logged it."""
        reason = describe(error)
        key = (what, record[:60], reason)
        if key in self._seen:
            self._seen.move_to_end(key)
            return False
        self._seen[key] = None
        while len(self._seen) > self._remembered:
            self._seen.popitem(last=False)
        self._log.warning("%s %s skipped: %s; the others go on", what, key[1], reason)
        return True
