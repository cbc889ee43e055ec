"""Where the bot itself can post in the chat a person is in (Post here, late answers).

Cliq's v2 API has two ways to post *as the bot* (messages.yml,
https://github.com/phil-fetchski/n8n-nodes-zoho-cliq/blob/main/documentation/Zoho_Cliq_OpenAPI_Specs/messages.yml):
`POST /channelsbyname/{name}/message?bot_unique_name=` for a channel the bot is a member of, and
`POST /bots/{bot}/message` with `userids` for the bot's own chat with a person.
`POST /chats/{id}/message` has no bot parameter and always posts as the token's user, so a DM
between people, a group chat or a thread has no documented way to receive a post from the bot.
The chat's kind comes from the handler's chat object (`type`: dm, channel, thread, bot, chat;
https://www.zoho.com/cliq/help/platform/cliq-objects/chat-object.html).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.cliq.envelope import Chat
from bot.i18n import N_, Words


@dataclass(frozen=True)
class Place:
    """An outbox target the bot posts to as itself, and how to name it to a person."""

    target_kind: str  # "channel" (by unique name) or "user" (the bot's chat with them)
    target: str
    label: str


class NoBotPlace(Exception):
    """The bot cannot post into this chat as itself; the message says why, for a person."""


def bot_place(chat: Chat | None, user_email: str, *, words: Words) -> Place:
    """Where a post "in this chat" goes, as the bot. Raises NoBotPlace with a plain reason;
    the reason and the place's label are in `words`' language (the caller's)."""
    kind = chat.type if chat is not None else ""
    if kind == "channel":
        assert chat is not None
        if not chat.channel_unique_name:
            raise NoBotPlace(
                words.gettext("Cliq did not say which channel this is, so the bot can't post here.")
            )
        name = chat.channel_unique_name
        return Place("channel", name, f"#{name}")
    if kind == "bot":
        if not user_email:
            raise NoBotPlace(
                words.gettext("Cliq did not say who you are, so the bot can't post here.")
            )
        return Place("user", user_email, words.gettext("your chat with the bot"))
    kinds = {
        "dm": N_("a direct chat"),
        "thread": N_("a thread"),
        "chat": N_("a group chat"),
    }
    other = N_("this kind of chat")
    where = words.gettext(kinds.get(kind, other))
    raise NoBotPlace(
        words.gettext(
            "The bot can't post in {where}: Cliq lets a bot post only in channels it belongs to"
            " and in its own chat. Run the command in such a channel instead.",
            where=where,
        )
    )
