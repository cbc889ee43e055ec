"""Daily digest timing: once per local day, in the place's zone, across DST and downtime."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from bot.notify.schedule import due_digest, local_moment, next_digest_at

NY = ZoneInfo("America/New_York")
TOKYO = ZoneInfo("Asia/Tokyo")
NINE = time(9, 0)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_not_due_before_the_local_time_then_due_once() -> None:
    # 09:00 in Tokyo is 00:00 UTC.
    assert due_digest(utc("2026-03-01T23:59"), TOKYO, NINE, None) is not None  # yesterday's
    assert due_digest(utc("2026-03-01T23:59"), TOKYO, NINE, date(2026, 3, 1)) is None
    due = due_digest(utc("2026-03-02T00:05"), TOKYO, NINE, date(2026, 3, 1))
    assert due is not None and due.day == date(2026, 3, 2) and not due.late
    assert due_digest(utc("2026-03-02T05:00"), TOKYO, NINE, date(2026, 3, 2)) is None


def test_missed_while_down_is_posted_late_and_only_the_latest_day() -> None:
    due = due_digest(utc("2026-03-05T03:00"), TOKYO, NINE, date(2026, 3, 1))
    assert due is not None and due.day == date(2026, 3, 5) and due.late


def test_dst_spring_forward_and_fall_back_keep_the_local_hour() -> None:
    assert local_moment(date(2026, 3, 7), NINE, NY) == utc("2026-03-07T14:00")  # EST
    assert local_moment(date(2026, 3, 8), NINE, NY) == utc("2026-03-08T13:00")  # EDT
    assert local_moment(date(2026, 11, 1), NINE, NY) == utc("2026-11-01T14:00")  # EST again
    # 02:30 does not exist on 8 March in New York: it moves just past the jump.
    assert local_moment(date(2026, 3, 8), time(2, 30), NY) == utc("2026-03-08T07:30")
    # 01:30 happens twice on 1 November: the first one counts.
    assert local_moment(date(2026, 11, 1), time(1, 30), NY) == utc("2026-11-01T05:30")


@given(
    start=st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 1, 1)),
    hour=st.integers(0, 23),
    zone=st.sampled_from([NY, TOKYO, ZoneInfo("Europe/London"), ZoneInfo("Australia/Sydney")]),
)
def test_walking_a_fortnight_in_steps_posts_exactly_one_digest_per_local_day(
    start: datetime, hour: int, zone: ZoneInfo
) -> None:
    now = start.replace(tzinfo=UTC)
    at = time(hour, 0)
    last: date | None = None
    posted: list[date] = []
    for _ in range(14 * 24 * 2):  # every 30 minutes for two weeks
        due = due_digest(now, zone, at, last)
        if due is not None:
            posted.append(due.day)
            last = due.day
        assert next_digest_at(now, zone, at) > now
        now += timedelta(minutes=30)
    assert len(posted) == len(set(posted))
    assert all(b - a == timedelta(days=1) for a, b in pairwise(posted))
    assert 14 <= len(posted) <= 16  # yesterday's late one, then one per scheduled time


@given(
    start=st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 1, 1)),
    hour=st.integers(0, 23),
    zone=st.sampled_from([NY, TOKYO, ZoneInfo("Europe/London"), ZoneInfo("Australia/Sydney")]),
    down=st.integers(0, 72),
)
def test_a_fresh_install_owes_no_digest_for_a_time_before_it_first_ran(
    start: datetime, hour: int, zone: ZoneInfo, down: int
) -> None:
    """Whenever the bot first starts, and however long until it next looks, it never posts a
    digest whose time came before its first start; the first one it posts is on time if it
    looks at least every 15 minutes."""
    first = start.replace(tzinfo=UTC)
    at = time(hour, 0)
    now = first + timedelta(hours=down)
    due = due_digest(now, zone, at, None, since=first)
    if due is not None:
        assert due.scheduled >= first
    every = first
    while (found := due_digest(every, zone, at, None, since=first)) is None:
        every += timedelta(minutes=15)
    assert found.scheduled >= first and not found.late
