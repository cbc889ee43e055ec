"""SPEC A7: weeks and ranges in the reader's zone, split at midnight and across DST changes."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from attendance import AttendanceService, RangeError
from attendance.errors import AttendanceError
from attendance.reports import MAX_DAYS, days_between, longest_within
from bot.clock import FrozenClock

AGENT = "agent@example.com"
H = timedelta(hours=1)


async def at(clock: FrozenClock, when: str) -> None:
    clock.set(datetime.fromisoformat(when))


async def test_a_shift_across_midnight_is_split_between_the_two_days(
    svc: AttendanceService, clock: FrozenClock
) -> None:
    await at(clock, "2026-03-02T20:00:00+09:00")
    await svc.check_in(AGENT, name="山田 愛子")
    await at(clock, "2026-03-03T01:30:00+09:00")
    await svc.break_(AGENT, "meal")
    await at(clock, "2026-03-03T02:00:00+09:00")
    await svc.check_out(AGENT)
    await at(clock, "2026-03-04T12:00:00+09:00")
    report = await svc.report([AGENT], date(2026, 3, 2), date(2026, 3, 3), "Asia/Tokyo")
    first, second = report.agents[0].days
    assert (first.worked, first.away, first.off) == (4 * H, timedelta(0), timedelta(0))
    assert first.first_check_in == datetime.fromisoformat("2026-03-02T20:00:00+09:00")
    assert first.last_check_out is None
    assert (second.worked, second.away, second.off) == (1.5 * H, 0.5 * H, 22 * H)
    assert second.first_check_in is None
    assert second.last_check_out == datetime.fromisoformat("2026-03-03T02:00:00+09:00")
    assert str(second.last_check_out.tzinfo) == "Asia/Tokyo"
    assert report.agents[0].name == "山田 愛子" and report.agents[0].worked == 5.5 * H
    # the same shift read in UTC falls on one day
    utc = await svc.report([AGENT], date(2026, 3, 2), date(2026, 3, 2), "UTC")
    assert utc.agents[0].days[0].worked == 5.5 * H


@pytest.mark.parametrize(
    ("zone", "day", "hours"),
    [
        ("America/New_York", date(2026, 3, 8), 23),
        ("America/New_York", date(2026, 11, 1), 25),
        ("Europe/London", date(2026, 3, 29), 23),
        ("Europe/London", date(2026, 10, 25), 25),
        ("Asia/Tokyo", date(2026, 3, 29), 24),
    ],
)
async def test_dst_days_last_23_or_25_hours(
    svc: AttendanceService, clock: FrozenClock, zone: str, day: date, hours: int
) -> None:
    await at(clock, "2026-01-01T12:00:00+00:00")
    await svc.check_in(AGENT)
    await svc.check_out(AGENT)
    clock.set(datetime(2026, 12, 31, tzinfo=ZoneInfo("UTC")))
    report = await svc.report([AGENT], day, day, zone)
    assert report.agents[0].days[0].tracked == hours * H
    assert report.agents[0].days[0].off == hours * H


async def test_a_night_shift_across_the_new_york_spring_forward(
    svc: AttendanceService, clock: FrozenClock
) -> None:
    await at(clock, "2026-03-07T22:00:00-05:00")
    await svc.check_in(AGENT)
    await at(clock, "2026-03-08T06:00:00-04:00")  # 7 real hours later
    await svc.check_out(AGENT)
    report = await svc.report(
        [AGENT], date(2026, 3, 7), date(2026, 3, 8), ZoneInfo("America/New_York")
    )
    sat, sun = report.agents[0].days
    assert (sat.worked, sun.worked) == (2 * H, 5 * H)
    assert sat.first_check_in is not None and sat.first_check_in.utcoffset() == -5 * H
    assert sun.last_check_out is not None and sun.last_check_out.utcoffset() == -4 * H


async def test_a_shift_across_the_london_fall_back(
    svc: AttendanceService, clock: FrozenClock
) -> None:
    await at(clock, "2026-10-24T23:00:00+01:00")
    await svc.check_in(AGENT)
    await at(clock, "2026-10-25T03:00:00+00:00")  # 5 real hours later, 01:00 happened twice
    await svc.check_out(AGENT)
    clock.advance(days=2)
    week = await svc.week(AGENT, "europe/london", date(2026, 10, 25))
    assert week.week_start == date(2026, 10, 19)
    days = {d.day: d for d in week.agent.days}
    assert days[date(2026, 10, 24)].worked == 1 * H
    assert days[date(2026, 10, 25)].worked == 4 * H
    assert days[date(2026, 10, 25)].tracked == 25 * H


async def test_the_week_is_monday_to_sunday_in_the_agents_zone(
    svc: AttendanceService, clock: FrozenClock
) -> None:
    await at(clock, "2026-03-01T23:30:00+00:00")  # Sunday in UTC, Monday in Tokyo
    await svc.check_in(AGENT)
    clock.advance(hours=1)
    tokyo = await svc.week(AGENT, "Asia/Tokyo")
    assert tokyo.week_start == date(2026, 3, 2)
    assert [d.day for d in tokyo.agent.days] == [
        date(2026, 3, 2) + i * timedelta(1) for i in range(7)
    ]
    assert tokyo.agent.days[0].worked == H
    assert all(d.tracked == timedelta(0) for d in tokyo.agent.days[1:])  # the future is empty
    utc = await svc.week(AGENT, "UTC")
    assert utc.week_start == date(2026, 3, 2)
    assert utc.agent.days[0].worked == 0.5 * H  # Sunday's half hour is last week's
    assert tokyo.agent.zone == "Asia/Tokyo"


async def test_range_limits(svc: AttendanceService) -> None:
    await svc.report([AGENT], date(2026, 1, 1), date(2026, 1, 30), "UTC")
    with pytest.raises(RangeError, match=r"at most 30 days \(this one: 31\)"):
        await svc.report([AGENT], date(2026, 1, 1), date(2026, 1, 31), "UTC")
    with pytest.raises(RangeError, match="before the start"):
        await svc.report([AGENT], date(2026, 1, 2), date(2026, 1, 1), "UTC")
    with pytest.raises(AttendanceError, match="Unknown time zone"):
        await svc.report([AGENT], date(2026, 1, 1), date(2026, 1, 1), "Mars/Olympus")


async def test_several_agents_rows_and_columns(svc: AttendanceService, clock: FrozenClock) -> None:
    await at(clock, "2026-03-02T09:00:00+05:30")
    await svc.add_status("Training", "offline")
    await svc.check_in("b@example.com", name="Bea")
    await svc.move("b@example.com", "Training")
    await svc.check_in("a@example.com", name="Ann")
    clock.advance(hours=1)
    await svc.delete_status("Training")
    await svc.delete_status("Short Break")
    report = await svc.report(
        ["b@example.com", "A@example.com", "a@example.com"],
        date(2026, 3, 1),
        date(2026, 3, 2),
        "asia/calcutta",
    )
    assert report.zone == "Asia/Calcutta"
    assert [a.email for a in report.agents] == ["b@example.com", "a@example.com"]
    # deleted statuses stay as columns only when they hold time in the report
    assert [s.name for s in report.statuses] == [
        "Check In",
        "Check Out",
        "Meal Break",
        "Training",
    ]
    rows = list(report.rows())
    assert [(a.name, d.day.day) for a, d in rows] == [
        ("Bea", 1),
        ("Bea", 2),
        ("Ann", 1),
        ("Ann", 2),
    ]
    assert rows[1][1].away == H and rows[3][1].worked == H


def test_a_period_over_the_limit_is_refused_naming_the_longest_allowed() -> None:
    with pytest.raises(RangeError) as refused:
        days_between(date(2026, 10, 1), date(2026, 10, 31))
    assert str(refused.value) == (
        "A report covers at most 30 days (this one: 31); the longest ending 2026-10-31 is"
        " 2026-10-02 to 2026-10-31."
    )
    first, last = longest_within(date(2026, 10, 1), date(2026, 10, 31))
    assert len(days_between(first, last)) == MAX_DAYS
    assert longest_within(date(2026, 10, 1), date(2026, 10, 7)) == (
        date(2026, 10, 1),
        date(2026, 10, 7),
    )
