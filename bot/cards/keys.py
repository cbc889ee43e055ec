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
    if not ticket_id.isdigit() or (seen and not seen.isdigit()):
        raise ValueError(f"not a ticket key: {rest!r}")
    return TicketKey(ticket_id, int(seen or 0))
