"""Times as a reader wants them (SPEC X2): in their zone and language, relative where that helps.

Which zone is the reader's is chosen in one place (`bot/notify/zones.py`); here a time is only
written out in the zone given. A `label`led time names its zone ("18:04 JST"): DMs and channel
posts, read by people who may be elsewhere, are labelled; a reply to the caller is not (it is in
the caller's own zone, from Cliq). With the reader's `words` (bot/i18n), dates, times and spans
are Babel's for their language: `4 Mar 10:42` / `3月4日 10:42`, `25 min` / `25分`; a date in
another year than now's names it (`4 Jan 2027 10:42` / `2027年1月4日 10:42`). A caller with no
reader's words gets English, day first, as every English date reads (`4 Mar 10:42`).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.i18n import ENGLISH, Words


def span(delta: timedelta, words: Words = ENGLISH) -> str:
    """A rough length, one unit: `25 min`, `3 h`, `2 days` (`Words.span`)."""
    return words.span(delta)


UNIVERSAL = frozenset({"UTC", "GMT", "UCT", "Z"})
"""The tz database's names for offset zero as such (`GMT` in `Etc/GMT`, `Europe/London` in
winter): all labelled `UTC`, the name the digest's settings and every offset label use."""


def zone_label(moment: datetime, zone: ZoneInfo) -> str:
    """The zone's short name at `moment` (`JST`, `BST`), `UTC` for universal time by any of
    its names (`GMT` included: one name in every post), or its offset where the tz database
    has no letters for it (`UTC-03`)."""
    here = moment.astimezone(zone)
    short = here.strftime("%Z")
    if short in UNIVERSAL:
        return "UTC"
    if short.isalpha():
        return short
    offset = here.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign, minutes = ("-" if minutes < 0 else "+"), abs(minutes)
    return f"UTC{sign}{minutes // 60:02d}" + (f":{minutes % 60:02d}" if minutes % 60 else "")


def local(
    moment: datetime,
    zone: ZoneInfo,
    now: datetime | None = None,
    *,
    label: bool = False,
    words: Words | None = None,
) -> str:
    """`10:42` on the day of `now`, `4 Mar 10:42` / `3月4日 10:42` on another, with the year
    when it is not `now`'s (`4 Jan 2027 10:42` / `2027年1月4日 10:42`): in the reader's zone and
    language (English without `words`); `10:42 JST` labelled."""
    said = words or ENGLISH
    here = moment.astimezone(zone)
    there = now.astimezone(zone).date() if now is not None else here.date()
    if now is not None and here.date() == there:
        shown = said.time(here)
    else:
        day = said.date(here, weekday=False, year=here.year != there.year)
        shown = f"{day} {said.time(here)}"
    return f"{shown} {zone_label(moment, zone)}" if label else shown


def due(
    moment: datetime | None,
    now: datetime,
    zone: ZoneInfo,
    closed: bool = False,
    *,
    label: bool = False,
    closed_at: datetime | None = None,
    words: Words | None = None,
) -> str:
    """ "due in 25 min (10:42)", "overdue by 2 h", or the local date and time when it is far off.
    A closed ticket's due date no longer matters: it says "closed" (when, if known), never "was
    due" or "overdue". In the language of `words` (English without; times as `local` writes
    them)."""
    said = words or ENGLISH
    if closed:
        if closed_at is None:
            return said.gettext("closed")
        return said.gettext(
            "closed {time}", time=local(closed_at, zone, now, label=label, words=words)
        )
    if moment is None:
        return said.gettext("no due date")
    delta = moment - now
    if delta < timedelta(0):
        return said.gettext("overdue by {span}", span=said.span(delta))
    at = local(moment, zone, now, label=label, words=words)
    if delta < timedelta(hours=24):
        return said.gettext("due in {span} ({time})", span=said.span(delta), time=at)
    return said.gettext("due {time}", time=at)
