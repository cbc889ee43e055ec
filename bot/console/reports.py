"""`/console/agents/{agent id}`: an agent's attendance report (SPEC A7 in the browser) over any
period, as a list (a line a day) or a table (a column per status), with the time per status;
and `POST /console/export`, the CSV of chosen agents over chosen days (SPEC A8).

The report is `AttendanceService.report`, the chat's `/attendance report`; the CSV is
`AttendanceService.export` sent by `bot.handlers.attendance_export.send_csv`, byte for byte the
file the chat's download link gives, with its 30-day limit (`attendance.reports.MAX_DAYS`).
An agent sees and exports their own attendance; an admin (asked of Desk on the request) anyone's,
as in chat. Times are in the viewer's zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from aiohttp import web

from attendance.access import AccessPolicy
from attendance.errors import RangeError
from attendance.reports import (
    EARLIEST,
    LATEST,
    MAX_DAYS,
    AgentPeriod,
    DayReport,
    RangeReport,
    longest_within,
)
from attendance.words import shown_name, type_name
from bot.console import language
from bot.console.auth import requires_agent
from bot.console.board import board_people
from bot.console.render import VIEWER, NavLink, Viewer, hm, render
from bot.desk.people import Agent
from bot.handlers.attendance_export import send_csv
from bot.i18n import N_, SOURCE, Words
from bot.identity.directory import admin_now
from bot.parts import ATTENDANCE, CLOCK, CONFIG, DESK, DIRECTORY

routes = web.RouteTableDef()
nav: list[NavLink] = []  # reached from the board and from "My status"; no link of its own

View = Literal["list", "table"]
DEFAULT_DAYS = 7
"""A report with no period shows the last seven days, today included."""
MAX_VIEW_DAYS = 366
"""The most days one report page shows (a longer period is refused, saying so)."""


class Refused(Exception):
    """A request the page answers with its reason (`str()`, in the page's language), and
    `status`."""

    def __init__(self, reason: str, status: int = 400) -> None:
        super().__init__(reason)
        self.status = status


@dataclass(frozen=True, slots=True)
class Period:
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def read_day(text: str, first: bool, words: Words) -> date:
    """A date typed as YYYY-MM-DD, within the days reports may name; `first`: the period's
    start (else its end), for the refusal."""
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        if first:
            message = words.gettext(
                "The start date “{typed}” is not a date (YYYY-MM-DD).", typed=text[:20]
            )
        else:
            message = words.gettext(
                "The end date “{typed}” is not a date (YYYY-MM-DD).", typed=text[:20]
            )
        raise Refused(message) from None
    if not EARLIEST <= day <= LATEST:
        raise Refused(
            words.gettext("Dates run from {first} to {last}.", first=EARLIEST, last=LATEST)
        )
    return day


def read_period(start: str, end: str, today: date, *, limit: int, words: Words) -> Period:
    """From and to as typed (either may be empty: the last `DEFAULT_DAYS` days, or from the
    start to today), refused when the end is before the start or the period has more than
    `limit` days (in the language of `words`)."""
    first = read_day(start, True, words) if start.strip() else None
    last = read_day(end, False, words) if end.strip() else None
    if first is None:
        last = last or today
        first = last - timedelta(days=DEFAULT_DAYS - 1)
    last = last or max(first, today)
    if last < first:
        raise Refused(words.gettext("The end date is before the start date."))
    period = Period(first, last)
    if period.days > limit:
        values = {"limit": words.number(limit), "first": first, "last": last,
                  "days": words.number(period.days)}  # fmt: skip
        if limit == MAX_DAYS:
            earliest, _ = longest_within(first, last)
            raise Refused(words.gettext(
                "An export covers at most {limit} days; {first} to {last} is {days} days. "
                "Choose a shorter period (the longest ending {last}: {start} to {last}), or "
                "export it in parts.", start=earliest, **values))  # fmt: skip
        raise Refused(words.gettext(
            "A report page covers at most {limit} days; {first} to {last} is {days} days. "
            "Choose a shorter period.", **values))  # fmt: skip
    return period


async def _target(request: web.Request, agent_id: str) -> Agent:
    """The agent whose report is asked for: the viewer's own, or (admins) anyone's."""
    viewer: Viewer = request[VIEWER]
    if agent_id == viewer.agent.id:
        return viewer.agent
    words = language.words(request)
    agent = await request.config_dict[DIRECTORY].by_id(agent_id)
    if agent is None or not agent.email_id:
        raise Refused(words.gettext("There is no such agent."), status=404)
    if not await _is_admin(request):
        raise Refused(words.gettext("Only admins can see other agents' attendance."), status=403)
    return agent


async def _is_admin(request: web.Request) -> bool:
    """Deskbot's admin rule, read from Desk now (as every admin page does)."""
    viewer: Viewer = request[VIEWER]
    _, is_admin = await admin_now(request.config_dict[DESK], viewer.agent)
    return is_admin


@routes.get("/agents/{agent_id}", name="agent_report")
@requires_agent
async def agent_report(request: web.Request) -> web.StreamResponse:
    """`?from=YYYY-MM-DD&to=YYYY-MM-DD&view=list|table` (all optional)."""
    query = request.query
    try:
        agent = await _target(request, request.match_info["agent_id"])
    except Refused as refusal:
        return _refused(request, refusal)
    view: View = "table" if query.get("view") == "table" else "list"
    return await _page(request, agent, query.get("from", ""), query.get("to", ""), view)


async def _page(
    request: web.Request,
    agent: Agent,
    start: str,
    end: str,
    view: View,
    *,
    note: str = "",
    status: int = 200,
) -> web.Response:
    viewer: Viewer = request[VIEWER]
    zone = viewer.zone
    words = language.words(request)
    today = request.config_dict[CLOCK].now().astimezone(zone).date()
    try:
        period = read_period(start, end, today, limit=MAX_VIEW_DAYS, words=words)
    except Refused as refusal:
        note, status = str(refusal), refusal.status
        period = read_period("", "", today, limit=MAX_VIEW_DAYS, words=words)
    report = await request.config_dict[ATTENDANCE].report(
        [agent.email_id or ""], period.start, period.end, zone.key, limit=None
    )
    return render(
        request,
        "report.html",
        status=status,
        title=words.gettext("Attendance of {name}", name=agent.display_name),
        agent=agent,
        report=report,
        period_of=report.agents[0],
        per_status=_per_status(report, report.agents[0], words),
        status_names=[shown_name(s, words) for s in report.statuses],
        lines=[(d, day_line(d, zone, words)) for d in report.agents[0].days],
        view=view,
        period=period,
        export_period=Period(*longest_within(period.start, period.end)),
        note=note,
        zone=zone,
        choices=await _export_choices(request, agent),
        max_export_days=MAX_DAYS,
        headers_for_people=csv_language(words, "") is not None,
    )


def day_line(day: DayReport, zone: ZoneInfo, words: Words) -> str:
    """One day of the list view: `checked in 09:00, checked out 18:00, worked 8 h, away 1 h`
    (times in `zone`, in the language of `words`), or `not checked in` (empty: the template
    says it)."""
    if not (day.first_check_in or day.worked or day.away):
        return ""
    parts = []
    if day.first_check_in:
        parts.append(words.gettext("checked in {time}", time=hm(day.first_check_in, zone, words)))
    if day.last_check_out:
        at = hm(day.last_check_out, zone, words)
        if day.auto_check_out:
            parts.append(words.gettext("checked out {time} (automatically, after 24 hours)",
                                       time=at))  # fmt: skip
        else:
            parts.append(words.gettext("checked out {time}", time=at))
    parts.append(words.gettext("worked {worked}", worked=words.duration(day.worked)))
    parts.append(words.gettext("away {away}", away=words.duration(day.away)))
    return words.pgettext("list", ", ").join(parts)


def _per_status(
    report: RangeReport, period: AgentPeriod, words: Words
) -> list[tuple[str, str, timedelta]]:
    """(status name, type name, time) for the report's statuses, in the status list's order,
    in the language of `words`."""
    spent = period.per_status()
    return [
        (shown_name(s, words), type_name(s.type, words), spent.get(s.id, timedelta()))
        for s in report.statuses
    ]


async def _export_choices(request: web.Request, shown: Agent) -> list[tuple[str, str, bool]]:
    """The agents the export form offers: (id, name, chosen). An admin chooses among the
    board's agents; an agent exports only their own attendance."""
    viewer: Viewer = request[VIEWER]
    if not viewer.is_admin:
        return [(viewer.agent.id, viewer.agent.display_name, True)]
    policy = AccessPolicy.from_config(request.config_dict[CONFIG].attendance)
    people = await board_people(request.config_dict[DIRECTORY], policy)
    found = {a.id: a for a in people.values()}
    found.setdefault(shown.id, shown)
    ordered = sorted(found.values(), key=lambda a: (a.display_name.casefold(), a.id))
    return [(a.id, a.display_name or a.email_id or a.id, a.id == shown.id) for a in ordered]


def _refused(request: web.Request, refusal: Refused) -> web.Response:
    return render(
        request,
        "refused.html",
        status=refusal.status,
        title=N_("Not for you") if refusal.status == 403 else N_("Not found"),
        reason=str(refusal),
    )


@routes.post("/export", name="export")
@requires_agent
async def export(request: web.Request) -> web.StreamResponse:
    """The CSV of the posted `agents` (Desk ids, several) over `from`..`to` (≤ 30 days); a
    refusal is shown on the report page the form was on (`back`, an agent id)."""
    viewer: Viewer = request[VIEWER]
    form = await request.post()
    back = str(form.get("back", "") or viewer.agent.id)[:40]
    wanted = [str(v)[:40] for v in form.getall("agents", []) if str(v).strip()][:5000]
    try:
        back_agent = await _target(request, back)
    except Refused:
        back_agent = viewer.agent
    today = request.config_dict[CLOCK].now().astimezone(viewer.zone).date()
    words = language.words(request)
    chosen = str(form.get("headers", ""))
    headers = csv_language(words, chosen)
    try:
        if chosen not in ("", *HEADERS):
            raise Refused(
                words.gettext("Choose column names in this page's language or for programs.")
            )
        if not wanted:
            raise Refused(words.gettext("Choose at least one agent to export."))
        period = read_period(
            str(form.get("from", "")), str(form.get("to", "")), today, limit=MAX_DAYS, words=words
        )
        emails = await _export_agents(request, wanted)
        chunks = await request.config_dict[ATTENDANCE].export(
            emails, period.start, period.end, viewer.zone.key, words=headers
        )
    except (Refused, RangeError) as refusal:
        if isinstance(refusal, Refused):
            status, said = refusal.status, str(refusal)
        else:
            status, said = 400, refusal.text(words)
        if status == 403:
            return _refused(request, Refused(said, 403))
        view: View = "table" if form.get("view") == "table" else "list"
        return await _page(request, back_agent, "", "", view, note=said, status=status)
    language_tag = headers.language if headers is not None else ""
    return await send_csv(request, chunks, period.start, period.end, language_tag)


HEADERS = ("people", "programs")
"""The export form's choice of column names: for people in the page's language (`lang` of the
chat's download link), or for programs (the chat's plain link: attendance/export.py)."""


def csv_language(words: Words, chosen: str) -> Words | None:
    """The `Words` the CSV's columns are named in (None: for programs). `chosen` is the form's
    `headers`; absent or unknown, a page in English gets the programs' names (`date`,
    `agent_name`…, which read well in English) and a page in any other language its own
    (`日付`, `担当者名`…: a reader of Japanese opens it in Excel)."""
    if chosen == "programs":
        return None
    if chosen == "people" or words.language != SOURCE:
        return words
    return None


async def _export_agents(request: web.Request, ids: list[str]) -> list[str]:
    """The e-mails of the agents `ids` names; only an admin may name anyone but themselves."""
    viewer: Viewer = request[VIEWER]
    if set(ids) == {viewer.agent.id}:
        return [viewer.email]
    words = language.words(request)
    if not await _is_admin(request):
        raise Refused(words.gettext(
            "You can export only your own attendance. An admin can export other agents'."),
            403)  # fmt: skip
    by_id = {a.id: a for a in await request.config_dict[DIRECTORY].all() if a.email_id}
    unknown = [i for i in ids if i not in by_id]
    if unknown:
        raise Refused(words.gettext(
            "There is no agent “{id}”; reload the page and choose again.", id=unknown[0][:40]))  # fmt: skip
    return [(by_id[i].email_id or "").strip().lower() for i in dict.fromkeys(ids)]
