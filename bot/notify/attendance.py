"""Attendance notices as DMs (SPEC A3, A6): the `attendance.notices.NoticeSink` that queues each
notice in the outbox, in the transaction that stores its event, so the DM is stored exactly
when the event is (never lost) and keyed by the event (never doubled); the sender is woken once
the transaction commits. Each DM is written in its agent's language and zone."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from attendance.notices import Notice
from bot.cards.attendance_notices import notice_message
from bot.clock import zone_named
from bot.i18n import Languages
from bot.notify.readers import UTC, ZoneMemory
from bot.store.outbox import Outbox


class AttendanceNotices:
    """Queues a DM to the agent for every notice, its times in the agent's zone: the one their
    Cliq last told us (`zones`, bot/store/zones.py, as for every DM: bot/notify/readers.py),
    else the one their last own move was made from, else `default_zone` (`[notifications]
    digest_zone`); its words in the language their Cliq last told us, else `languages`'
    default (`[bot] language`). No Desk call (so not Desk's profile language either, as other
    DMs may use): this runs inside the event's write transaction. A DM Cliq
    refuses (the agent never opened the bot's chat) goes to `fallback_channel` (the org
    channel) with an @mention, as every DM does (bot/notify/fallback.py)."""

    def __init__(
        self,
        outbox: Outbox,
        wake: Callable[[], None],
        zones: ZoneMemory,
        languages: Languages,
        *,
        default_zone: str,
        fallback_channel: str | None = None,
    ) -> None:
        self._fallback = fallback_channel
        self._outbox = outbox
        self._wake = wake
        self._zones = zones
        self._languages = languages
        self._default = zone_named(default_zone) or UTC

    async def record(self, tx: Any, notice: Notice) -> None:
        """Queue the DM in `tx` (the event's transaction), to the agent's e-mail."""
        where = (
            await self._zones.zone_of(notice.agent)
            or (zone_named(notice.zone) if notice.zone else None)
            or self._default
        )
        words = self._languages.words(await self._zones.language_of(notice.agent))
        message = notice_message(notice, where, words)
        await self._outbox.enqueue(
            tx, "user", notice.agent, message.to_wire(), notice.key, fallback=self._fallback
        )

    def committed(self) -> None:
        """Wake the sender: the DMs are stored now."""
        self._wake()
