"""Property tests: for random event sequences in several zones, across DST changes and midnight,
worked time plus offline time equals elapsed time, and the timeline agrees minute by minute with
a naive model that steps through time one minute at a time."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from attendance import AttendanceService, MoveRefused
from attendance.models import CHECK_IN, CHECK_OUT, from_ms, to_ms
from attendance.reports import split_days
from attendance.timeline import Step, replay
from bot.clock import FrozenClock
from bot.store.db import Database

MINUTE = 60_000
DAY_MINUTES = 24 * 60
ONLINE = {1: True, 2: False, 3: False, 4: False, 5: True, 6: False}

# zones with a DST change (or none) and an instant close to one of their changes
PLACES = [
    ("America/New_York", "2026-03-08T07:00:00+00:00"),
    ("America/New_York", "2026-11-01T06:00:00+00:00"),
    ("Europe/London", "2026-03-29T01:00:00+00:00"),
    ("Europe/London", "2026-10-25T01:00:00+00:00"),
    ("Australia/Lord_Howe", "2026-04-04T15:00:00+00:00"),  # a 30-minute change
    ("America/Santiago", "2026-04-05T03:00:00+00:00"),
    ("Asia/Kolkata", "2026-01-01T18:30:00+00:00"),  # no DST, local midnight
    ("Asia/Tokyo", "2026-03-01T15:00:00+00:00"),
]

places = st.sampled_from(PLACES)
steps_strategy = st.lists(
    st.tuples(st.integers(0, 26 * 60), st.sampled_from(sorted(ONLINE))), min_size=1, max_size=12
)


def local_days(first_ms: int, last_ms: int, zone: ZoneInfo) -> list[date]:
    first = from_ms(first_ms).astimezone(zone).date()
    last = from_ms(last_ms).astimezone(zone).date()
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def naive_minutes(events: list[Step], until: int) -> list[tuple[int, int, bool]]:
    """(minute start, status, online) for each minute from the first event to `until`, by
    stepping through time: apply the events of each minute in order, then the 24-hour rule."""
    out = []
    status: int | None = None
    session: int | None = None
    i = 0
    t = events[0].at
    while t < until:
        while i < len(events) and events[i].at == t:
            ev = events[i]
            i += 1
            if ev.status_id == status:
                continue
            if ev.status_id == CHECK_OUT:
                session = None
            elif status in (None, CHECK_OUT):
                session = t
            status = ev.status_id
        if session is not None and t >= session + DAY_MINUTES * MINUTE:
            status, session = CHECK_OUT, None
        assert status is not None
        out.append((t, status, ONLINE[status]))
        t += MINUTE
    return out


def build(base: str, raw: list[tuple[int, int]]) -> tuple[list[Step], int]:
    at = to_ms(datetime.fromisoformat(base)) - 20 * 60 * MINUTE
    steps = []
    for gap, status in raw:
        at += gap * MINUTE
        steps.append(Step(at, status, ONLINE[status]))
    return steps, at


@settings(max_examples=250, deadline=None)
@given(place=places, raw=steps_strategy, tail=st.integers(0, 30 * 60))
def test_timeline_matches_a_naive_minute_model(
    place: tuple[str, str], raw: list[tuple[int, int]], tail: int
) -> None:
    zone = ZoneInfo(place[0])
    steps, last = build(place[1], raw)
    until = last + tail * MINUTE
    timeline = replay(steps, until)
    days = local_days(steps[0].at, max(until - 1, steps[0].at), zone)
    reports = split_days(timeline.segments, days, zone)

    minutes = naive_minutes(steps, until)
    worked: Counter[date] = Counter()
    per_status: Counter[tuple[date, int]] = Counter()
    for t, status, online in minutes:
        day = from_ms(t).astimezone(zone).date()
        worked[day] += online
        per_status[day, status] += 1
    elapsed = timedelta(milliseconds=until - steps[0].at)
    assert sum((d.worked + d.offline for d in reports), timedelta()) == elapsed
    for report in reports:
        assert report.worked == timedelta(minutes=worked[report.day])
        assert report.worked + report.offline == report.tracked
        assert {k: v for k, v in report.per_status.items() if v} == {
            s: timedelta(minutes=n) for (d, s), n in per_status.items() if d == report.day and n
        }
        length = timedelta(
            milliseconds=to_ms(
                datetime.combine(report.day + timedelta(1), datetime.min.time(), zone)
            )
            - to_ms(datetime.combine(report.day, datetime.min.time(), zone))
        )
        assert report.tracked <= length


@settings(max_examples=200, deadline=None)
@given(place=places, raw=steps_strategy, cut=st.integers(0, 40 * 60), tail=st.integers(0, 600))
def test_a_settled_log_read_from_any_window_start_agrees_with_the_full_replay(
    place: tuple[str, str], raw: list[tuple[int, int]], cut: int, tail: int
) -> None:
    steps, last = build(place[1], raw)
    until = last + tail * MINUTE
    full = replay(steps, until)
    # what log.settle stores: the synthetic check-outs become events of the log
    settled = sorted(
        steps + [Step(at, CHECK_OUT, False, True) for at in full.auto_checkouts],
        key=lambda s: s.at,
    )
    assert replay(settled, until).auto_checkouts == []
    start = min(steps[0].at + cut * MINUTE, until)
    before = [s for s in settled if s.at < start]
    window = replay(
        [s for s in settled if s.at >= start],
        until,
        start=start,
        initial=before[-1] if before else None,
    )

    def online_ms(segments, lo: int) -> int:  # type: ignore[no-untyped-def]
        return sum(max(0, s.end - max(s.start, lo)) for s in segments if s.online)

    assert online_ms(window.segments, start) == online_ms(full.segments, start)


async def _random_moves(place: tuple[str, str], moves: list[tuple[int, int]]) -> None:
    db = await Database.open(":memory:")
    clock = FrozenClock(place[1])
    clock.advance(hours=-20)
    svc = AttendanceService(db, clock)
    await svc.setup()
    await svc.add_status("Desk work", "online")  # id 5
    await svc.add_status("Training", "offline")  # id 6
    agent = "agent@example.com"
    try:
        for gap, status in moves:
            clock.advance(minutes=gap)
            try:
                await svc.move(agent, status)
            except MoveRefused as refused:
                assert refused.allowed
        clock.advance(hours=3)
        events = await svc.log.events(agent)
        if not events:
            return
        zone = ZoneInfo(place[0])
        first = to_ms(events[0].at)
        days = local_days(first, to_ms(clock.now()), zone)
        report = await svc.report([agent], days[0], days[-1], zone)
        period = report.agents[0]
        elapsed = clock.now() - events[0].at
        assert sum((d.worked + d.offline for d in period.days), timedelta()) == elapsed
        assert period.worked == sum(
            (period.per_status().get(s, timedelta()) for s in (1, 5)), timedelta()
        )
        # the stored log, replayed as is, holds no session longer than 24 hours
        session = None
        for event in await svc.log.events(agent):
            if event.status_id == CHECK_OUT and session is not None:
                assert event.at - session <= timedelta(hours=24)
                session = None
            elif event.status_id != CHECK_OUT and session is None:
                session = event.at
        # and each week read agrees with the range report on the days they share
        for day in days:
            week = await svc.week(agent, zone, day)
            same = next(d for d in week.agent.days if d.day == day)
            assert same == next(d for d in period.days if d.day == day)
    finally:
        await db.close()


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    place=places,
    moves=st.lists(
        st.tuples(st.integers(0, 20 * 60), st.sampled_from([CHECK_IN, 2, 3, 4, 5, 6])),
        max_size=14,
    ),
)
def test_service_worked_plus_offline_is_elapsed(
    place: tuple[str, str], moves: list[tuple[int, int]]
) -> None:
    asyncio.run(_random_moves(place, moves))
