"""The context object handed to every listener: who is calling, from where, and with what."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from bot.cliq.envelope import Chat, Envelope, User
from bot.clock import Clock, zone_named
from bot.i18n import Languages, Words
from bot.router import Router


class BotInfo(Protocol):
    """What listeners and the framework's answers read of the bot (`bot.dispatch.Bot` is one):
    its display `name`, its listeners (`router`), its `clock`, its `deadline` in seconds and the
    `languages` it speaks."""

    name: str
    router: Router
    clock: Clock
    deadline: float
    languages: Languages


@dataclass
class Context:
    """One handler call: `envelope` (what Cliq sent, bot.cliq.envelope), `bot` (the bot
    answering), `clock` (the bot's clock: all "now" comes from it), `request_id` (the reference
    shown on error cards and in log lines). Apps extend it by subclassing and build it in
    `Bot(context_factory=...)`."""

    envelope: Envelope
    bot: BotInfo
    clock: Clock
    request_id: str
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def user(self) -> User:
        """The person who made the call (Cliq's `user` object: id, e-mail, names, time zone)."""
        return self.envelope.params.user

    @property
    def chat(self) -> Chat | None:
        """The chat the call came from (Cliq's `chat` object), or None where the handler has
        none (a button in a bot's own message may still have one; a slash command may not)."""
        return self.envelope.params.chat

    async def caller_is_admin(self) -> bool:
        """May the caller run admin-only listeners? Asked on every admin-only call. The
        framework knows only Cliq's own flag (`user.admin`); apps override this with their rule
        (Deskbot: a Desk administrator, read from Desk)."""
        return self.user.admin

    @property
    def words(self) -> Words:
        """The caller's language (`bot.i18n`): Cliq's `user.language` in any of its forms
        (`ja`, `ja_JP`, `ja-JP`), else the bot's default language."""
        return self.bot.languages.words(self.user.language)

    @property
    def timezone(self) -> ZoneInfo:
        """The caller's time zone from Cliq's `user.timezone` (case forgiven); UTC if it is
        missing or not an IANA name."""
        return zone(self.user.timezone)

    def now(self) -> datetime:
        """Now, in the caller's time zone (SPEC X2)."""
        return self.clock.now().astimezone(self.timezone)


def zone(name: str | None) -> ZoneInfo:
    """Look a zone name up case-insensitively (Cliq sends names such as `Asia/calcutta`);
    anything that is not an IANA name is UTC. Nothing is cached per name sent."""
    return zone_named(name or "UTC") or ZoneInfo("UTC")
