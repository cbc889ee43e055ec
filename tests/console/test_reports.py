"""`/console/agents/{id}` and `POST /console/export` (issue 15, SPEC A7, A8): an agent's report
over any period in a list and a table view with the time per status, and the CSV of chosen
agents over at most 30 days — byte for byte the chat's export. An agent sees only their own."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from tests.console.conftest import Console, signed_in_as
from tests.console.test_board import agent_id
from tests.deskbot.conftest import Deskbot

AGENT = "agent@example.com"
ADMIN = "admin@example.com"


async def a_day_of_work(deskbot: Deskbot) -> None:
    """Aiko: in at 01:00 UTC, a 30-minute short break at 03:00, out at 06:00."""
    chat = deskbot.chat("agent")
    await chat.command("checkin")
    deskbot.clock.advance(hours=2)
    await chat.command("break", "short")
    deskbot.clock.advance(minutes=30)
    await chat.command("checkin")
    deskbot.clock.advance(hours=2, minutes=30)
    await chat.command("checkout")


async def test_the_report_in_both_views_with_the_time_per_status(deskbot: Deskbot) -> None:
    await a_day_of_work(deskbot)
    admin = await signed_in_as(deskbot, ADMIN)
    path = f"/console/agents/{agent_id(deskbot, AGENT)}"
    listed = await (await admin.get(f"{path}?from=2026-03-01&to=2026-03-02")).text()
    assert "Attendance of Aiko Tanaka" in listed
    assert "Worked <strong>4 h 30 min</strong>" in listed
    assert "checked in 01:00, checked out 06:00, worked 4 h 30 min, away 30 min" in listed
    assert "Sun, 1 Mar 2026</strong>:" in listed and "not checked in" in listed
    per_status = listed[listed.index('id="per-status"') :]
    assert re.search(r"Check In</th><td>Online</td><td[^>]*>4 h 30 min<", per_status)
    assert re.search(r"Short Break</th><td>Offline</td><td[^>]*>30 min<", per_status)
    table = await (await admin.get(f"{path}?from=2026-03-02&to=2026-03-02&view=table")).text()
    assert '<table class="report-table">' in table and '<ol class="days"' not in table
    row = table[table.index("Mon 2 Mar</th>") :].split("</tr>")[0]
    assert "<td>01:00</td>" in row and "<td>06:00</td>" in row and "30 min" in row


async def test_the_report_is_in_the_viewers_zone(deskbot: Deskbot) -> None:
    await a_day_of_work(deskbot)
    await deskbot.parts.zones.remember(ADMIN, "Asia/Tokyo")
    admin = await signed_in_as(deskbot, ADMIN)
    page = await (
        await admin.get(f"/console/agents/{agent_id(deskbot, AGENT)}?from=2026-03-02&to=2026-03-02")
    ).text()
    assert "checked in 10:00, checked out 15:00" in page and "times in Asia/Tokyo" in page


async def test_an_agent_sees_their_own_report_and_no_one_elses(deskbot: Deskbot) -> None:
    await a_day_of_work(deskbot)
    agent = await signed_in_as(deskbot, AGENT)
    home = await (await agent.get("/console/")).text()
    assert f'<a href="/console/agents/{agent_id(deskbot, AGENT)}">My attendance report</a>' in home
    own = await agent.get(f"/console/agents/{agent_id(deskbot, AGENT)}")
    assert own.status == 200 and "Worked <strong>4 h 30 min</strong>" in await own.text()
    assert '<select id="export-agents"' not in await own.text()  # only their own to export
    other = await agent.get(f"/console/agents/{agent_id(deskbot, 'maria@example.com')}")
    assert other.status == 403
    assert "Only admins can see other agents&#39; attendance." in await other.text()


@pytest.mark.parametrize(
    ("query", "said"),
    [
        ("from=2026-13-01", "is not a date"),
        ("from=2026-03-05&to=2026-03-01", "The end date is before the start date."),
        ("from=2024-01-01&to=2026-03-02", "A report page covers at most 366 days"),
        ("from=1999-01-01", "Dates run from 2000-01-01"),
    ],
)
async def test_a_period_the_report_cannot_show_is_said_and_the_last_week_shown(
    deskbot: Deskbot, query: str, said: str
) -> None:
    admin = await signed_in_as(deskbot, ADMIN)
    answer = await admin.get(f"/console/agents/{agent_id(deskbot, AGENT)}?{query}")
    assert answer.status == 400
    page = await answer.text()
    assert said in page and "Tue, 24 Feb 2026 to Mon, 2 Mar 2026 (7 days)" in page


async def export(console: Console, agents: list[str], start: str, end: str) -> tuple[int, bytes]:
    form = [("csrf", await console.csrf()), ("from", start), ("to", end)]
    form += [("agents", a) for a in agents]
    answer = await console.deskbot.client.post("/console/export", data=form, allow_redirects=False)
    assert answer.headers["X-Request-Id"]  # (a streamed download too)
    return answer.status, await answer.read()


async def test_the_export_is_the_chats_csv_byte_for_byte(deskbot: Deskbot) -> None:
    await a_day_of_work(deskbot)
    await deskbot.parts.zones.remember(ADMIN, "Asia/Tokyo")  # as the chat test calls carry
    admin = await signed_in_as(deskbot, ADMIN)
    chosen = [agent_id(deskbot, AGENT), agent_id(deskbot, "maria@example.com")]
    status, ours = await export(admin, chosen, "2026-03-01", "2026-03-02")
    assert status == 200
    reply = await deskbot.chat("admin").command(
        "attendance", f"export 2026-03-01 2026-03-02 {AGENT} maria@example.com"
    )
    [button] = reply.buttons
    link = urlsplit(str(button["action"]["data"]["web"]))  # on the bot's public URL
    download = await deskbot.client.get(f"{link.path}?{link.query}")
    assert download.status == 200 and download.headers["X-Request-Id"]
    chats = await download.read()
    assert ours == chats
    lines = ours.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("date,agent_name,agent_email,time_zone,first_check_in")
    assert len(lines) == 1 + 2 * 2
    assert (
        "2026-03-02,Aiko Tanaka,agent@example.com,Asia/Tokyo,2026-03-02T10:00:00+09:00"
        in ours.decode()
    )


async def test_an_export_over_30_days_is_refused_saying_why(deskbot: Deskbot) -> None:
    admin = await signed_in_as(deskbot, ADMIN)
    status, body = await export(admin, [agent_id(deskbot, AGENT)], "2026-01-01", "2026-03-02")
    assert status == 400
    page = body.decode()
    assert "An export covers at most 30 days; 2026-01-01 to 2026-03-02 is 61 days." in page
    assert "export it in parts" in page
    status, _ = await export(admin, [agent_id(deskbot, AGENT)], "2026-02-01", "2026-03-02")
    assert status == 200  # 30 days exactly


async def test_an_agent_exports_only_their_own(deskbot: Deskbot) -> None:
    await a_day_of_work(deskbot)
    agent = await signed_in_as(deskbot, AGENT)
    status, own = await export(agent, [agent_id(deskbot, AGENT)], "2026-03-02", "2026-03-02")
    assert status == 200 and b"agent@example.com" in own
    status, body = await export(
        agent, [agent_id(deskbot, AGENT), agent_id(deskbot, ADMIN)], "2026-03-02", "2026-03-02"
    )
    assert status == 403 and b"You can export only your own attendance." in body
    assert b"text/csv" not in body


@pytest.mark.parametrize("agents", [[], ["999999"]])
async def test_an_export_of_no_or_unknown_agents_is_refused(
    deskbot: Deskbot, agents: list[str]
) -> None:
    admin = await signed_in_as(deskbot, ADMIN)
    status, body = await export(admin, agents, "2026-03-01", "2026-03-02")
    assert status == 400
    assert b"Choose at least one agent" in body or b"There is no agent" in body


EXPORT_FROM = re.compile(r'id="export-from" name="from" value="([^"]+)"')
EXPORT_TO = re.compile(r'id="export-to" name="to" value="([^"]+)"')


@pytest.mark.parametrize(
    ("start", "end", "offered"),
    [
        ("2026-01-01", "2026-01-31", ("2026-01-02", "2026-01-31")),  # a 31-day month
        ("2025-03-03", "2026-03-02", ("2026-02-01", "2026-03-02")),  # 366 days, the most shown
        ("2026-02-01", "2026-03-02", ("2026-02-01", "2026-03-02")),  # 30 days: all of it
        ("2026-02-24", "2026-03-02", ("2026-02-24", "2026-03-02")),
    ],
)
async def test_the_export_form_offers_only_what_an_export_allows(
    deskbot: Deskbot, start: str, end: str, offered: tuple[str, str]
) -> None:
    """The report's period pre-fills the export form, capped to the export's 30 days (its last
    ones, said on the page), so the download as offered is never refused."""
    await a_day_of_work(deskbot)
    admin = await signed_in_as(deskbot, ADMIN)
    aiko = agent_id(deskbot, AGENT)
    page = await (await admin.get(f"/console/agents/{aiko}?from={start}&to={end}")).text()
    found_from, found_to = EXPORT_FROM.search(page), EXPORT_TO.search(page)
    assert found_from and found_to, page
    assert (found_from.group(1), found_to.group(1)) == offered
    assert ('id="export-capped"' in page) == (offered[0] != start)
    if offered[0] != start:
        assert "more than an export may: the form offers its last 30 days" in page
    status, _ = await export(admin, [aiko], *offered)
    assert status == 200


@pytest.mark.parametrize("headers", ["klingon", "PEOPLE", " programs", "people,programs"])
async def test_an_export_with_column_names_the_form_does_not_offer_is_refused(
    deskbot: Deskbot, headers: str
) -> None:
    admin = await signed_in_as(deskbot, ADMIN)
    form = [("csrf", await admin.csrf()), ("from", "2026-03-01"), ("to", "2026-03-02")]
    form += [("agents", agent_id(deskbot, AGENT)), ("headers", headers)]
    answer = await deskbot.client.post("/console/export", data=form, allow_redirects=False)
    assert answer.status == 400
    assert "text/csv" not in answer.headers.get("Content-Type", "")
    assert "Choose column names in this page&#39;s language or for programs." in (
        await answer.text()
    )
    for offered in ("people", "programs"):
        form[-1] = ("headers", offered)
        answer = await deskbot.client.post("/console/export", data=form, allow_redirects=False)
        assert answer.status == 200 and answer.content_type == "text/csv"
