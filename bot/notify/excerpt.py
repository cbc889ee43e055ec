"""A comment as a person reads it in a notification (SPEC D2, D4): short, plain, and with
mentions shown as names.

Desk writes a mention into the comment's `content` as `zsu[@user:<agent zuid>]zsu` and a team
mention as `zsu[@team:<team id>_<team name>]zsu` (Desk API, "Add ticket comment":
https://desk.zoho.com/DeskAPIDocument#TicketsComments; reference/desk.md §3.7). A comment whose
`contentType` is html carries tags and entities; both are dropped here.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping

LIMIT = 200  # characters of comment shown in a notification
_USER = re.compile(r"zsu\[@user:([0-9]{1,25})\]zsu")
_TEAM = re.compile(r"zsu\[@team:[0-9]{1,25}_([^\]]{0,100})\]zsu")
_TAG = re.compile(r"<[^<>]{0,2000}>")
_BREAK_TAG = re.compile(r"<\s*(?:br|/p|/div|/li)\b[^<>]{0,200}>", re.IGNORECASE)


def excerpt(content: str, names_by_zuid: Mapping[str, str], *, limit: int = LIMIT) -> str:
    """`content` on one line: tags dropped, entities decoded, `zsu[@user:…]zsu` as `@Name`
    (`names_by_zuid`; an unknown person is `@someone`), team mentions as `@Team`, runs of
    spaces and line breaks as one space, cut at `limit` characters with "…". The result is
    people's text: the card escapes it."""
    text = _USER.sub(lambda m: "@" + names_by_zuid.get(m.group(1), "someone"), content)
    text = _TEAM.sub(lambda m: "@" + (m.group(1).strip() or "team"), text)
    if "<" in text:
        text = _TAG.sub("", _BREAK_TAG.sub(" ", text))
    text = " ".join(html.unescape(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def mentioned_zuids(content: str) -> tuple[str, ...]:
    """The zuids of the people `content` mentions, each once, in order."""
    return tuple(dict.fromkeys(_USER.findall(content)))
