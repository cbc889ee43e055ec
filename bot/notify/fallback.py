"""A DM that Cliq refuses, posted in a channel instead with an @mention of the person.

Bot DMs (`POST /bots/{bot}/message` with `userids`) are documented as reaching the bot's
subscribers ("broadcast message to dedicated bot subscribers", messages.yml:
https://github.com/phil-fetchski/n8n-nodes-zoho-cliq/blob/main/documentation/Zoho_Cliq_OpenAPI_Specs/messages.yml);
Cliq's bot-message errors include `botmessage_no_valid_users`
(https://www.zoho.com/cliq/help/restapi/v3/bots/). A person who never opened the bot's chat may
therefore get nothing; the post then goes to the department's or org channel, naming them with
Cliq's user mention `{@<email>}` (https://www.zoho.com/cliq/help/restapi/v2/mentions/).
"""

from __future__ import annotations

from typing import Any

NOT_REACHABLE_BY_DM = frozenset({"botmessage_no_valid_users"})
"""Cliq's codes for "none of these users can get this bot message"."""

TEXT_MAX = 5000  # a REST post's text (messages.yml)


def refused_dm(code: str) -> bool:
    """True if Cliq refused a bot DM because the person cannot get it (not a subscriber)."""
    return code in NOT_REACHABLE_BY_DM


def with_mention(payload: dict[str, Any], email: str) -> dict[str, Any]:
    """The DM's message for a channel: the same card, its text opened with an @mention."""
    mention = f"{{@{email}}} "
    text = str(payload.get("text") or "")
    return {**payload, "text": (mention + text)[:TEXT_MAX]}
