"""Times as a reader wants them (SPEC X2): in their zone, relative where that helps.

Which zone is the reader's is chosen in one place (`bot/notify/zones.py`); here a time is only
written out in the zone given. A `label`led time names its zone ("18:04 JST"): DMs and channel
posts, read by people who may be elsewhere, are labelled; a reply to the caller is not (it is in
the caller's own zone, from Cliq)."""

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


def zone_label(moment: datetime, zone: ZoneInfo) -> str:
    """The zone's short name at `moment` (`JST`, `BST`, `UTC`), or its offset where the tz
    database has no letters for it (`UTC-03`)."""
    here = moment.astimezone(zone)
    short = here.strftime("%Z")
    if short.isalpha():
        return short
    offset = here.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign, minutes = ("-" if minutes < 0 else "+"), abs(minutes)
    return f"UTC{sign}{minutes // 60:02d}" + (f":{minutes % 60:02d}" if minutes % 60 else "")


def local(
    moment: datetime, zone: ZoneInfo, now: datetime | None = None, *, label: bool = False
) -> str:
    """`10:42` today, `Mar 4 10:42` otherwise (in the reader's zone); `10:42 JST` labelled."""
    here = moment.astimezone(zone)
    if now is not None and here.date() == now.astimezone(zone).date():
        shown = here.strftime("%H:%M")
    else:
        shown = here.strftime("%b %-d %H:%M")
    return f"{shown} {zone_label(moment, zone)}" if label else shown


def due(
    moment: datetime | None,
    now: datetime,
    zone: ZoneInfo,
    closed: bool = False,
    *,
    label: bool = False,
    closed_at: datetime | None = None,
) -> str:
    """ "due in 25 min (10:42)", "overdue by 2 h", or the local date and time when it is far off.
    A closed ticket's due date no longer matters: it says "closed" (when, if known), never "was
    due" or "overdue"."""
    if closed:
        return f"closed {local(closed_at, zone, now, label=label)}" if closed_at else "closed"
    if moment is None:
        return "no due date"
    delta = moment - now
    if delta < timedelta(0):
        return f"overdue by {span(delta)}"
    if delta < timedelta(hours=24):
        return f"due in {span(delta)} ({local(moment, zone, now, label=label)})"
    return f"due {local(moment, zone, now, label=label)}"


def ago(moment: datetime | None, now: datetime) -> str:
    if moment is None:
        return ""
    return f"{span(now - moment)} ago"
