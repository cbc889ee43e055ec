"""Counts and 24-hour statistics (SPEC D6, D9): `/pendingtickets`, `/deskstatus`, the digest.

Words come from the `deskbot` catalog in the reader's (or the place's) language (`words`); counts,
times and spans are formatted for it; agents' and departments' names stay as Desk has them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.cards import when
from bot.cards.text import render
from bot.cliq.message import Card, LabelSlide, Message, Slide, TableSlide
from bot.desk.summaries import DayStats, Pending
from bot.i18n import Words

SECTIONS = ("new", "closed", "happiness", "top")


def pending_card(per_department: Sequence[tuple[str, Pending]], *, words: Words) -> Message:
    """One table row per department (or a single row for everything)."""
    _ = words.gettext
    columns = [_("Department"), _("Open"), _("On hold"), _("Overdue"), _("Unassigned")]
    rows = [
        dict(
            zip(
                columns,
                [name, *(words.number(n) for n in (p.open, p.on_hold, p.overdue, p.unassigned))],
                strict=True,
            )
        )
        for name, p in per_department
    ]
    department = per_department[0][0] if len(per_department) == 1 else ""
    return Message(
        text=render("pending.txt.j2", words=words, department=department),
        card=Card(title=_("Pending tickets"), theme="modern-inline"),
        slides=[TableSlide.of(columns, rows)],
    )


def happiness_line(stats: DayStats, words: Words) -> str:
    """`3 good · 1 okay · 0 bad (75% good)`, in the language and number format of `words`."""
    mood = stats.happiness
    if not mood.total:
        return words.gettext("no ratings")
    counts = words.gettext(
        "{good} good · {okay} okay · {bad} bad",
        good=words.number(mood.good),
        okay=words.number(mood.okay),
        bad=words.number(mood.bad),
    )
    if mood.good_share is None:
        return counts
    share = words.gettext("{percent}% good", percent=words.number(round(mood.good_share * 100)))
    return f"{counts} ({share})"


def day_stats_card(
    stats: DayStats,
    *,
    zone: ZoneInfo,
    names: Mapping[str, str],
    sections: Sequence[str] = SECTIONS,
    title: str = "",
    department: str = "",
    pending: Pending | None = None,
    late_since: datetime | None = None,
    label_times: bool = False,
    words: Words,
) -> Message:
    """The last 24 hours; with `pending` (the digest, SPEC D9) in two titled sections:
    Resolution (new, closed, median time to close, happiness, top agents) and Unresolved
    (open and overdue now). `label_times` names the zone of the times shown (a digest posted
    to a channel); `title` defaults to "Desk status" in the language of `words`."""
    _ = words.gettext
    slides: list[Slide] = []
    numbers: dict[str, str] = {}
    if "new" in sections:
        numbers[_("New")] = words.number(stats.new)
    if "closed" in sections:
        numbers[_("Closed")] = words.number(stats.closed)
        if stats.median_to_close is not None:
            numbers[_("Median time to close")] = words.duration(stats.median_to_close)
    if "happiness" in sections:
        numbers[_("Happiness")] = happiness_line(stats, words)
    if numbers:
        titled = _("Resolution") if pending is not None else None
        slides.append(LabelSlide.of(numbers, title=titled))
    if "top" in sections:
        agent, closed = _("Agent"), _("Closed")
        rows = [
            {agent: names.get(agent_id, agent_id), closed: words.number(count)}
            for agent_id, count in stats.top_agents
        ]
        if rows:
            slides.append(TableSlide.of([agent, closed], rows, title=_("Top agents")))
        else:
            slides.append(LabelSlide.of({_("Top agents"): _("nobody closed a ticket")}))
    if pending is not None:
        unresolved = {
            _("Open"): words.number(pending.open),
            _("Overdue"): words.number(pending.overdue),
        }
        slides.append(LabelSlide.of(unresolved, title=_("Unresolved")))
    until = when.local(stats.until, zone, label=label_times, words=words)
    scheduled = when.local(late_since, zone, label=label_times, words=words) if late_since else ""
    return Message(
        text=render(
            "day_stats.txt.j2",
            words=words,
            until=until,
            department=department,
            late=late_since is not None,
            scheduled=scheduled,
        ),
        card=Card(title=(title or _("Desk status"))[:200], theme="modern-inline"),
        slides=slides,
    )
