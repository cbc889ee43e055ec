"""Report read models and the pure arithmetic that turns a timeline into days (SPEC A7).

Days are local days in the report's zone: each runs from one local midnight to the next, so a
DST day lasts 23 or 25 hours and a segment crossing midnight or a DST change is split at the
exact instant. Only time that the log covers is counted (nothing before an agent's first
event); within it, worked (Online) time plus offline time equals the time covered.

The models are plain frozen dataclasses: a card layer renders `AgentPeriod.days` as a list view
and `RangeReport.rows()` as a table view, formatting durations and times for its reader.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from attendance.errors import RangeError
from attendance.models import CHECK_OUT, Status, from_ms, to_ms
from attendance.timeline import Segment
from attendance.words import N_

MAX_DAYS = 30
EARLIEST = date(2000, 1, 1)  # the days a report or export may name: far from datetime's ends,
LATEST = date(2099, 12, 31)  # so a week or chunk around them never overflows


@dataclass(frozen=True, slots=True)
class DayReport:
    day: date
    first_check_in: datetime | None  # in the report's zone
    last_check_out: datetime | None
    auto_check_out: bool  # the last check-out was the 24-hour rule
    worked: timedelta  # time in Online statuses
    away: timedelta  # Offline time while checked in (breaks and Offline custom statuses)
    off: timedelta  # time checked out
    per_status: dict[int, timedelta]  # status id -> time, Check Out included

    @property
    def offline(self) -> timedelta:
        return self.away + self.off

    @property
    def tracked(self) -> timedelta:
        return self.worked + self.offline


@dataclass(frozen=True, slots=True)
class AgentPeriod:
    """One agent over consecutive local days: the list view of a report."""

    email: str
    name: str
    zone: str
    days: list[DayReport]

    @property
    def worked(self) -> timedelta:
        return sum((d.worked for d in self.days), timedelta())

    @property
    def away(self) -> timedelta:
        return sum((d.away for d in self.days), timedelta())

    def per_status(self) -> dict[int, timedelta]:
        total: dict[int, timedelta] = {}
        for day in self.days:
            for sid, spent in day.per_status.items():
                total[sid] = total.get(sid, timedelta()) + spent
        return total


@dataclass(frozen=True, slots=True)
class WeekReport:
    """An agent's own week, Monday to Sunday in their zone."""

    week_start: date
    statuses: list[Status]  # columns, in display order
    agent: AgentPeriod


@dataclass(frozen=True, slots=True)
class RangeReport:
    """The admin report: chosen agents over a period (capped at 30 days only for export)."""

    start: date
    end: date  # inclusive
    zone: str
    statuses: list[Status]
    agents: list[AgentPeriod] = field(default_factory=list)

    def rows(self) -> Iterator[tuple[AgentPeriod, DayReport]]:
        """The table view: one row per agent per day."""
        for agent in self.agents:
            for day in agent.days:
                yield agent, day


def longest_within(start: date, end: date, *, limit: int = MAX_DAYS) -> tuple[date, date]:
    """The part of `start`..`end` (inclusive, end not before start) that one report or export
    may cover: the whole period when it has at most `limit` days, else its last `limit` days
    (the most recent, today's when the period ends today)."""
    return max(start, end - timedelta(days=limit - 1)), end


def days_between(start: date, end: date, *, limit: int | None = MAX_DAYS) -> list[date]:
    """The days from `start` to `end` inclusive; at most `limit` of them (None: no cap).

    Raises RangeError when the end is before the start or the period is over the limit."""
    if end < start:
        raise RangeError(N_("The end date is before the start date."))
    count = (end - start).days + 1
    if limit is not None and count > limit:
        first, last = longest_within(start, end, limit=limit)
        raise RangeError(
            N_(
                "A report covers at most {most} days (this one: {count}); the longest ending"
                " {last} is {first} to {last}."
            ),
            most=limit,
            count=count,
            first=first.isoformat(),
            last=last.isoformat(),
        )
    return [start + timedelta(days=i) for i in range(count)]


def midnight_ms(day: date, zone: ZoneInfo) -> int:
    """The instant the local day begins (the transition instant if midnight falls in a gap)."""
    return to_ms(datetime(day.year, day.month, day.day, tzinfo=zone))


def split_days(
    segments: Sequence[Segment], days: Sequence[date], zone: ZoneInfo
) -> list[DayReport]:
    """Cut sorted, non-overlapping segments at local midnights into one report per day."""
    bounds = [midnight_ms(d, zone) for d in days]
    bounds.append(midnight_ms(days[-1] + timedelta(days=1), zone))
    reports = []
    first = 0
    for i, day in enumerate(days):
        lo, hi = bounds[i], bounds[i + 1]
        while first < len(segments) and segments[first].end <= lo:
            first += 1
        worked = away = off = 0
        per_status: dict[int, int] = {}
        check_in: int | None = None
        check_out: Segment | None = None
        j = first
        while j < len(segments) and segments[j].start < hi:
            seg = segments[j]
            j += 1
            spent = min(seg.end, hi) - max(seg.start, lo)
            if spent > 0:
                per_status[seg.status_id] = per_status.get(seg.status_id, 0) + spent
                if seg.online:
                    worked += spent
                elif seg.status_id == CHECK_OUT:
                    off += spent
                else:
                    away += spent
            if seg.start >= lo:
                if seg.opens and check_in is None:
                    check_in = seg.start
                if seg.closes:
                    check_out = seg
        reports.append(
            DayReport(
                day=day,
                first_check_in=None if check_in is None else from_ms(check_in).astimezone(zone),
                last_check_out=(
                    None if check_out is None else from_ms(check_out.start).astimezone(zone)
                ),
                auto_check_out=check_out is not None and check_out.automatic,
                worked=_td(worked),
                away=_td(away),
                off=_td(off),
                per_status={sid: _td(ms) for sid, ms in per_status.items()},
            )
        )
    return reports


def _td(ms: int) -> timedelta:
    return timedelta(milliseconds=ms)
