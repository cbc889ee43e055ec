"""Button keys, in one place: `<action>:<ticket id>:<modified epoch>` and friends.

The modified time rides along so a click on an old card can be told apart (a stale card), and
the whole key stays under Cliq's 100 characters.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

TICKET_ACTIONS = ("status", "assign", "reply", "comment", "mine")


@dataclass(frozen=True)
class TicketKey:
    ticket_id: str
    seen: int  # the ticket's modifiedTime (epoch seconds) when the card was drawn; 0 unknown


def ticket_key(action: str, ticket_id: str, modified: datetime | None) -> str:
    seen = int(modified.timestamp()) if modified else 0
    return f"{action}:{ticket_id}:{seen}"


def parse_ticket_key(rest: str) -> TicketKey:
    """The part after `<action>:`; a malformed key raises ValueError."""
    ticket_id, _, seen = rest.partition(":")
    seen_at = number(seen) if seen else 0
    if number(ticket_id, max_digits=25) is None or seen_at is None:
        raise ValueError(f"not a ticket key: {rest[:60]!r}")
    return TicketKey(ticket_id, seen_at)


def number(text: str, *, max_digits: int = 18) -> int | None:
    """`text` as a non-negative integer if it is 1 to `max_digits` ASCII digits, else None.

    Every number read from a key, a command or a form goes through here: `str.isdigit()` also
    accepts "²" or "١", which `int()` refuses or reads unexpectedly, and a long run of digits
    exceeds what SQLite (8 bytes) and `int()` (4,300 digits) take."""
    if not 0 < len(text) <= max_digits or not text.isascii() or not text.isdigit():
        return None
    return int(text)
