"""Reports and exports at size (issue 12 items 4, 5): 1,000 agents, 22 custom statuses (two of
them deleted after use), 30 days of events, built straight into the store. Every page renders
within Cliq's limits (the message models refuse anything over, and the sandbox Cliq's reply
rules are applied too), and every agent, day and status is on some page."""

from __future__ import annotations

import csv
import io
import random
from datetime import date, timedelta

import pytest

from attendance import AttendanceService
from attendance.models import CHECK_OUT
from attendance.words import shown_name
from bot.cards.attendance_reports import (
    ReportPlan,
    View,
    column_label,
    day_label,
    report_card,
    week_card,
)
from bot.cliq.message import Message
from bot.commands.attendance_reports import plan_for, read_page
from bot.i18n import Languages, Words
from bot.sandbox.cliq.replies import check_reply
from tests.attendance import org

ALL = [org.email(i) for i in range(org.AGENTS)]
LANGUAGES = Languages()


@pytest.fixture(params=["en", "ja"])
def words(request: pytest.FixtureRequest) -> Words:
    """Each test in English and in Japanese: the pages fit Cliq in both."""
    return LANGUAGES.words(request.param)


def shown(card: Message) -> str:
    """Everything a card shows, as one text (slide titles, cells, labels)."""
    check_reply(card.to_wire())  # what the sandbox Cliq holds every answer to
    return "\n".join(f"{s.title}\n{s.data}" for s in card.slides or [])


async def plan(svc: AttendanceService, view: View, words: Words) -> ReportPlan:
    return await plan_for(svc, ALL, {}, org.FIRST, org.LAST, view, org.ZONE, words)


@pytest.mark.parametrize("view", ["list", "table"])
async def test_every_agent_chunk_and_status_part_is_on_exactly_one_page(
    big_org: AttendanceService, view: View, words: Words
) -> None:
    found = await plan(big_org, view, words)
    units = [u for page in range(found.layout.pages) for u in found.units(page)]
    parts = len(found.layout.parts)
    assert len(units) == len(set(units)) == 5 * org.AGENTS * parts  # 30 days: 5 chunks
    assert {(c, e) for c, e, _ in units} == {(c, e) for c in range(5) for e in ALL}
    rows = [s.name for part in found.layout.parts for s in part]
    assert len(rows) == 3 + 22  # every status but Check Out, the two deleted ones included
    assert set(org.DELETED) <= set(rows)


@pytest.mark.parametrize("view", ["list", "table"])
async def test_pages_fit_cliq_and_together_show_every_status(
    big_org: AttendanceService, view: View, words: Words
) -> None:
    found = await plan(big_org, view, words)
    last = found.layout.pages - 1
    chunk_starts = [found.page_of_group(c * org.AGENTS) for c in range(5)]
    pages = sorted({0, 1, last, *chunk_starts, *random.Random(12).sample(range(last), 12)})
    seen = ""
    agents_seen: set[str] = set()
    for page in pages:
        card = report_card(
            found, page, await read_page(big_org, found, page, org.ZONE), zone=org.ZONE, key="k1"
        )
        text = shown(card)
        seen += text
        agents_seen |= {e for _, e, _ in found.units(page) if e in text}
        keys = [b.key for b in card.buttons or []]
        assert (f"attrep:k1:{view[0]}:{page + 2}" in keys) == (page < last)  # 1-based
        assert (f"attrep:k1:{view[0]}:{page}" in keys) == (page > 0)
        assert found.layout.line(page, words) in (card.text or "")
    assert agents_seen == {e for p in pages for _, e, _ in found.units(p)}
    statuses = await big_org.statuses(include_deleted=True)
    for status in statuses:
        if status.id != CHECK_OUT:
            assert shown_name(status, words) in seen, status.name


async def test_one_agent_over_a_whole_year_is_paged_not_refused(
    big_org: AttendanceService, words: Words
) -> None:
    """Viewing has no 30-day cap: 365 days of one agent, 53 weekly units, every day shown."""
    start = date(2026, 1, 1)
    end = date(2026, 12, 31)
    found = await plan_for(big_org, [org.email(7)], {}, start, end, "list", org.ZONE, words)
    days_seen = set()
    for page in range(found.layout.pages):
        card = report_card(
            found, page, await read_page(big_org, found, page, org.ZONE), zone=org.ZONE, key="k"
        )
        text = shown(card)
        days_seen |= {
            start + timedelta(days=d)
            for d in range(365)
            if day_label(start + timedelta(days=d), words) in text
        }
    assert len(days_seen) == 365


@pytest.mark.parametrize("view", ["list", "table"])
async def test_a_week_with_every_status_is_paged_within_cliqs_limits(
    big_org: AttendanceService, view: View, words: Words
) -> None:
    """Agent 0's week holds time in 21 statuses; every one is on a page of the week card."""
    week = await big_org.week(org.email(0), org.ZONE, date(2026, 11, 18))
    used = {sid for d in week.agent.days for sid, t in d.per_status.items() if t}
    names = {shown_name(s, words) for s in week.statuses if s.id in used and s.id != CHECK_OUT}
    assert len(names) >= 20
    seen = ""
    page = 0
    while True:
        card = week_card(week, view=view, page=page, words=words)
        seen += shown(card)
        if not any((b.key or "").endswith(f":{page + 2}") for b in card.buttons or []):
            break  # no Next button
        page += 1
    assert all(name in seen for name in names)
    for day in week.agent.days:
        label = column_label if view == "table" else day_label
        assert label(day.day, words) in seen


async def test_the_30_day_csv_of_every_agent_has_every_row_and_status(
    big_org: AttendanceService,
) -> None:
    chunks = await big_org.export(ALL, org.FIRST, org.LAST, org.ZONE)
    data = b"".join([c async for c in chunks])
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == 1 + org.AGENTS * org.DAYS
    header = rows[0]
    for name in (*org.DELETED, org.custom_name(21), "Meal Break", "Check In"):
        assert f"{name} (s)" in header
    assert {r[2] for r in rows[1:]} == set(ALL)
