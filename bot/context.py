"""The context object handed to every listener: who is calling, from where, and with what."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, available_timezones

from bot.cliq.envelope import Chat, Envelope, User
from bot.clock import Clock

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

    @property
    def is_admin(self) -> bool:
        """Cliq's own admin flag; apps with their own notion of admin override this."""
        return self.user.admin

    @property
    def timezone(self) -> ZoneInfo:
        return zone(self.user.timezone)

    def now(self) -> datetime:
        """Now, in the caller's time zone (SPEC X2)."""
        return self.clock.now().astimezone(self.timezone)


@cache
def _zones_by_folded_name() -> dict[str, str]:
    return {name.casefold(): name for name in available_timezones()}


@cache
def zone(name: str) -> ZoneInfo:
    """Look a zone name up case-insensitively: Cliq sends names such as `Asia/calcutta`."""
    real = _zones_by_folded_name().get((name or "UTC").strip().casefold())
    return ZoneInfo(real or "UTC")
