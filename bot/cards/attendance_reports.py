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

Times are the report's (the reader's zone); words, dates and durations the reader's language
(`words`, bot/i18n): durations read "7 h 45 min" / "7時間45分" in lists, "7:45" in tables.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from babel.dates import format_interval, format_skeleton

from attendance.models import CHECK_OUT, Status
from attendance.reports import EARLIEST, LATEST, AgentPeriod, DayReport, WeekReport
from attendance.words import sentences, shown_name
from bot.cards.paging import Section, layout, nav_buttons, page_number
from bot.cliq import limits
from bot.cliq.markup import escape
from bot.cliq.message import Button, Card, Message, Slide
from bot.cliq.outbound import literal
from bot.i18n import PSEUDO, Words
from bot.i18n.catalogs import full_width

View = Literal["list", "table"]
CHUNK_DAYS = 7
NO_TIME = "–"


# --- what goes in a cell -------------------------------------------------------------------


def hm(spent: timedelta) -> str:
    """A duration for a table cell: "7:45", or "–" for none (the same in every language)."""
    minutes = int(spent.total_seconds() // 60)
    return f"{minutes // 60}:{minutes % 60:02d}" if minutes else NO_TIME


def clock(moment: datetime | None, words: Words) -> str:
    return words.time(moment) if moment else NO_TIME


def _babel(text: str, words: Words) -> str:
    """Text Babel wrote for `words`' locale, its thin spaces (around a range's dash) as plain
    ones; full width in the tests' pseudo-language, as `Words` writes its own."""
    text = text.replace("\u2009", " ")
    return full_width(text) if words.language == PSEUDO else text


def day_label(day: date, words: Words) -> str:
    """`Mon 16 Nov` / `11月16日(月)`."""
    return words.date(day)


def column_label(day: date, words: Words) -> str:
    """A table column's day: `Mon 16` / `16日(月)`."""
    return _babel(format_skeleton("Ed", day, locale=words.locale), words)


def span(first: date, last: date, words: Words, *, year: bool = True) -> str:
    """ "16 – 22 Nov 2026" / "2026年11月16日～22日", as the locale writes a range of days
    (without the year unless it changes, when `year` is false)."""
    skeleton = "yMMMd" if year or first.year != last.year else "MMMd"
    if first == last:
        return _babel(format_skeleton(skeleton, first, locale=words.locale), words)
    return _babel(format_interval(first, last, skeleton, locale=words.locale), words)


def status_rows(statuses: Iterable[Status]) -> list[Status]:
    """The statuses a report shows time for: all but Check Out (time not checked in)."""
    return [s for s in statuses if s.id != CHECK_OUT]


def _out(day: DayReport, words: Words) -> str:
    out = clock(day.last_check_out, words)
    return words.gettext("{time} (auto)", time=out) if day.auto_check_out else out


def _in_out(day: DayReport, words: Words) -> str:
    if day.first_check_in is None and day.last_check_out is None and not day.worked:
        return NO_TIME
    return words.gettext(
        "{check_in} – {check_out} · {worked}",
        check_in=clock(day.first_check_in, words),
        check_out=_out(day, words),
        worked=words.duration(day.worked),
    )


def _total(days: Sequence[DayReport], status_id: int) -> timedelta:
    return sum((d.per_status.get(status_id, timedelta()) for d in days), timedelta())


# --- slides --------------------------------------------------------------------------------


def day_slide(
    day: DayReport, rows: Sequence[Status], words: Words, *, first: bool = True, part: str = ""
) -> Section:
    """The week's list view, one day: in, out and worked (in the first part), then each status
    of `rows` used that day."""
    pairs: list[tuple[str, str]] = []
    if first:
        pairs += [
            (words.pgettext("report", "In"), clock(day.first_check_in, words)),
            (words.pgettext("report", "Out"), _out(day, words)),
            (words.pgettext("report", "Worked"), words.duration(day.worked)),
        ]
    pairs += [
        (shown_name(s, words), words.duration(day.per_status[s.id]))
        for s in rows
        if day.per_status.get(s.id)
    ]
    title = day_label(day.day, words) + part
    return Section(title, pairs, kind="label", empty=NO_TIME, counted=False)


def totals_slide(
    title: str,
    days: Sequence[DayReport],
    rows: Sequence[Status],
    words: Words,
    *,
    first: bool = True,
) -> Section:
    """Worked time (in the first part) and time per status of `rows` used over `days`."""
    pairs: list[tuple[str, str]] = []
    if first:
        worked = sum((d.worked for d in days), timedelta())
        pairs.append((words.pgettext("report", "Worked"), words.duration(worked)))
    for status in rows:
        spent = _total(days, status.id)
        if spent:
            pairs.append((shown_name(status, words), words.duration(spent)))
    return Section(title, pairs, kind="label", empty=NO_TIME, counted=False)


def agent_list_slide(
    name: str,
    email: str,
    days: Sequence[DayReport],
    rows: Sequence[Status],
    words: Words,
    *,
    first: bool = True,
    part: str = "",
) -> Section:
    """The admin list view, one agent's chunk of days: e-mail, then (in the first part) each
    day's "in – out · worked" and the chunk's worked time, then the time per status of `rows`
    used in the chunk."""
    pairs: list[tuple[str, str]] = [(words.pgettext("report", "E-mail"), email)]
    if first:
        pairs += [(day_label(d.day, words), _in_out(d, words)) for d in days]
        worked = sum((d.worked for d in days), timedelta())
        pairs.append((words.pgettext("report", "Worked"), words.duration(worked)))
    for status in rows:
        spent = _total(days, status.id)
        if spent:
            pairs.append((shown_name(status, words), words.duration(spent)))
    title = f"{name} · {span(days[0].day, days[-1].day, words)}{part}"
    return Section(title, pairs, kind="label", counted=False)


def table_slide(
    title: str,
    days: Sequence[DayReport],
    rows: Sequence[Status],
    words: Words,
    *,
    times: bool = True,
) -> Section:
    """One table: a column per day and a Total; rows In, Out, Worked (when `times`) and one
    per status in `rows` (every one, "–" where no time was spent)."""
    first = span(days[0].day, days[-1].day, words, year=False)
    columns = [column_label(d.day, words) for d in days]
    total = words.pgettext("report", "Total")
    headers = [first, *columns, total]
    table: list[dict[str, str]] = []
    if times:
        table.append(
            {
                first: words.pgettext("report", "In"),
                **{c: clock(d.first_check_in, words) for c, d in zip(columns, days, strict=True)},
            }
        )
        table.append(
            {
                first: words.pgettext("report", "Out"),
                **{
                    c: clock(d.last_check_out, words) + ("*" if d.auto_check_out else "")
                    for c, d in zip(columns, days, strict=True)
                },
            }
        )
        worked = [d.worked for d in days]
        table.append(
            {
                first: words.pgettext("report", "Worked"),
                **{c: hm(w) for c, w in zip(columns, worked, strict=True)},
                total: hm(sum(worked, timedelta())),
            }
        )
    for status in rows:
        spent = [d.per_status.get(status.id, timedelta()) for d in days]
        table.append(
            {
                first: shown_name(status, words),
                **{c: hm(s) for c, s in zip(columns, spent, strict=True)},
                total: hm(sum(spent, timedelta())),
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


def widest_section(sections: Iterable[Section]) -> Section:
    """The section that takes the most room as a slide."""
    return max(sections, key=section_size)


_WORST_FIRSTS = (date(2000, 9, 11), date(2000, 12, 11), date(2000, 12, 26))
"""Mondays (or a Tuesday) starting the widest runs of day labels in some language: two-digit
days, the longest month abbreviation (`Sept`), two-digit months (`12月`), a year's change."""


def worst_weeks(count: int, rows: Sequence[Status]) -> list[list[DayReport]]:
    """`worst_days` of `count` days from each of `_WORST_FIRSTS`: a worst case is the widest
    slide any of them makes."""
    return [worst_days(first, count, rows) for first in _WORST_FIRSTS]


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

    def line(self, page: int, words: Words) -> str:
        """ "Page 2 of 7 (5 more)." or "" when everything fits one page."""
        if self.pages == 1:
            return ""
        page = self.clamp(page)
        more = self.pages - page - 1
        number, pages = words.number(page + 1), words.number(self.pages)
        if more:
            return words.gettext(
                "Page {page} of {pages} ({more} more).",
                page=number,
                pages=pages,
                more=words.number(more),
            )
        return words.gettext("Page {page} of {pages} (the last).", page=number, pages=pages)

    def part_label(self, part: int) -> str:
        return f" ({part + 1}/{len(self.parts)})" if len(self.parts) > 1 else ""


# --- the agent's week ----------------------------------------------------------------------

WEEK_PREFIX = "attweek"


def week_layout(report: WeekReport, view: View, words: Words) -> Layout:
    rows = status_rows(report.statuses)
    title = _week_table(words)

    def worst(part: Sequence[Status], i: int) -> Section:
        if view == "table":
            return widest_section(
                table_slide(title, days, part, words, times=i == 0) for days in worst_weeks(7, rows)
            )
        return widest_section(
            day_slide(days[j], part, words, first=i == 0, part=" (99/99)")
            for days in worst_weeks(7, rows)
            for j in range(7)
        )

    # the table: one group; the list: seven days, then the week's totals
    return Layout.plan(1 if view == "table" else 8, rows, worst)


def _week_table(words: Words) -> str:
    return words.pgettext("report", "Your week")


def week_card(report: WeekReport, *, words: Words, view: View = "list", page: int = 0) -> Message:
    """The agent's own week (Monday to Sunday in their zone) as a list or a table, page
    `page`; buttons for the weeks before and after, the other view, and the other pages."""
    layout = week_layout(report, view, words)
    page = layout.clamp(page)
    days = report.agent.days
    sections: list[Section] = []
    for group, index in layout.on(page):
        part, label = layout.parts[index], layout.part_label(index)
        first = index == 0
        if view == "table":
            title = _week_table(words) + label
            sections.append(table_slide(title, days, part, words, times=first))
        elif group < len(days):
            sections.append(day_slide(days[group], part, words, first=first, part=label))
        else:
            title = words.pgettext("report", "Week") + label
            sections.append(totals_slide(title, days, part, words, first=first))
    monday = report.week_start
    text = words.gettext(
        "Week of {days} ({zone}): {worked} worked.",
        days=span(monday, monday + timedelta(days=6), words),
        zone=escape(report.agent.zone),
        worked=words.duration(report.agent.worked),
    )
    if layout.pages > 1:
        text = sentences(words, text, layout.line(page, words))

    def key(day: date, shown: View) -> str:
        return f"{WEEK_PREFIX}:{day.isoformat()}:{shown[0]}"

    other: View = "list" if view == "table" else "table"
    buttons = [
        Button.invoke(
            words.pgettext("button", "◀ Previous week"),
            key=key(monday - timedelta(days=7), view) + ":1",
        ),
        Button.invoke(
            words.pgettext("button", "Next week ▶"),
            key=key(monday + timedelta(days=7), view) + ":1",
        ),
        Button.invoke(view_label(other, words), key=key(monday, other) + ":1"),
        *nav_buttons(page + 1, layout.pages, key(monday, view), words=words),
    ]
    return Message(
        text=text,
        card=Card(title=words.pgettext("card title", "My week"), theme="modern-inline"),
        slides=slides_of(sections),
        buttons=buttons,
    )


def view_label(view: View, words: Words) -> str:
    """The button switching to `view`."""
    if view == "list":
        return words.pgettext("button", "List view")
    return words.pgettext("button", "Table view")


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
    words: Words  # the reader's: the layout was planned for their words

    @classmethod
    def of(
        cls,
        agents: Sequence[str],
        names: dict[str, str],
        start: date,
        end: date,
        statuses: Sequence[Status],
        view: View,
        words: Words,
    ) -> ReportPlan:
        rows = status_rows(statuses)
        chunks = -(-((end - start).days + 1) // CHUNK_DAYS)
        name = widest(names.get(a) or a for a in agents)
        email = widest(agents)
        width = min(CHUNK_DAYS, (end - start).days + 1)
        worst = worst_weeks(width, rows)

        def slide(part: Sequence[Status], index: int) -> Section:
            label = " (99/99)"
            first = index == 0
            if view == "table":
                title = f"{name} · {email}{label}"
                return widest_section(
                    table_slide(title, days, part, words, times=first) for days in worst
                )
            return widest_section(
                agent_list_slide(name, email, days, part, words, first=first, part=label)
                for days in worst
            )

        layout = Layout.plan(chunks * len(agents), rows, slide)
        return cls(start, end, tuple(agents), names, tuple(rows), view, layout, words)

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
    """Page `page` of an admin report, in the words it was planned for. `periods` holds each
    (chunk, e-mail) of the page, as `plan.wanted(page)` asked; `key` is the kept report's id
    that the buttons carry."""
    words = plan.words
    page = plan.layout.clamp(page)
    sections: list[Section] = []
    shown: list[str] = []
    for chunk, email, index in plan.units(page):
        period = periods[(chunk, email)]
        name = plan.names.get(email) or period.name or email
        part, label = plan.layout.parts[index], plan.layout.part_label(index)
        first = index == 0
        if plan.view == "table":
            title = f"{name} · {email}{label}"
            sections.append(table_slide(title, period.days, part, words, times=first))
        else:
            sections.append(
                agent_list_slide(name, email, period.days, part, words, first=first, part=label)
            )
        if email not in shown:
            shown.append(email)
    units = plan.units(page)
    lines = [
        words.gettext(
            "{agents}, {days}; times in {zone}.",
            agents=words.ngettext("{n} agent", "{n} agents", len(plan.agents)),
            days=span(plan.start, plan.end, words),
            zone=escape(zone),
        )
    ]
    if plan.layout.pages > 1 and units:
        at = [plan.agents.index(e) + 1 for e in shown] if len(shown) < 50 else []
        if len(at) > 1:
            who = words.gettext(
                "agents {first}–{last}", first=words.number(min(at)), last=words.number(max(at))
            )
        elif at:
            who = words.gettext("agent {number}", number=words.number(at[0]))
        else:
            who = words.gettext("agents")
        since, until = plan.chunk(units[0][0])[0], plan.chunk(units[-1][0])[1]
        lines.append(
            words.gettext(
                "{page} Shown: {who}, {days}.",
                page=plan.layout.line(page, words),
                who=who,
                days=span(since, until, words),
            )
        )
    other: View = "list" if plan.view == "table" else "table"
    v = plan.view[0]
    buttons = nav_buttons(page + 1, plan.layout.pages, f"{REPORT_PREFIX}:{key}:{v}", words=words)
    buttons.append(
        Button.invoke(
            view_label(other, words),
            key=f"{REPORT_PREFIX}:{key}:{other[0]}:g{plan.first_group(page)}",
        )
    )
    buttons.append(
        Button.invoke(words.pgettext("button", "Export CSV"), key=f"{EXPORT_PREFIX}:{key}")
    )
    title = words.pgettext(
        "card title", "Attendance {days}", days=span(plan.start, plan.end, words)
    )
    nobody = Section(
        words.pgettext("report", "Agents"),
        [],
        kind="label",
        empty=words.gettext("none chosen"),
    )
    return Message(
        text="\n".join(lines),
        card=Card(title=title, theme="modern-inline"),
        slides=slides_of(sections or [nobody]),
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
