"""Counts and 24-hour statistics (SPEC D6, D9): `/pendingtickets`, `/deskstatus`, the digest."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.cards import when
from bot.cards.text import render
from bot.cliq.message import Card, LabelSlide, Message, Slide, TableSlide
from bot.desk.summaries import DayStats, Pending

SECTIONS = ("new", "closed", "happiness", "top")


def pending_card(per_department: Sequence[tuple[str, Pending]]) -> Message:
    """One table row per department (or a single row for everything)."""
    rows = [
        {
            "Department": name,
            "Open": p.open,
            "On hold": p.on_hold,
            "Overdue": p.overdue,
            "Unassigned": p.unassigned,
        }
        for name, p in per_department
    ]
    department = per_department[0][0] if len(per_department) == 1 else ""
    return Message(
        text=render("pending.txt.j2", department=department),
        card=Card(title="Pending tickets", theme="modern-inline"),
        slides=[TableSlide.of(["Department", "Open", "On hold", "Overdue", "Unassigned"], rows)],
    )


def happiness_line(stats: DayStats) -> str:
    mood = stats.happiness
    if not mood.total:
        return "no ratings"
    share = f"{mood.good_share:.0%} good" if mood.good_share is not None else ""
    return f"{mood.good} good · {mood.okay} okay · {mood.bad} bad ({share})"


def day_stats_card(
    stats: DayStats,
    *,
    zone: ZoneInfo,
    names: Mapping[str, str],
    sections: Sequence[str] = SECTIONS,
    title: str = "Desk status",
    department: str = "",
    pending: Pending | None = None,
    late_since: datetime | None = None,
    label_times: bool = False,
) -> Message:
    """The last 24 hours; with `pending` (the digest, SPEC D9) in two titled sections:
    Resolution (new, closed, median time to close, happiness, top agents) and Unresolved
    (open and overdue now). `label_times` names the zone of the times shown (a digest posted
    to a channel)."""
    slides: list[Slide] = []
    numbers: dict[str, str] = {}
    if "new" in sections:
        numbers["New"] = str(stats.new)
    if "closed" in sections:
        numbers["Closed"] = str(stats.closed)
        if stats.median_to_close is not None:
            numbers["Median time to close"] = when.span(stats.median_to_close)
    if "happiness" in sections:
        numbers["Happiness"] = happiness_line(stats)
    if numbers:
        slides.append(LabelSlide.of(numbers, title="Resolution" if pending is not None else None))
    if "top" in sections:
        rows = [
            {"Agent": names.get(agent_id, agent_id), "Closed": count}
            for agent_id, count in stats.top_agents
        ]
        if rows:
            slides.append(TableSlide.of(["Agent", "Closed"], rows, title="Top agents"))
        else:
            slides.append(LabelSlide.of({"Top agents": "nobody closed a ticket"}))
    if pending is not None:
        unresolved = {"Open": str(pending.open), "Overdue": str(pending.overdue)}
        slides.append(LabelSlide.of(unresolved, title="Unresolved"))
    return Message(
        text=render(
            "day_stats.txt.j2",
            until=when.local(stats.until, zone, label=label_times),
            department=department,
            late=late_since is not None,
            scheduled=when.local(late_since, zone, label=label_times) if late_since else "",
        ),
        card=Card(title=title[:200], theme="modern-inline"),
        slides=slides,
    )
