"""Times as a reader wants them (SPEC X2): in their zone, relative where that helps."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo


def span(delta: timedelta) -> str:
    minutes = int(abs(delta).total_seconds() // 60)
    if minutes < 60:
        return f"{max(minutes, 1)} min"
    hours = minutes // 60
    if hours < 48:
        return f"{hours} h"
    return f"{hours // 24} days"


def local(moment: datetime, zone: ZoneInfo, now: datetime | None = None) -> str:
    """`10:42` today, `Mar 4 10:42` otherwise (in the reader's zone)."""
    here = moment.astimezone(zone)
    if now is not None and here.date() == now.astimezone(zone).date():
        return here.strftime("%H:%M")
    return here.strftime("%b %-d %H:%M")


def due(moment: datetime | None, now: datetime, zone: ZoneInfo, closed: bool = False) -> str:
    """ "due in 25 min", "overdue by 2 h", or the local date and time when it is far off."""
    if moment is None:
        return "no due date"
    if closed:
        return f"was due {local(moment, zone, now)}"
    delta = moment - now
    if delta < timedelta(0):
        return f"overdue by {span(delta)}"
    if delta < timedelta(hours=24):
        return f"due in {span(delta)} ({local(moment, zone, now)})"
    return f"due {local(moment, zone, now)}"


def ago(moment: datetime | None, now: datetime) -> str:
    if moment is None:
        return ""
    return f"{span(now - moment)} ago"
