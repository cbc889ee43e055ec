"""The numbers behind `/pendingtickets`, `/deskstatus` and the daily digest (SPEC D6, D9),
computed the way reference/desk.md §3.5-3.6 says Desk allows: one count call for open, on hold
and overdue; unassigned by paging; "closed in 24 h" from a search filtered on `closedTime`."""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from statistics import median

from bot.desk.client import DeskClient

DAY = timedelta(hours=24)


@dataclass(frozen=True)
class Pending:
    open: int
    on_hold: int
    overdue: int
    unassigned: int


@dataclass(frozen=True)
class Happiness:
    good: int = 0
    okay: int = 0
    bad: int = 0

    @property
    def total(self) -> int:
        return self.good + self.okay + self.bad

    @property
    def good_share(self) -> float | None:
        return self.good / self.total if self.total else None


@dataclass(frozen=True)
class DayStats:
    since: datetime
    until: datetime
    new: int
    closed: int
    happiness: Happiness
    top_agents: list[tuple[str, int]] = field(default_factory=list)  # (agent id, closed)
    median_to_close: timedelta | None = None  # created → closed, over the tickets closed


async def pending(desk: DeskClient, department_id: str | None = None) -> Pending:
    counts, unassigned = await asyncio.gather(
        desk.tickets_count_by_field_values(["statusType", "overDue"], department_id=department_id),
        desk.unassigned_count(department_id=department_id),
    )
    return Pending(
        open=counts.count_of("statusType", "Open"),
        on_hold=counts.count_of("statusType", "On Hold"),
        overdue=int(counts.over_due or 0),
        unassigned=unassigned,
    )


async def last_day(
    desk: DeskClient, now: datetime, department_id: str | None = None, top: int = 3
) -> DayStats:
    since = now - DAY
    window = (since, now)
    statuses = await desk.ticket_statuses(department_id)
    closed_names = [s.value for s in statuses if (s.status_type or "").casefold() == "closed"]
    new, closed_hits, ratings = await asyncio.gather(
        desk.tickets_count(created=window, department_id=department_id),
        desk.search(
            status=closed_names or ["Closed"],
            modified=window,
            department_id=department_id,
            limit=None,
        ),
        desk.customer_happiness(department=department_id or "allDepartment", start=since, end=now),
    )
    closed = [t for t in closed_hits if t.closed_time is not None and since <= t.closed_time <= now]
    by_agent = Counter(t.assignee_id for t in closed if t.assignee_id)
    took = [t.closed_time - t.created_time for t in closed if t.closed_time and t.created_time]
    moods = Counter((r.rating or "").casefold() for r in ratings)
    return DayStats(
        since=since,
        until=now,
        new=new,
        closed=len(closed),
        happiness=Happiness(good=moods["good"], okay=moods["ok"], bad=moods["bad"]),
        top_agents=by_agent.most_common(top),
        # statistics.median only adds and halves, which timedelta supports; typeshed allows
        # numbers only.
        median_to_close=median(took) if took else None,  # type: ignore[type-var]
    )
