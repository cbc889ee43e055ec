"""When a daily digest is due, in a place's own time zone (SPEC D9).

Exactly one digest per place per local day: the day is the identity (the outbox dedupe key is
`digest:<place>:<local date>`), so restarts and DST changes cannot post a day twice. A digest
whose time passed while the bot was down is posted late, once, and says so; older missed days
are not replayed (one late digest says more than a burst of stale ones).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

LATE_AFTER = timedelta(minutes=15)


@dataclass(frozen=True)
class DueDigest:
    day: date  # the local day the digest is for
    scheduled: datetime  # when it should have gone out (UTC)
    late: bool


def local_moment(day: date, at: time, zone: ZoneInfo) -> datetime:
    """`day` at `at` in `zone`, as UTC. A wall time skipped by a DST jump moves to just after
    the jump; a repeated one takes its first occurrence."""
    # fold=0 reads a skipped wall time with the offset before the jump, which lands after it,
    # and a repeated one as its first occurrence: both what a person would expect.
    return datetime.combine(day, at).replace(tzinfo=zone, fold=0).astimezone(ZoneInfo("UTC"))


def due_digest(
    now: datetime,
    zone: ZoneInfo,
    at: time,
    last_day: date | None,
    since: datetime | None = None,
) -> DueDigest | None:
    """The digest to post now, if any: the latest local day whose time has come, unless done.

    `since`: when the bot first looked after this place (first start, or the department's
    mapping); a day whose time came before that was never missed, so it is never posted late."""
    today = now.astimezone(zone).date()
    for day in (today, today - timedelta(days=1)):
        scheduled = local_moment(day, at, zone)
        if scheduled <= now:
            if last_day is not None and day <= last_day:
                return None
            if since is not None and scheduled < since:
                return None
            return DueDigest(day, scheduled, late=now - scheduled > LATE_AFTER)
    return None


def next_digest_at(now: datetime, zone: ZoneInfo, at: time) -> datetime:
    """The next scheduled time strictly after `now` (for the scheduler's sleep)."""
    day = now.astimezone(zone).date()
    for offset in range(3):
        scheduled = local_moment(day + timedelta(days=offset), at, zone)
        if scheduled > now:
            return scheduled
    raise AssertionError("a daily time recurs within three days")


def parse_time_of_day(text: str) -> time:
    hours, _, minutes = text.partition(":")
    return time(int(hours), int(minutes or 0))
