"""Attendance reports as Cliq cards (SPEC A7): an agent's week and an admin's report, each in a
list view and a table view, paged so that every card fits Cliq's limits (20 slides, 10,000
characters of slides) whatever the number of agents, days and statuses.

Paging is arithmetic, so a page is drawn from its number alone and only the agents and days on
it are read: a report is cut into *units* (one slide each), every unit no larger than a
worst-case unit rendered with the longest name, e-mail and status names and the widest times
the report can hold; a page holds as many units as that worst case allows. The slides and the
Previous/Next buttons are the list helper's (bot/cards/paging.py: `layout`, `nav_buttons`); its
greedy packing of a whole list would need every agent read first, so the page's units are
chosen here and handed to it a page at a time.

- The week (one agent, Monday to Sunday): the list view is one slide per day (first check-in,
  last check-out, worked time, time in each status used that day) and one for the week; the
  table view is one table whose rows are In, Out, Worked and every status, one column a day.
- The admin report (chosen agents, any period): the period is cut into weeks (7-day chunks
  from its first day); a unit is one agent's chunk. The list view shows the agent's e-mail,
  each day's check-in, check-out and worked time, the chunk's worked time and time per status;
  the table view is the week's table of that agent. Units run agent by agent within a chunk,
  chunk after chunk. A status list too long for one slide is split into parts (one unit each).

Times are the report's (the reader's zone); durations read "7 h 45 min" in lists, "7:45" in
tables.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from attendance.models import CHECK_OUT, Status
from attendance.reports import EARLIEST, LATEST, AgentPeriod, DayReport, WeekReport
from bot.cards.paging import Section, layout, nav_buttons, page_number
from bot.cliq import limits
from bot.cliq.markup import escape
from bot.cliq.message import Button, Card, Message, Slide
from bot.cliq.outbound import literal

View = Literal["list", "table"]
CHUNK_DAYS = 7
NO_TIME = "–"


# --- what goes in a cell -------------------------------------------------------------------


def hours(spent: timedelta) -> str:
    """A duration for a list: "7 h 45 min" (whole minutes, rounded down)."""
    minutes = int(spent.total_seconds() // 60)
    return f"{minutes // 60} h {minutes % 60:02d} min"


def hm(spent: timedelta) -> str:
    """A duration for a table cell: "7:45", or "–" for none."""
    minutes = int(spent.total_seconds() // 60)
    return f"{minutes // 60}:{minutes % 60:02d}" if minutes else NO_TIME


def clock(moment: datetime | None) -> str:
    return moment.strftime("%H:%M") if moment else NO_TIME


def day_label(day: date) -> str:
    return f"{day:%a %-d %b}"


def span(first: date, last: date, *, year: bool = True) -> str:
    """ "16–22 Nov 2026", "30 Nov – 6 Dec 2026", "28 Dec 2026 – 3 Jan 2027" (without the year
    unless it changes, when `year` is false)."""
    y = " %Y" if year else ""
    if first == last:
        return first.strftime(f"%-d %b{y}")
    if first.year != last.year:
        return f"{first:%-d %b %Y} – {last:%-d %b %Y}"
    if first.month != last.month:
        return f"{first:%-d %b} – " + last.strftime(f"%-d %b{y}")
    return f"{first:%-d}–" + last.strftime(f"%-d %b{y}")


def status_rows(statuses: Iterable[Status]) -> list[Status]:
    """The statuses a report shows time for: all but Check Out (time not checked in)."""
    return [s for s in statuses if s.id != CHECK_OUT]


def _in_out(day: DayReport) -> str:
    if day.first_check_in is None and day.last_check_out is None and not day.worked:
        return NO_TIME
    out = clock(day.last_check_out) + (" (auto)" if day.auto_check_out else "")
    return f"{clock(day.first_check_in)} – {out} · {hours(day.worked)}"


def _total(days: Sequence[DayReport], status_id: int) -> timedelta:
    return sum((d.per_status.get(status_id, timedelta()) for d in days), timedelta())


# --- slides --------------------------------------------------------------------------------


def day_slide(
    day: DayReport, rows: Sequence[Status], *, first: bool = True, part: str = ""
) -> Section:
    """The week's list view, one day: in, out and worked (in the first part), then each status
    of `rows` used that day."""
    pairs: list[tuple[str, str]] = []
    if first:
        pairs += [
            ("In", clock(day.first_check_in)),
            ("Out", clock(day.last_check_out) + (" (auto)" if day.auto_check_out else "")),
            ("Worked", hours(day.worked)),
        ]
    pairs += [(s.name, hours(day.per_status[s.id])) for s in rows if day.per_status.get(s.id)]
    return Section(day_label(day.day) + part, pairs, kind="label", empty=NO_TIME, counted=False)


def totals_slide(
    title: str, days: Sequence[DayReport], rows: Sequence[Status], *, first: bool = True
) -> Section:
    """Worked time (in the first part) and time per status of `rows` used over `days`."""
    pairs: list[tuple[str, str]] = []
    if first:
        pairs.append(("Worked", hours(sum((d.worked for d in days), timedelta()))))
    for status in rows:
        spent = _total(days, status.id)
        if spent:
            pairs.append((status.name, hours(spent)))
    return Section(title, pairs, kind="label", empty=NO_TIME, counted=False)


def agent_list_slide(
    name: str,
    email: str,
    days: Sequence[DayReport],
    rows: Sequence[Status],
    *,
    first: bool = True,
    part: str = "",
) -> Section:
    """The admin list view, one agent's chunk of days: e-mail, then (in the first part) each
    day's "in – out · worked" and the chunk's worked time, then the time per status of `rows`
    used in the chunk."""
    pairs: list[tuple[str, str]] = [("E-mail", email)]
    if first:
        pairs += [(day_label(d.day), _in_out(d)) for d in days]
        pairs.append(("Worked", hours(sum((d.worked for d in days), timedelta()))))
    for status in rows:
        spent = _total(days, status.id)
        if spent:
            pairs.append((status.name, hours(spent)))
    title = f"{name} · {span(days[0].day, days[-1].day)}{part}"
    return Section(title, pairs, kind="label", counted=False)


def table_slide(
    title: str, days: Sequence[DayReport], rows: Sequence[Status], *, times: bool = True
) -> Section:
    """One table: a column per day and a Total; rows In, Out, Worked (when `times`) and one
    per status in `rows` (every one, "–" where no time was spent)."""
    first = span(days[0].day, days[-1].day, year=False)
    columns = [f"{d.day:%a %-d}" for d in days]
    headers = [first, *columns, "Total"]
    table: list[dict[str, str]] = []
    if times:
        table.append(
            {
                first: "In",
                **{c: clock(d.first_check_in) for c, d in zip(columns, days, strict=True)},
            }
        )
        table.append(
            {
                first: "Out",
                **{
                    c: clock(d.last_check_out) + ("*" if d.auto_check_out else "")
                    for c, d in zip(columns, days, strict=True)
                },
            }
        )
        worked = [d.worked for d in days]
        table.append(
            {
                first: "Worked",
                **{c: hm(w) for c, w in zip(columns, worked, strict=True)},
                "Total": hm(sum(worked, timedelta())),
            }
        )
    for status in rows:
        spent = [d.per_status.get(status.id, timedelta()) for d in days]
        table.append(
            {
                first: status.name,
                **{c: hm(s) for c, s in zip(columns, spent, strict=True)},
                "Total": hm(sum(spent, timedelta())),
            }
        )
    return Section(title, table, kind="table", headers=headers, counted=False)


# --- measuring and paging ------------------------------------------------------------------


def slide_size(slide: Slide) -> int:
    """Characters a slide counts towards Cliq's 10,000 (measured as `Message` measures it)."""
    return len(str(slide.data)) + len(slide.title or "")


def section_size(section: Section) -> int:
    """Characters `section` takes as the one slide the list helper (bot/cards/paging.py) makes
    of it."""
    return sum(slide_size(s) for s in layout([section]).slides)


def slides_of(sections: Sequence[Section]) -> list[Slide]:
    """The slides of a page's sections, laid out by the list helper. The page was planned so
    they fit one message; if they ever did not, that is a fault to see, not to hide."""
    shown = layout(sections)
    if shown.count != 1:
        raise ValueError(f"an attendance report page overflowed into {shown.count} pages")
    return shown.slides


def widest(texts: Iterable[str]) -> str:
    """The text that takes the most room once shown (escaped) in a slide."""
    return max(texts, key=lambda t: len(repr(literal(t))), default="")


WIDE = timedelta(hours=168, minutes=59)  # no 7-day chunk holds more
_WIDE_TIME = datetime(2000, 1, 1, 23, 59)


def worst_days(first: date, count: int, rows: Sequence[Status]) -> list[DayReport]:
    """`count` days whose every cell is as wide as a real day's can be: times with an (auto)
    mark, and every duration (worked, each status in `rows`) wider than a week's."""
    return [
        DayReport(
            day=first + timedelta(days=i),
            first_check_in=_WIDE_TIME,
            last_check_out=_WIDE_TIME,
            auto_check_out=True,
            worked=WIDE,
            away=WIDE,
            off=WIDE,
            per_status={s.id: WIDE for s in rows},
        )
        for i in range(count)
    ]


@dataclass(frozen=True, slots=True)
class Layout:
    """A report cut into units: `groups` groups (a day, or an agent's chunk of days), each
    shown as one slide per part of the status rows. Unit `u` is group `u // len(parts)`, part
    `u % len(parts)`; a page holds `per_page` units."""

    groups: int
    parts: tuple[tuple[Status, ...], ...]
    per_page: int

    @classmethod
    def plan(
        cls,
        groups: int,
        rows: Sequence[Status],
        worst: Callable[[Sequence[Status], int], Section],
    ) -> Layout:
        """Cut `rows` into parts whose worst-case slide (`worst(part, index)`) fits Cliq's
        10,000 characters, then fit as many worst-case units to a page as Cliq allows."""
        budget = limits.SLIDES_TOTAL_CHARS
        fits = len(rows)
        while fits > 1 and section_size(worst(rows[:fits], 0)) > budget:
            fits = max(1, fits * budget // section_size(worst(rows[:fits], 0)) - 1)
        parts = tuple(tuple(rows[i : i + fits]) for i in range(0, len(rows), max(1, fits))) or ((),)
        unit = max(section_size(worst(part, i)) for i, part in enumerate(parts))
        if unit > budget:
            raise ValueError(f"a single attendance slide needs {unit} characters")
        return cls(groups, parts, max(1, min(limits.MAX_SLIDES, budget // unit)))

    @property
    def units(self) -> int:
        return self.groups * len(self.parts)

    @property
    def pages(self) -> int:
        return max(1, -(-self.units // self.per_page))

    def clamp(self, page: int) -> int:
        return min(max(page, 0), self.pages - 1)

    def on(self, page: int) -> list[tuple[int, int]]:
        """The (group, part) of each unit on `page` (clamped to the pages there are)."""
        first = self.clamp(page) * self.per_page
        last = min(first + self.per_page, self.units)
        n = len(self.parts)
        return [(u // n, u % n) for u in range(first, last)]

    def line(self, page: int) -> str:
        """ "Page 2 of 7 (5 more)." or "" when everything fits one page."""
        if self.pages == 1:
            return ""
        page = self.clamp(page)
        more = self.pages - page - 1
        return f"Page {page + 1} of {self.pages:,}" + (
            f" ({more:,} more)." if more else " (the last)."
        )

    def part_label(self, part: int) -> str:
        return f" ({part + 1}/{len(self.parts)})" if len(self.parts) > 1 else ""


# --- the agent's week ----------------------------------------------------------------------

WEEK_PREFIX = "attweek"
_WORST_FIRST = date(2000, 1, 10)  # a week of two-digit days: the widest day labels


def week_layout(report: WeekReport, view: View) -> Layout:
    rows = status_rows(report.statuses)
    worst = worst_days(_WORST_FIRST, 7, rows)
    if view == "table":
        return Layout.plan(
            1, rows, lambda part, i: table_slide(_WEEK_TABLE, worst, part, times=i == 0)
        )
    # seven days, then the week's totals
    return Layout.plan(
        8, rows, lambda part, i: day_slide(worst[0], part, first=i == 0, part=" (99/99)")
    )


_WEEK_TABLE = "Your week"


def week_card(report: WeekReport, *, view: View = "list", page: int = 0) -> Message:
    """The agent's own week (Monday to Sunday in their zone) as a list or a table, page
    `page`; buttons for the weeks before and after, the other view, and the other pages."""
    layout = week_layout(report, view)
    page = layout.clamp(page)
    days = report.agent.days
    sections: list[Section] = []
    for group, index in layout.on(page):
        part, label = layout.parts[index], layout.part_label(index)
        if view == "table":
            sections.append(table_slide(_WEEK_TABLE + label, days, part, times=index == 0))
        elif group < len(days):
            sections.append(day_slide(days[group], part, first=index == 0, part=label))
        else:
            sections.append(totals_slide("Week" + label, days, part, first=index == 0))
    monday = report.week_start
    text = (
        f"Week of {span(monday, monday + timedelta(days=6))} ({escape(report.agent.zone)}): "
        f"{hours(report.agent.worked)} worked."
    )
    if layout.pages > 1:
        text += " " + layout.line(page)

    def key(day: date, shown: View) -> str:
        return f"{WEEK_PREFIX}:{day.isoformat()}:{shown[0]}"

    other: View = "list" if view == "table" else "table"
    buttons = [
        Button.invoke("◀ Previous week", key=key(monday - timedelta(days=7), view) + ":1"),
        Button.invoke("Next week ▶", key=key(monday + timedelta(days=7), view) + ":1"),
        Button.invoke(f"{other.title()} view", key=key(monday, other) + ":1"),
        *nav_buttons(page + 1, layout.pages, key(monday, view)),
    ]
    return Message(
        text=text,
        card=Card(title="My week", theme="modern-inline"),
        slides=slides_of(sections),
        buttons=buttons,
    )


def read_week_key(value: str) -> tuple[date, View, int] | None:
    """The week, view and page (0-based) a week button carries (`2026-11-16:t:1`, its page
    1-based as the list helper's buttons carry it), or None if damaged."""
    state, number = page_number(value)
    day, _, shown = state.partition(":")
    try:
        monday = date.fromisoformat(day)
    except ValueError:
        return None
    if not EARLIEST <= monday <= LATEST:
        return None
    if shown not in ("l", "t"):
        return None
    return monday, ("list" if shown == "l" else "table"), number - 1


# --- the admin report ----------------------------------------------------------------------

REPORT_PREFIX = "attrep"
EXPORT_PREFIX = "attexp"


@dataclass(frozen=True, slots=True)
class ReportPlan:
    """How an admin report over `agents` (e-mails, in order) and `start`..`end` is paged: the
    period in 7-day chunks from `start`, a unit per agent, chunk and part of the status rows,
    agent by agent within a chunk, chunk after chunk."""

    start: date
    end: date
    agents: tuple[str, ...]
    names: dict[str, str]  # e-mail -> name to show (the e-mail when none is known)
    rows: tuple[Status, ...]
    view: View
    layout: Layout

    @classmethod
    def of(
        cls,
        agents: Sequence[str],
        names: dict[str, str],
        start: date,
        end: date,
        statuses: Sequence[Status],
        view: View,
    ) -> ReportPlan:
        rows = status_rows(statuses)
        chunks = -(-((end - start).days + 1) // CHUNK_DAYS)
        name = widest(names.get(a) or a for a in agents)
        email = widest(agents)
        width = min(CHUNK_DAYS, (end - start).days + 1)
        worst = worst_days(_WORST_FIRST, width, rows)

        def slide(part: Sequence[Status], index: int) -> Section:
            label = " (99/99)"
            if view == "table":
                return table_slide(f"{name} · {email}{label}", worst, part, times=index == 0)
            return agent_list_slide(name, email, worst, part, first=index == 0, part=label)

        layout = Layout.plan(chunks * len(agents), rows, slide)
        return cls(start, end, tuple(agents), names, tuple(rows), view, layout)

    @property
    def chunks(self) -> int:
        return self.layout.groups // max(1, len(self.agents))

    def chunk(self, index: int) -> tuple[date, date]:
        first = self.start + timedelta(days=index * CHUNK_DAYS)
        return first, min(first + timedelta(days=CHUNK_DAYS - 1), self.end)

    def units(self, page: int) -> list[tuple[int, str, int]]:
        """(chunk, agent e-mail, part) of each unit on `page`."""
        count = len(self.agents)
        return [(g // count, self.agents[g % count], p) for g, p in self.layout.on(page)]

    def wanted(self, page: int) -> dict[int, list[str]]:
        """The agents each chunk on `page` needs read: chunk -> e-mails."""
        need: dict[int, list[str]] = {}
        for chunk, email, _ in self.units(page):
            if email not in need.setdefault(chunk, []):
                need[chunk].append(email)
        return need

    def page_of_group(self, group: int) -> int:
        return group * len(self.layout.parts) // self.layout.per_page

    def first_group(self, page: int) -> int:
        return self.layout.clamp(page) * self.layout.per_page // len(self.layout.parts)


def report_card(
    plan: ReportPlan,
    page: int,
    periods: dict[tuple[int, str], AgentPeriod],
    *,
    zone: str,
    key: str,
) -> Message:
    """Page `page` of an admin report. `periods` holds each (chunk, e-mail) of the page, as
    `plan.wanted(page)` asked; `key` is the kept report's id that the buttons carry."""
    page = plan.layout.clamp(page)
    sections: list[Section] = []
    shown: list[str] = []
    for chunk, email, index in plan.units(page):
        period = periods[(chunk, email)]
        name = plan.names.get(email) or period.name or email
        part, label = plan.layout.parts[index], plan.layout.part_label(index)
        first = index == 0
        if plan.view == "table":
            sections.append(table_slide(f"{name} · {email}{label}", period.days, part, times=first))
        else:
            sections.append(
                agent_list_slide(name, email, period.days, part, first=first, part=label)
            )
        if email not in shown:
            shown.append(email)
    agents = len(plan.agents)
    units = plan.units(page)
    lines = [
        f"{agents:,} agent{'s' if agents != 1 else ''}, {span(plan.start, plan.end)};"
        f" times in {escape(zone)}."
    ]
    if plan.layout.pages > 1 and units:
        at = [plan.agents.index(e) + 1 for e in shown] if len(shown) < 50 else []
        who = (
            f"agents {min(at)}–{max(at)}"
            if at and len(at) > 1
            else (f"agent {at[0]}" if at else "agents")
        )
        since, until = plan.chunk(units[0][0])[0], plan.chunk(units[-1][0])[1]
        lines.append(f"{plan.layout.line(page)} Shown: {who}, {span(since, until)}.")
    other: View = "list" if plan.view == "table" else "table"
    v = plan.view[0]
    buttons = nav_buttons(page + 1, plan.layout.pages, f"{REPORT_PREFIX}:{key}:{v}")
    buttons.append(
        Button.invoke(
            f"{other.title()} view",
            key=f"{REPORT_PREFIX}:{key}:{other[0]}:g{plan.first_group(page)}",
        )
    )
    buttons.append(Button.invoke("Export CSV", key=f"{EXPORT_PREFIX}:{key}"))
    return Message(
        text="\n".join(lines),
        card=Card(title=f"Attendance {span(plan.start, plan.end)}", theme="modern-inline"),
        slides=slides_of(sections or [Section("Agents", [], kind="label", empty="none chosen")]),
        buttons=buttons,
    )


def read_report_key(value: str) -> tuple[str, View, str] | None:
    """(kept report id, view, 1-based page or `g<group>`) from a report button's value (the
    list helper's `<state>:<page>`), or None."""
    parts = value.split(":")
    if len(parts) != 3 or parts[1] not in ("l", "t"):
        return None
    kept, shown, at = parts
    digits = at[1:] if at.startswith("g") else at
    if not kept or not digits.isdigit() or len(digits) > 9:
        return None
    return kept, ("list" if shown == "l" else "table"), at
