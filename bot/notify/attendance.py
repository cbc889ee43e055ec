"""Attendance notices as DMs (SPEC A3, A6): the `attendance.notices.NoticeSink` that queues each
notice in the outbox, in the transaction that stores its event, so the DM is stored exactly
when the event is (never lost) and keyed by the event (never doubled); the sender is woken once
the transaction commits."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from attendance.notices import Notice
from bot.cards.attendance_notices import notice_message
from bot.context import zone
from bot.store.outbox import Outbox


class AttendanceNotices:
    """Queues a DM to the agent for every notice. `default_zone` is used for an agent whose
    own zone attendance has not seen yet (an IANA name)."""

    def __init__(self, outbox: Outbox, wake: Callable[[], None], *, default_zone: str) -> None:
        self._outbox = outbox
        self._wake = wake
        self._default_zone = default_zone

    async def record(self, tx: Any, notice: Notice) -> None:
        """Queue the DM in `tx` (the event's transaction), to the agent's e-mail."""
        message = notice_message(notice, zone(notice.zone or self._default_zone))
        await self._outbox.enqueue(tx, "user", notice.agent, message.to_wire(), notice.key)

    def committed(self) -> None:
        """Wake the sender: the DMs are stored now."""
        self._wake()
