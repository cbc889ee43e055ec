"""What the stand-up bot's listeners get: the framework's context plus the bot's own parts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from bot.framework import CliqClient, Clock, Context
from examples.standup.updates import Updates


@dataclass
class Channel:
    """The team channel (`name` is its unique name), reached through Cliq's REST client."""

    client: CliqClient
    name: str
    clock: Clock

    async def post(self, message: Any) -> None:
        """Post `message` (a Message, or Cliq's JSON) to the channel as the bot.
        Raises CliqError (bot.cliq.errors) when Cliq refuses or cannot be reached."""
        await self.client.post_to_channel(self.name, message)

    async def recent_texts(self) -> list[str]:
        """The texts of the channel's messages of the last day (at most 100), read through
        `GET /chats/{CHAT_ID}/messages` (messages.yml); raises CliqError."""
        chat_id = await self.client.channel_chat_id(self.name)
        if chat_id is None:
            return []
        since = self.clock.now() - timedelta(days=1)
        messages = await self.client.chat_messages(chat_id, since=since)
        texts = []
        for message in messages:
            content = message.get("content")
            texts.append(
                str(content.get("text", "")) if isinstance(content, dict) else str(content)
            )
        return texts


@dataclass
class StandupContext(Context):
    """`updates` (the updates given), `channel` (the team channel, None until the app has
    started), `teams` (the teams people may report for)."""

    updates: Updates = field(default_factory=Updates)
    channel: Channel | None = None
    teams: list[str] = field(default_factory=list)
