"""The context object handed to every listener: who is calling, from where, and with what."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from bot.cliq.envelope import Chat, Envelope, User
from bot.clock import Clock, zone_named

if TYPE_CHECKING:
    from bot.dispatch import Bot


@dataclass
class Context:
    """One handler call. Apps extend it by subclassing (see `Bot(context_factory=...)`)."""

    envelope: Envelope
    bot: Bot
    clock: Clock
    request_id: str
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def user(self) -> User:
        return self.envelope.params.user

    @property
    def chat(self) -> Chat | None:
        return self.envelope.params.chat

    async def caller_is_admin(self) -> bool:
        """May the caller run admin-only listeners? Asked on every admin-only call. The
        framework knows only Cliq's own flag (`user.admin`); apps override this with their rule
        (Deskbot: a Desk administrator, read from Desk)."""
        return self.user.admin

    @property
    def timezone(self) -> ZoneInfo:
        return zone(self.user.timezone)

    def now(self) -> datetime:
        """Now, in the caller's time zone (SPEC X2)."""
        return self.clock.now().astimezone(self.timezone)


def zone(name: str | None) -> ZoneInfo:
    """Look a zone name up case-insensitively (Cliq sends names such as `Asia/calcutta`);
    anything that is not an IANA name is UTC. Nothing is cached per name sent."""
    return zone_named(name or "UTC") or ZoneInfo("UTC")
