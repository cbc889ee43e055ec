"""Time zone lookup: Cliq sends names such as `Asia/calcutta`, so match case-insensitively."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from attendance.errors import AttendanceError
from attendance.words import N_
from bot.clock import zone_named

Zone = ZoneInfo | str


def zone(tz: Zone) -> ZoneInfo:
    """The ZoneInfo for `tz` (a ZoneInfo passes through); unknown names raise AttendanceError.

    Only IANA names are looked up, so no string a caller sends is kept in memory."""
    if isinstance(tz, ZoneInfo):
        return tz
    found = zone_named(tz)
    if found is None:
        raise AttendanceError(N_("Unknown time zone “{zone}”."), zone=str(tz)[:40])
    return found
