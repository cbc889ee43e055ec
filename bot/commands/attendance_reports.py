"""Attendance reports and exports in chat (SPEC A7, A8, X2, X4).

- `/attendance week [date]`: the caller's own week (the one holding `date`, default today) in
  their zone, list or table view, with the weeks before and after a click away.
- `/attendance report [agents…|all] [from] [to]` (admins): chosen agents over any period, list
  or table view, paged; the card's Export CSV button exports the same agents and days.
- `/attendance export [from] [to] [agents…]`: a short, expiring download link to the CSV (at
  most 30 days); agents export only their own attendance, admins anyone's.

The listeners are registered by `bot.commands.attendance`, which reads the verb; this module
holds what each verb does and the buttons of the cards it draws.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from attendance.access import AccessPolicy
from attendance.errors import RangeError
from attendance.reports import EARLIEST, LATEST, MAX_DAYS, AgentPeriod
from attendance.service import AttendanceService
from attendance.words import sentences
from bot.cards import people
from bot.cards.attendance_reports import (
    EXPORT_PREFIX,
    REPORT_PREFIX,
    WEEK_PREFIX,
    ReportPlan,
    View,
    read_report_key,
    read_week_key,
    report_card,
    span,
    week_card,
)
from bot.cliq.markup import escape
from bot.cliq.message import Banner, Button, Card, Message
from bot.commands.agent_names import NameProblem, pick
from bot.commands.common import desk_agent
from bot.commands.context import DeskContext
from bot.desk.people import Agent
from bot.dispatch import UsageError
from bot.i18n import SOURCE, Words
from bot.identity.directory import attendance_agents
from bot.router import Router, typed

router = Router()


def week_usage(ctx: DeskContext) -> str:
    return ctx.words.gettext("Usage: /attendance week [YYYY-MM-DD] (any day of the week you want)")


def report_usage(ctx: DeskContext) -> str:
    return ctx.words.gettext(
        "Usage: /attendance report [agents… | all] [from] [to], dates as YYYY-MM-DD"
    )


def export_usage(ctx: DeskContext) -> str:
    return ctx.words.gettext(
        "Usage: /attendance export [from] [to] [agents…] [lang=ja|en], dates as YYYY-MM-DD"
    )


_DATE_LIKE = re.compile(r"^\d[\d\-/.]*$")


# --- the agent's week ----------------------------------------------------------------------


async def week(ctx: DeskContext, words: list[str]) -> Message:
    """`/attendance week [date]`: the caller's week holding `date` (default today)."""
    if len(words) > 1:
        raise UsageError(week_usage(ctx))
    day = _date(ctx, words[0], week_usage(ctx)) if words else None
    return await _week(ctx, day, "list", 0)


async def _week(ctx: DeskContext, day: date | None, view: View, page: int) -> Message:
    report = await ctx.attendance.week(ctx.user.email, ctx.timezone.key, day)
    return week_card(report, view=view, page=page, words=ctx.words)


@router.button(WEEK_PREFIX, requires=desk_agent)
async def week_button(ctx: DeskContext, value: str) -> Message | Banner:
    """A week card's buttons: another week, the other view, another page. Always the
    caller's own week, whoever drew the card."""
    found = read_week_key(value)
    if found is None:
        return people.refused(ctx.words.gettext("Old card: run /attendance week again."))
    day, view, page = found
    return await _week(ctx, day, view, page)


# --- the admin report ----------------------------------------------------------------------


async def report(ctx: DeskContext, words: list[str]) -> Message:
    """`/attendance report [agents…|all] [from] [to]`: page 1 of the list view."""
    usage = report_usage(ctx)
    dates, who = _split_dates(ctx, words, usage)
    start, end = _period(ctx, dates, usage)
    agents = await named_agents(ctx, who, usage) if who and who != ["all"] else await _everyone(ctx)
    kept = await ctx.kept.keep(
        ctx.user.email, "", {"agents": agents, "start": str(start), "end": str(end)}
    )
    return await _report_page(ctx, kept, agents, start, end, "list", 0)


async def open_report(ctx: DeskContext, agents: list[str], start: date, end: date) -> Message:
    """The report card of `agents` (e-mails) over `start`..`end`, page 1 of the list view: for
    other cards that open a report (the board's agent cards)."""
    kept = await ctx.kept.keep(
        ctx.user.email, "", {"agents": agents, "start": str(start), "end": str(end)}
    )
    return await _report_page(ctx, kept, agents, start, end, "list", 0)


async def read_page(
    svc: AttendanceService, plan: ReportPlan, page: int, tz: str
) -> dict[tuple[int, str], AgentPeriod]:
    """What page `page` of `plan` shows, read for its agents and days only."""
    periods: dict[tuple[int, str], AgentPeriod] = {}
    for chunk, emails in plan.wanted(page).items():
        first, last = plan.chunk(chunk)
        found = await svc.report(emails, first, last, tz, limit=None)
        for period in found.agents:
            periods[(chunk, period.email)] = period
    return periods


async def plan_for(
    svc: AttendanceService,
    agents: list[str],
    names: dict[str, str],
    start: date,
    end: date,
    view: View,
    tz: str,
    words: Words,
) -> ReportPlan:
    """How the report of `agents` over `start`..`end` is paged in `view`, for a reader of
    `words`."""
    keys = list(dict.fromkeys(a.strip().lower() for a in agents))
    shown = {a: names.get(a, "") for a in keys}
    known = await svc.log.names([a for a in keys if not shown[a]])
    shown.update({a: n for a, n in known.items() if n})
    return ReportPlan.of(keys, shown, start, end, await svc.columns(end, tz), view, words)


async def _report_page(
    ctx: DeskContext,
    kept: str,
    agents: list[str],
    start: date,
    end: date,
    view: View,
    page: int | str,
) -> Message:
    svc, tz = ctx.attendance, ctx.timezone.key
    plan = await plan_for(svc, agents, await _names(ctx), start, end, view, tz, ctx.words)
    if isinstance(page, str):  # "g<group>": the page holding that group, after a view switch
        page = plan.page_of_group(int(page[1:])) if page.startswith("g") else int(page) - 1
    page = plan.layout.clamp(page)
    return report_card(plan, page, await read_page(svc, plan, page, tz), zone=tz, key=kept)


@router.button(REPORT_PREFIX, admin=True, requires=desk_agent)
async def report_button(ctx: DeskContext, value: str) -> Message | Banner:
    """A report card's buttons: another page, or the other view."""
    found = read_report_key(value)
    if found is None:
        return people.refused(ctx.words.gettext("Old card: run /attendance report again."))
    kept_id, view, at = found
    p = await _kept_report(ctx, kept_id)
    if p is None:
        return people.refused(too_old(ctx))
    start, end = date.fromisoformat(p["start"]), date.fromisoformat(p["end"])
    return await _report_page(ctx, kept_id, p["agents"], start, end, view, at)


@router.button(EXPORT_PREFIX, admin=True, requires=desk_agent)
async def export_button(ctx: DeskContext, kept_id: str) -> Message | Banner:
    """A report card's Export CSV: the same agents and days, when they fit one export."""
    p = await _kept_report(ctx, kept_id)
    if p is None:
        return people.refused(too_old(ctx))
    start, end = date.fromisoformat(p["start"]), date.fromisoformat(p["end"])
    return await _export(ctx, list(p["agents"]), start, end, None)


def too_old(ctx: DeskContext) -> str:
    return ctx.words.gettext("That report is too old (or not yours); run /attendance report again.")


async def _kept_report(ctx: DeskContext, kept_id: str) -> dict[str, Any] | None:
    """The agents and period a report card was drawn for, if the caller drew it (kept 7 days)."""
    kept = await ctx.kept.get(kept_id)
    if kept is None or kept.owner.casefold() != ctx.user.email.casefold():
        return None
    if not {"agents", "start", "end"} <= kept.payload.keys():
        return None
    return kept.payload


# --- export --------------------------------------------------------------------------------


async def export(ctx: DeskContext, words: list[str]) -> Message | Banner:
    """`/attendance export [from] [to] [agents…] [lang=ja]`: the caller's own CSV, or (admins)
    chosen agents'. An agent naming anyone else is refused, saying who may. `lang=` names the
    columns in that language, for people (Excel); without it they are named for programs."""
    usage = export_usage(ctx)
    words, lang = _lang(ctx, words, usage)
    dates, who = _split_dates(ctx, words, usage)
    start, end = _period(ctx, dates, usage)
    agents = await named_agents(ctx, who, usage) if who else [ctx.user.email]
    others = [a for a in agents if a.casefold() != ctx.user.email.casefold()]
    if others and not (await ctx.caller_is_admin()):
        return people.refused(
            ctx.words.gettext(
                "You can export only your own attendance: /attendance export {start} {end}."
                " An admin can export other agents'.",
                start=start,
                end=end,
            )
        )
    return await _export(ctx, agents, start, end, lang)


def _lang(ctx: DeskContext, words: list[str], usage: str) -> tuple[list[str], str | None]:
    """The words without a `lang=<language>` one, and that language's code (None: none
    asked). A language the bot does not speak is refused with the usage."""
    rest, lang = [], None
    for word in words:
        key, equals, value = typed(word).partition("=")
        if not equals or key.casefold() != "lang":
            rest.append(word)
            continue
        spoken = ctx.bot.languages.available
        lang = ctx.bot.languages.code(value)
        if lang not in spoken:
            problem = ctx.words.gettext(
                "“{language}” is not a language the export speaks: {spoken}.",
                language=value[:20],
                spoken=", ".join(spoken),
            )
            raise UsageError(sentences(ctx.words, problem, usage))
    return rest, lang


async def _export(
    ctx: DeskContext, agents: list[str], start: date, end: date, lang: str | None
) -> Message | Banner:
    """The download link of `agents`' CSV over `start`..`end`: columns named in `lang` if
    given; else for programs, with a second link naming them in the caller's language when
    that is not English (for Excel)."""
    words = ctx.words
    days = (end - start).days + 1
    if days > MAX_DAYS:
        last = start + timedelta(days=MAX_DAYS - 1)
        return people.refused(
            words.gettext(
                "An export covers at most {most} days; {days} is {count}."
                " Export it in parts, e.g. /attendance export {start} {last} first.",
                most=MAX_DAYS,
                days=span(start, end, words),
                count=words.number(days),
                start=start,
                last=last,
            )
        )
    try:
        await ctx.attendance.columns(end, ctx.timezone.key)  # the zone is known
    except RangeError as exc:
        return people.refused(exc.text(words))
    url = await ctx.export_links.url_for(ctx.user.email, agents, start, end, ctx.timezone.key)
    buttons = [Button.url(words.pgettext("button", "Download CSV"), _with_lang(url, lang))]
    mine = words.language
    if lang is None and mine != SOURCE and mine in ctx.bot.languages.available:
        buttons.append(Button.url(words.pgettext("button", "CSV for Excel"), _with_lang(url, mine)))
    if agents == [ctx.user.email]:
        who = words.gettext("Your attendance")
    else:
        who = words.ngettext("Attendance of {n} agent", "Attendance of {n} agents", len(agents))
    return Message(
        text=words.gettext(
            "{who}, {days}, as CSV (times in {zone}; the link works for 15 minutes).",
            who=who,
            days=span(start, end, words),
            zone=escape(ctx.timezone.key),
        ),
        card=Card(title=words.pgettext("card title", "Attendance export"), theme="modern-inline"),
        buttons=buttons,
    )


def _with_lang(url: str, lang: str | None) -> str:
    return f"{url}&lang={lang}" if lang else url


# --- reading words -------------------------------------------------------------------------


def _date(ctx: DeskContext, word: str, usage: str) -> date:
    try:
        day = date.fromisoformat(word)
    except ValueError:
        problem = ctx.words.gettext("“{word}” is not a date.", word=word[:20])
        raise UsageError(sentences(ctx.words, problem, usage)) from None
    if not EARLIEST <= day <= LATEST:
        problem = ctx.words.gettext(
            "Dates run from {earliest} to {latest}.", earliest=EARLIEST, latest=LATEST
        )
        raise UsageError(sentences(ctx.words, problem, usage))
    return day


def _split_dates(ctx: DeskContext, words: list[str], usage: str) -> tuple[list[str], list[str]]:
    """The words that look like dates (at most two, wherever they are) and the rest. A word
    that looks like a date but is not one is still taken as a date, so it is refused with the
    usage rather than looked up as an agent."""
    dates = [w for w in words if _DATE_LIKE.match(typed(w))]
    if len(dates) > 2:
        problem = ctx.words.gettext("At most two dates, from and to.")
        raise UsageError(sentences(ctx.words, problem, usage))
    return [typed(d) for d in dates], [w for w in words if not _DATE_LIKE.match(typed(w))]


def _period(ctx: DeskContext, dates: list[str], usage: str) -> tuple[date, date]:
    """From and to: none is the last 7 days; one date alone runs from it to today (or is that
    single day, when it is in the future)."""
    today = ctx.now().date()
    if not dates:
        return today - timedelta(days=6), today
    start = _date(ctx, dates[0], usage)
    end = _date(ctx, dates[1], usage) if len(dates) > 1 else max(start, today)
    if end < start:
        problem = ctx.words.gettext("The end date is before the start date.")
        raise UsageError(sentences(ctx.words, problem, usage))
    return start, end


async def _names(ctx: DeskContext) -> dict[str, str]:
    """Desk's names of its agents, by e-mail (lower case)."""
    return {a.email_id.lower(): a.display_name for a in await ctx.directory.all() if a.email_id}


async def attendance_pool(ctx: DeskContext) -> list[Agent]:
    """The Desk agents attendance counts: the board's (`attendance_agents`: active, and let use
    attendance by the policy; a light agent is not), so a report of `all` and a name typed
    after status/checkout/report/export find the people the board lists, and no one else."""
    policy = AccessPolicy.from_config(ctx.config.attendance)
    counted = await attendance_agents(ctx.directory, policy)
    return [a for a in await ctx.directory.all() if (a.email_id or "").lower() in counted]


async def _everyone(ctx: DeskContext) -> list[str]:
    return sorted({(a.email_id or "").lower() for a in await attendance_pool(ctx)})


async def named_agents(ctx: DeskContext, said: list[str], usage: str) -> list[str]:
    """The e-mails (lower case) of the agents `said` names (`bot.commands.agent_names.pick`:
    full names with spaces, quoted names, e-mails, an unambiguous first name; comma or space
    separated) among `attendance_pool`. Raises UsageError with `usage` (the sub-command's)
    for a name that finds no one, or several (listing them)."""
    pool = await attendance_pool(ctx)
    try:
        found = pick(said, pool)
    except NameProblem as problem:
        words = ctx.words
        if problem.matches:
            listed = listed_names(problem.matches, words)
            text = words.gettext(
                "“{name}” is more than one agent: {agents}. Type a full name or an e-mail.",
                name=problem.typed[:40],
                agents=listed,
            )
        else:
            text = words.gettext("No Desk agent “{name}”.", name=problem.typed[:40])
        raise UsageError(sentences(words, text, usage)) from None
    return [(a.email_id or "").lower() for a in found]


def listed_names(agents: list[Agent], words: Words) -> str:
    """`Yuki Sato (yuki@…), Yuki Tanaka (…)` in the reader's list style."""
    return words.pgettext("list", ", ").join(
        f"{a.display_name} ({a.email_id})" if a.email_id else a.display_name for a in agents
    )
