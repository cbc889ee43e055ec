"""Time zone lookup: Cliq sends names such as `Asia/calcutta`, so match case-insensitively."""

from __future__ import annotations

from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from attendance.errors import AttendanceError

Zone = ZoneInfo | str


@cache
def _folded() -> dict[str, str]:
    return {name.casefold(): name for name in available_timezones()}


def zone(tz: Zone) -> ZoneInfo:
    """The ZoneInfo for `tz` (a ZoneInfo passes through); unknown names raise AttendanceError."""
    if isinstance(tz, ZoneInfo):
        return tz
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        pass
    name = _folded().get(tz.strip().casefold())
    if name is None:
        raise AttendanceError(f"Unknown time zone {tz!r}.")
    return ZoneInfo(name)
