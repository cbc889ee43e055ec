"""The sandbox Cliq's world: channels, chats and their members, bot subscribers, every message
posted, the switches for what Zoho's documents leave open, and the faults a test can ask for."""

from __future__ import annotations

import asyncio
import itertools
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal
from urllib.parse import quote

from bot.clock import Clock, epoch_ms
from bot.sandbox.cliq.text import mentions

FAULT_KINDS = {
    "503": "503",
    "429": "429",
    "limit": "limit",
    "400": "limit",
    "request_limit_exceeded": "limit",
    "lost": "lost",
    "drop": "drop",
    "stall": "stall",
    "504": "504",
}
"""Names a test or a demo may give a fault, and the kind each one means. `lost` (504) and `drop`
(the connection closed without an answer) accept the post first: the message is in the chat but
the sender never hears so; so does `stall` (no answer until `release()`: the caller's read
timeout). `504` is a gateway timeout before Cliq took anything."""

RepeatAssociate = Literal["error", "ok"]


@dataclass
class Fault:
    kind: str  # "503", "504", "429", "limit" (400 request_limit_exceeded), "lost", "drop"
    retry_after: float | None = None


@dataclass
class Switches:
    """Live behaviour the documents leave open; the defaults are the stricter answer.

    - `dm_subscribers_only`: `/bots/{bot}/message` reaches only the bot's subscribers ("Use this
      parameter to broadcast message to dedicated bot subscribers", messages.yml); others are
      refused with `botmessage_no_valid_users`. Off: any user of the org gets the DM.
    - `repeat_associate`: a second `/bots/{bot}/associate` for a channel the bot is already in
      is refused (`error`) or silently accepted (`ok`).
    """

    dm_subscribers_only: bool = True
    repeat_associate: RepeatAssociate = "error"
    posting_limit: bool = True
    """Cliq's documented 50 posts a minute per user per endpoint (then a 10-minute lock).
    Documented, not open: off only for throughput benches, which measure our code, not Cliq's
    quota."""


@dataclass
class Chat:
    """A conversation: its kind (`channel`, `bot`, `dm`, `chat`) and who is in it (casefolded
    e-mails or user ids). A channel's chat also names the channel."""

    id: str
    type: str
    members: set[str]
    title: str = ""
    channel: str = ""


@dataclass
class CliqSandbox:
    """The sandbox Cliq's world: channels, chats, who subscribes to which bot, and every message
    posted (`messages`, each `{id, target_kind, target, sender, chat_id, at, time, body,
    mentions}`, `body` being the JSON posted). Tests read it (`to`, `in_chat`, `posted`) and
    shape it (`add_channel`, `open_bot_chat`, `fail`)."""

    identity: Callable[[str], str | None]
    clock: Clock
    org_id: str = "64396901"
    switches: Switches = field(default_factory=Switches)
    messages: list[dict[str, Any]] = field(default_factory=list)
    channels: dict[str, dict[str, Any]] = field(default_factory=dict)
    channel_bots: dict[str, set[str]] = field(default_factory=dict)
    chats: dict[str, Chat] = field(default_factory=dict)
    subscribers: dict[str, set[str]] = field(default_factory=dict)
    faults: deque[Fault] = field(default_factory=deque)
    associations: list[tuple[str, str]] = field(default_factory=list)
    _calls: dict[str, deque[datetime]] = field(default_factory=dict)
    _locked: dict[str, datetime] = field(default_factory=dict)
    _ids: Any = field(default_factory=lambda: itertools.count(1))
    stalled: asyncio.Event = field(default_factory=asyncio.Event)  # set: stalls answer
    recorded: asyncio.Event = field(default_factory=asyncio.Event)  # set by each new message

    def saved(self) -> dict[str, Any]:
        """What outlives a restart, except the messages (kept one by one, `bot.sandbox.saved`):
        channels, the bot's memberships, chats, subscribers and associations, as JSON."""
        return {
            "channels": self.channels,
            "channel_bots": {k: sorted(v) for k, v in self.channel_bots.items()},
            "chats": {
                k: {**vars(chat), "members": sorted(chat.members)} for k, chat in self.chats.items()
            },
            "subscribers": {k: sorted(v) for k, v in self.subscribers.items()},
            "associations": [list(pair) for pair in self.associations],
        }

    def restore(self, saved: dict[str, Any], messages: list[dict[str, Any]]) -> None:
        """Take back what `saved()` returned and the messages kept, as before the restart."""
        self.channels = saved.get("channels", {})
        self.channel_bots = {k: set(v) for k, v in saved.get("channel_bots", {}).items()}
        self.chats = {
            k: Chat(**{**chat, "members": set(chat["members"])})
            for k, chat in saved.get("chats", {}).items()
        }
        self.subscribers = {k: set(v) for k, v in saved.get("subscribers", {}).items()}
        self.associations = [(a, b) for a, b in saved.get("associations", [])]
        self.messages = messages
        self._ids = itertools.count(max((m["id"] for m in messages), default=0) + 1)

    def release(self) -> None:
        """Let every stalled call answer (its caller has usually timed out by then)."""
        self.stalled.set()

    # --- faults ------------------------------------------------------------------------------

    def fail(self, kind: str | int, count: int = 1, retry_after: float | None = None) -> None:
        """The next `count` API calls fail this way (tests and demos of outages).

        `kind` is one of FAULT_KINDS; `retry_after` becomes the `Retry-After` header of a 429 or
        a `request_limit_exceeded` (none when left out)."""
        known = FAULT_KINDS.get(str(kind))
        if known is None:
            raise ValueError(f"unknown fault kind {kind!r}; one of {sorted(FAULT_KINDS)}")
        if count < 0 or (retry_after is not None and retry_after < 0):
            raise ValueError("count and retry_after cannot be negative")
        self.faults.extend(Fault(known, retry_after) for _ in range(count))

    # --- messages ----------------------------------------------------------------------------

    def record(
        self,
        target_kind: str,
        target: str,
        body: dict[str, Any],
        sender: str,
        *,
        chat_id: str = "",
    ) -> dict[str, Any]:
        """Keep a message posted to `target` (`target_kind`: channel, user, chat, bot) by `sender`
        (the API does, for each post it takes) and wake those awaiting `posted`; returns it."""
        message = {
            "id": next(self._ids),
            "target_kind": target_kind,
            "target": target,
            "sender": sender,
            "chat_id": chat_id,
            "at": self.clock.now().isoformat(),
            "time": epoch_ms(self.clock.now()),
            "body": body,
            "mentions": mentions(str(body.get("text") or "")),  # who Cliq would notify
        }
        self.messages.append(message)
        self.recorded.set()
        return message

    def message_id(self, message: dict[str, Any]) -> str:
        """Cliq's form of a message ID (`<epoch ms> <number>`), URL-encoded as Cliq returns it."""
        return quote(f"{message['time']} {224416859547 + message['id']}")

    def to(self, target_kind: str, target: str) -> list[dict[str, Any]]:
        """The messages posted to one target, oldest first: `("channel", unique name)`,
        `("user", e-mail)` (the bot's chat with that person), `("chat", chat id)`."""
        return [
            m for m in self.messages if (m["target_kind"], m["target"]) == (target_kind, target)
        ]

    async def posted(self, target_kind: str, target: str, count: int = 1) -> list[dict[str, Any]]:
        """`to(target_kind, target)` once it holds at least `count` messages: waits for each new
        message rather than polling, so a test awaits a post made in the background (an answer
        past the deadline, a worker's post). It never gives up: put a limit around it,
        `await asyncio.wait_for(sandbox.cliq.posted("user", email), timeout=5)`."""
        while len(found := self.to(target_kind, target)) < count:
            self.recorded.clear()
            await self.recorded.wait()
        return found

    def in_chat(self, chat_id: str) -> list[dict[str, Any]]:
        """The messages posted into the chat `chat_id`, oldest first."""
        return [m for m in self.messages if m["chat_id"] == chat_id]

    # --- channels and chats ------------------------------------------------------------------

    def add_channel(
        self,
        name: str,
        *,
        bots: Iterable[str] = (),
        members: Iterable[str] = (),
        creator: str = "admin@example.com",
        level: str = "organization",
        description: str = "",
    ) -> dict[str, Any]:
        """A channel with the documented list fields only (no `bots`: the bot's membership is
        kept apart, as Cliq never lists it). Its creator is a member."""
        unique = "".join(ch for ch in name.casefold() if ch.isalnum())
        if unique not in self.channels:
            number = len(self.channels) + 1
            stamp = self.clock.now().isoformat()
            chat_id = f"CT_{1184653329648523000 + number}_{self.org_id}"
            self.channels[unique] = {
                "pinned": False,
                "level": level,
                "chat_id": chat_id,
                "joined": True,
                "creator_name": creator.split("@")[0],
                "unique_name": unique,
                "organization_id": self.org_id,
                "channel_id": f"O{4000000040000 + number}",
                "creator_id": creator,
                "invite_only": False,
                "last_modified_time": stamp,
                "status": "created",
                "description": description,
                "creation_time": stamp,
                "participant_count": 1,
                "current_user_role": "super_admin",
                "name": f"#{name}",
            }
            self.chats[chat_id] = Chat(chat_id, "channel", {creator.casefold()}, name, unique)
            self.channel_bots[unique] = set()
        channel = self.channels[unique]
        self.chats[channel["chat_id"]].members |= {m.casefold() for m in members}
        self.channel_bots[unique] |= set(bots)
        channel["participant_count"] = len(self.chats[channel["chat_id"]].members)
        return channel

    def bot_in(self, bot: str, channel: str) -> bool:
        """Whether the bot `bot` (its unique name) is a member of `channel` (its unique name)."""
        return bot in self.channel_bots.get(channel, set())

    def add_chat(self, chat_id: str, members: Iterable[str], *, type: str = "chat") -> Chat:
        """A DM or group chat between people (never one a bot can post into as itself)."""
        chat = Chat(chat_id, type, {m.casefold() for m in members})
        self.chats[chat_id] = chat
        return chat

    def open_bot_chat(self, bot: str, user: str, user_id: str = "") -> dict[str, Any]:
        """The user opens the bot's chat (or talks to the bot): they become a subscriber, and
        the chat (`CT_…-B2`, type `bot`) exists. Returns the chat object a handler would get."""
        who = user.casefold()
        self.subscribers.setdefault(bot, set()).update({who} | ({user_id} if user_id else set()))
        return {"id": self.open_chat_for(bot, who), "type": "bot", "title": bot}

    def open_chat_for(self, bot: str, user: str) -> str:
        """The id of the bot's chat with `user`, made if it did not exist yet."""
        chat_id = self.bot_chat_id(bot, user)
        if chat_id not in self.chats:
            self.chats[chat_id] = Chat(chat_id, "bot", {user.casefold()}, bot)
        return chat_id

    def bot_chat_id(self, bot: str, user: str) -> str:
        """The id of the bot's chat with `user` (an e-mail), or the id it will get when opened."""
        for chat in self.chats.values():
            if chat.type == "bot" and chat.title == bot and user.casefold() in chat.members:
                return chat.id
        return f"CT_{1203304812000146000 + len(self.chats) + 1}_{self.org_id}-B2"

    def subscribed(self, bot: str, user: str) -> bool:
        """Whether `user` has opened the bot's chat (`open_bot_chat`), so its DMs reach them."""
        return user.casefold() in self.subscribers.get(bot, set())

    # --- per-endpoint limits ------------------------------------------------------------------

    def throttled(self, endpoint: str, who: str, per_minute: int, lock: float) -> float | None:
        """None if `who` may call `endpoint` now, else the seconds until its lock ends: Cliq's
        "threshold" of calls a minute per user, then a "lock period" (messages.yml,
        channels.yml)."""
        now = self.clock.now()
        key = f"{endpoint} {who}"
        locked = self._locked.get(key)
        if locked is not None and now < locked:
            return (locked - now).total_seconds()
        calls = self._calls.setdefault(key, deque())
        while calls and now - calls[0] >= timedelta(minutes=1):
            calls.popleft()
        if len(calls) >= per_minute:
            self._locked[key] = now + timedelta(seconds=lock)
            return float(lock)
        calls.append(now)
        return None
