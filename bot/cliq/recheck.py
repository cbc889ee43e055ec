"""Did Cliq take a post whose answer was lost? Asked before posting it again.

Cliq's v2 API offers one way to look: `GET /chats/{CHAT_ID}/messages?fromtime=&limit=` lists a
chat's recent messages, for a chat the token's user has access to (messages.yml,
https://github.com/phil-fetchski/n8n-nodes-zoho-cliq/blob/main/documentation/Zoho_Cliq_OpenAPI_Specs/messages.yml;
15 calls a minute, so one listing of a chat serves every check made soon after it). A channel's chat id comes from the channel list (channels.yml). A message is
recognised by its text (`content`) among those sent since just before the first attempt.

What it cannot see, and so what remains (the caller then posts again, and counts it):
- a bot DM: the bot's chat with a person (`CT_…-B2`) is not a chat of the token's user;
- a channel the token's user is not a member of (Cliq answers 403);
- a post Cliq stores only after we looked (the check runs one backoff after the lost answer);
- two identical texts posted to the same chat in that window (the later one is taken for ours).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any, Protocol

from bot.cliq.errors import CliqRejected


class ChatReader(Protocol):
    """What the check needs of the REST client (`bot.cliq.client.CliqClient` is one)."""

    async def channel_chat_id(self, unique_name: str) -> str | None: ...

    async def chat_messages(
        self, chat_id: str, *, since: datetime, fetched_after: datetime | None = None
    ) -> list[dict[str, Any]]: ...


SKEW = timedelta(seconds=30)
"""Look this far before the first attempt: Cliq stamps messages with its own clock."""


async def was_posted(
    client: ChatReader,
    target_kind: str,
    target: str,
    payload: Mapping[str, Any],
    since: datetime,
) -> bool | None:
    """True if the chat shows the post, False if it does not, None if Cliq gives us no way to
    look (see the module's list). Cliq errors other than "no access" propagate."""
    text = str(payload.get("text") or "")
    if not text:
        return None
    if target_kind == "channel":
        chat_id = await client.channel_chat_id(target)
    elif target_kind == "chat":
        chat_id = target
    else:
        return None  # a bot DM or a response URL: nothing the token's user may read
    if chat_id is None:
        return None
    try:
        messages = await client.chat_messages(chat_id, since=since - SKEW, fetched_after=since)
    except CliqRejected as exc:
        if exc.status in (403, 404):
            return None
        raise
    return any(_text_of(m) == text for m in messages)


def _text_of(message: Mapping[str, Any]) -> str:
    """A listed message's text: `content` is a string (messages.yml `message_data`), or an
    object holding `text` in other answers."""
    content = message.get("content")
    if isinstance(content, Mapping):
        return str(content.get("text") or "")
    return str(content or "")
