"""Reports and exports as people use them (SPEC A7, A8, X2), through the real app and sandboxes:
what an agent and an admin type and click, and what they read back."""

from __future__ import annotations

import csv
import io
from typing import Any

from bot.sandbox.cliq.replies import check_reply
from bot.testing import Conversation
from tests.deskbot.conftest import PEOPLE, Deskbot


def labels(answer: Any) -> dict[str, dict[str, str]]:
    """Each label slide as title -> {label: value}."""
    return {
        s["title"]: {k: v for pair in s["data"] for k, v in pair.items()}
        for s in answer.slides
        if s["type"] == "label"
    }


async def aikos_monday(deskbot: Deskbot) -> Conversation:
    """Aiko (Asia/Tokyo) checks in at 09:00 on Monday 2 March, lunches 12:00-12:45 and checks
    out at 18:00: 8 h 15 min worked."""
    chat = deskbot.chat()
    deskbot.clock.set("2026-03-02T00:00:00+00:00")  # 09:00 in Tokyo
    await chat.command("checkin")
    deskbot.clock.advance(hours=3)
    await chat.say("meal break")
    deskbot.clock.advance(minutes=45)
    await chat.say("check in")
    deskbot.clock.advance(hours=5, minutes=15)
    await chat.command("checkout")
    return chat


async def download(deskbot: Deskbot, answer: Any) -> list[list[str]]:
    url = answer.button("Download CSV")["action"]["data"]["web"]
    response = await deskbot.client.get(url.split("8080")[1])
    assert response.status == 200
    return list(csv.reader(io.StringIO((await response.read()).decode("utf-8-sig"))))


async def test_an_agent_reads_their_week_per_day_with_time_per_status(deskbot: Deskbot) -> None:
    chat = await aikos_monday(deskbot)
    week = await chat.command("attendance", "week")
    assert week.text == "Week of 2 – 8 Mar 2026 (Asia/Tokyo): 8 h 15 min worked."
    monday = labels(week)["Mon 2 Mar"]
    assert monday == {
        "In": "09:00",
        "Out": "18:00",
        "Worked": "8 h 15 min",
        "Check In": "8 h 15 min",
        "Meal Break": "45 min",
    }
    assert labels(week)["Tue 3 Mar"]["In"] == "–"
    assert labels(week)["Week"] == {
        "Worked": "8 h 15 min",
        "Check In": "8 h 15 min",
        "Meal Break": "45 min",
    }
    assert [b["label"] for b in week.buttons] == ["◀ Previous week", "Next week ▶", "Table view"]


async def test_the_table_view_and_other_weeks_are_a_click_or_a_date_away(
    deskbot: Deskbot,
) -> None:
    chat = await aikos_monday(deskbot)
    week = await chat.command("attendance", "week")
    table = await chat.click(week.button("Table view"))
    [slide] = table.slides
    assert slide["type"] == "table"
    assert slide["data"]["headers"][:3] == ["2 – 8 Mar", "Mon 2", "Tue 3"]
    rows = {r["2 – 8 Mar"]: r for r in slide["data"]["rows"]}
    assert rows["In"]["Mon 2"] == "09:00" and rows["Out"]["Mon 2"] == "18:00"
    assert rows["Worked"]["Total"] == "8:15" and rows["Meal Break"]["Mon 2"] == "0:45"
    assert rows["Short Break"]["Total"] == "–"  # every status is a row, used or not
    before = await chat.click(table.button("◀ Previous week"))
    assert before.text.startswith("Week of 23 Feb – 1 Mar 2026")
    assert before.slides[0]["type"] == "table"  # the view is kept
    back = await chat.click(before.button("Next week ▶"))
    assert back.text.startswith("Week of 2 – 8 Mar 2026")
    november = await chat.command("attendance", "week 2026-11-18")
    assert november.text.startswith("Week of 16 – 22 Nov 2026")
    for bad in ("2026-13-45", "next", "2026-11-16 2026-11-17", "1999-12-31"):
        refused = await chat.command("attendance", f"week {bad}")
        assert "Usage" in refused.text and "YYYY-MM-DD" in refused.text, bad


async def test_times_are_shown_in_the_readers_own_zone(deskbot: Deskbot) -> None:
    await aikos_monday(deskbot)
    user = {**PEOPLE["agent"], "timezone": "America/New_York"}
    new_york = Conversation(deskbot.client, deskbot.signer, user=user, check_output=check_reply)
    week = await new_york.command("attendance", "week 2026-03-01")
    assert week.text.startswith("Week of 23 Feb – 1 Mar 2026 (America/New_York)")
    sunday = labels(week)["Sun 1 Mar"]  # 09:00 – 18:00 in Tokyo is 19:00 – 04:00 in New York
    assert (sunday["In"], sunday["Out"], sunday["Worked"]) == ("19:00", "–", "4 h 15 min")
    monday = labels(await new_york.click(week.button("Next week ▶")))["Mon 2 Mar"]
    assert (monday["In"], monday["Out"], monday["Worked"]) == ("–", "04:00", "4 h")


async def test_an_admin_reports_chosen_agents_with_name_email_times_and_statuses(
    deskbot: Deskbot,
) -> None:
    await aikos_monday(deskbot)
    admin = deskbot.chat("admin")
    report = await admin.command(
        "attendance", "report agent@example.com, Kenji_Watanabe 2026-03-02 2026-03-02"
    )
    assert report.text.startswith("2 agents, 2 Mar 2026; times in Asia/Tokyo.")
    aiko = labels(report)["Aiko Tanaka · 2 Mar 2026"]
    assert aiko == {
        "E-mail": "agent@example.com",
        "Mon 2 Mar": "09:00 – 18:00 · 8 h 15 min",
        "Worked": "8 h 15 min",
        "Check In": "8 h 15 min",
        "Meal Break": "45 min",
    }
    kenji = labels(report)["Kenji Watanabe · 2 Mar 2026"]  # never used attendance: by name
    assert kenji["E-mail"] == "kenji@example.com" and kenji["Mon 2 Mar"] == "–"
    table = await admin.click(report.button("Table view"))
    assert [s["title"] for s in table.slides] == [
        "Aiko Tanaka · agent@example.com",
        "Kenji Watanabe · kenji@example.com",
    ]
    rows = {r["2 Mar"]: r for r in table.slides[0]["data"]["rows"]}
    assert rows["In"]["Mon 2"] == "09:00" and rows["Meal Break"]["Total"] == "0:45"


async def test_with_23_statuses_every_status_shows_in_both_views(deskbot: Deskbot) -> None:
    admin = deskbot.chat("admin")
    names = [f"Project {chr(65 + i)}" for i in range(19)]  # 4 built in + 19 = 23
    for name in names:
        await admin.command("attendance", f"statuses add {name} online")
    chat = deskbot.chat()
    await chat.command("checkin")
    for name in names:
        deskbot.clock.advance(minutes=10)
        assert f"You are *{name}*" in (await chat.command("attendance", name)).text
    deskbot.clock.advance(minutes=10)
    await chat.command("checkout")
    for view in ("list", "table"):
        report = await admin.command("attendance", "report agent@example.com 2026-03-02")
        if view == "table":
            report = await admin.click(report.button("Table view"))
        shown = str(report.slides)
        for name in ["Check In", *names]:
            assert name in shown, (view, name)


async def test_an_admin_pages_through_every_agent(deskbot: Deskbot) -> None:
    admin = deskbot.chat("admin")
    report = await admin.command("attendance", "report all 2026-01-01 2026-03-02")
    # every agent the board counts: a light agent sees no attendance and is not counted
    agents = {a["emailId"] for a in deskbot.parts.sandboxes.desk.agents} - {"light@example.com"}
    seen: set[str] = set()
    pages = 0
    while True:
        pages += 1
        seen |= {a for a in agents if a in str(report.slides)}
        if "Next" not in [b["label"] for b in report.buttons]:
            break
        report = await admin.click(report.button("Next"))
    assert seen == agents and pages > 1
    assert f"Page {pages} of {pages} (the last)." in report.text
    first = await admin.click(report.button("Previous"))
    assert f"Page {pages - 1} of {pages}" in first.text


async def test_an_admin_exports_the_agents_they_name(deskbot: Deskbot) -> None:
    await aikos_monday(deskbot)
    admin = deskbot.chat("admin")
    answer = await admin.command("attendance", "export 2026-03-02 2026-03-02 kenji@example.com")
    assert answer.text.startswith("Attendance of 1 agent, 2 Mar 2026, as CSV")
    rows = await download(deskbot, answer)
    assert [r[2] for r in rows[1:]] == ["kenji@example.com"]  # not the admin's own
    both = await admin.command("attendance", "export 2026-03-02 2026-03-03 Aiko_Tanaka nobody")
    assert "No Desk agent “nobody”" in both.text  # a name that is no one is refused
    both = await admin.command(
        "attendance", "export 2026-03-02 2026-03-03 Aiko_Tanaka kenji@example.com"
    )
    rows = await download(deskbot, both)
    assert {(r[0], r[2]) for r in rows[1:]} == {
        (day, who)
        for day in ("2026-03-02", "2026-03-03")
        for who in ("agent@example.com", "kenji@example.com")
    }
    aiko = next(r for r in rows if r[2] == "agent@example.com" and r[0] == "2026-03-02")
    assert aiko[4] == "2026-03-02T09:00:00+09:00" and aiko[7] == "8:15:00"


async def test_an_export_from_the_report_card_covers_its_agents_and_days(
    deskbot: Deskbot,
) -> None:
    await aikos_monday(deskbot)
    admin = deskbot.chat("admin")
    report = await admin.command(
        "attendance", "report agent@example.com mario 2026-03-01 2026-03-02"
    )
    assert "No Desk agent “mario”" in report.text
    report = await admin.command(
        "attendance", "report agent@example.com maria@example.com 2026-03-01 2026-03-02"
    )
    rows = await download(deskbot, await admin.click(report.button("Export CSV")))
    assert {r[2] for r in rows[1:]} == {"agent@example.com", "maria@example.com"}
    assert len(rows) == 1 + 2 * 2
    months = await admin.command("attendance", "report agent@example.com 2026-01-01 2026-03-02")
    refused = await admin.click(months.button("Export CSV"))  # viewing yes, export no
    assert "at most 30 days" in refused.text
    assert "/attendance export 2026-01-01 2026-01-30" in refused.text


async def test_an_agent_exports_only_their_own(deskbot: Deskbot) -> None:
    chat = await aikos_monday(deskbot)
    mine = await chat.command("attendance", "export 2026-03-02 2026-03-02")
    assert mine.text.startswith("Your attendance, 2 Mar 2026, as CSV")
    assert [r[2] for r in (await download(deskbot, mine))[1:]] == ["agent@example.com"]
    named = await chat.command("attendance", "export 2026-03-02 2026-03-02 agent@example.com")
    assert named.text.startswith("Your attendance")
    other = await chat.command("attendance", "export 2026-03-02 2026-03-02 kenji@example.com")
    assert other.text == (
        "You can export only your own attendance: /attendance export 2026-03-02 2026-03-02."
        " An admin can export other agents'."
    )
    assert "Download CSV" not in [b["label"] for b in other.buttons or []]
