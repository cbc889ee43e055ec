"""Attendance through chat (SPEC A1-A9, X4), against the real app and sandbox Desk."""

from __future__ import annotations

import pytest

from tests.deskbot.conftest import Deskbot


async def test_check_in_break_and_out_with_the_allowed_moves_as_buttons(deskbot: Deskbot) -> None:
    chat = deskbot.chat()
    answer = await chat.command("checkin")
    assert "You are *Check In*" in answer.text and "Done" in answer.text
    labels = [b["label"] for b in answer.buttons]
    assert "Check Out" in labels and "Meal Break" in labels and "Check In" not in labels
    deskbot.clock.advance(hours=2)
    on_break = await chat.click("Meal Break")
    assert "You are *Meal Break*" in on_break.text and "Worked today: 2 h." in on_break.text
    deskbot.clock.advance(minutes=30)
    back = await chat.say("check in")
    assert "Worked today: 2 h." in back.text  # the break did not count
    deskbot.clock.advance(hours=1)
    out = await chat.command("checkout")
    assert "You are *Check Out*" in out.text and "3 h." in out.text


async def test_a_refused_move_lists_what_is_allowed(deskbot: Deskbot) -> None:
    answer = await deskbot.chat().command("checkout")
    assert "Check In" in answer.text and [b["label"] for b in answer.buttons] == ["Check In"]
    assert "short" in (await deskbot.chat().command("break", "lunch")).text


async def test_the_24_hour_rule_shows_even_after_downtime(deskbot: Deskbot) -> None:
    chat = deskbot.chat()
    await chat.command("checkin")
    deskbot.clock.advance(hours=30)
    answer = await chat.command("attendance")
    assert "You are *Check Out*" in answer.text


async def test_words_and_menu_actions(deskbot: Deskbot) -> None:
    chat = deskbot.chat()
    assert "You are *Check In*" in (await chat.menu("Attendance", "Check In")).text
    assert "You are *Short Break*" in (await chat.say("Short  BREAK")).text


async def test_light_agents_and_strangers_are_refused(deskbot: Deskbot) -> None:
    light = await deskbot.chat("light").command("checkin")
    assert light.kind == "banner" and "not available to light agents" in light.output["text"]
    stranger = await deskbot.chat("stranger").command("attendance")
    assert stranger.title == "Not a Desk agent"


@pytest.mark.parametrize(
    "words",
    [
        "board",
        "report agent@example.com 2026-03-01 2026-03-02",
        "checkout admin@example.com",
        "statuses",
        "purge",
        "status admin@example.com",
    ],
)
async def test_admin_commands_are_for_admins(deskbot: Deskbot, words: str) -> None:
    answer = await deskbot.chat("agent").command("attendance", words)
    assert answer.kind == "banner" and "Only admins" in answer.output["text"]


async def test_board_report_and_admin_checkout(deskbot: Deskbot) -> None:
    await deskbot.chat("agent").command("checkin")
    admin = deskbot.chat("admin")
    board = await admin.command("attendance", "board")
    columns = {s["title"].split(" (")[0]: s["data"] for s in board.slides}
    assert any("Aiko Tanaka" in name for name in columns["Check In"])
    deskbot.clock.advance(hours=3)
    report = await admin.command("attendance", "report agent@example.com 2026-03-01 2026-03-02")
    assert report.slides[0]["title"] == "Aiko Tanaka · 1 – 2 Mar 2026"
    table = await admin.click("Table view")
    assert table.slides[0]["type"] == "table"
    assert table.slides[0]["title"] == "Aiko Tanaka · agent@example.com"
    done = await admin.command("attendance", "checkout agent@example.com")
    assert "Aiko Tanaka is checked out (by you, at" in done.output["text"]
    status = await admin.command("attendance", "status Aiko_Tanaka")
    assert "Check Out" in status.text
    months = await admin.command("attendance", "report agent@example.com 2026-01-01 2026-03-01")
    assert "1 Jan – 1 Mar 2026" in months.text  # viewing has no 30-day cap
    bad = await admin.command("attendance", "report agent@example.com 2026-03 x")
    assert "YYYY-MM-DD" in bad.text


async def test_statuses_can_be_added_renamed_retyped_and_deleted(deskbot: Deskbot) -> None:
    admin = deskbot.chat("admin")
    added = await admin.command("attendance", "statuses add Off-site training offline")
    assert added.output["text"] == "Added Off-site training (Offline)."
    await admin.command("attendance", "statuses rename Off-site training to Training")
    await admin.command("attendance", "statuses retype Training online")
    listed = await admin.command("attendance", "statuses")
    assert "Training (Online)" in listed.slides[0]["data"]
    refused = await admin.command("attendance", "statuses delete Check In")
    assert refused.kind == "banner"
    assert (await admin.command("attendance", "statuses delete Training")).output["text"] == (
        "Deleted Training."
    )
    assert "online or offline" in (await admin.command("attendance", "statuses add X maybe")).text


async def test_export_link_downloads_a_csv_and_is_signed(deskbot: Deskbot) -> None:
    chat = deskbot.chat()
    await chat.command("checkin")
    answer = await chat.command("attendance", "export 2026-02-25 2026-03-02")
    url = answer.buttons[0]["action"]["data"]["web"]
    path = url.split("8080")[1]
    response = await deskbot.client.get(path)
    body = await response.read()
    assert response.status == 200 and body.startswith("\ufeff".encode())
    assert b"agent@example.com" in body and b"first_check_in" in body
    forged = await deskbot.client.get(path[:-3] + "abc")
    assert forged.status == 403
    deskbot.clock.advance(minutes=16)
    expired = await deskbot.client.get(path, headers={"Accept": "application/json"})
    assert expired.status == 403 and "expired" in (await expired.json())["reason"]
    too_long = await chat.command("attendance", "export 2026-01-01 2026-03-02")
    assert "at most 30 days" in too_long.text  # with the fix:
    assert "/attendance export 2026-01-01 2026-01-30" in too_long.text


async def test_purge_needs_the_confirm_button(deskbot: Deskbot) -> None:
    await deskbot.chat().command("checkin")
    admin = deskbot.chat("admin")
    asked = await admin.command("attendance", "purge")
    assert "Delete everything" in [b["label"] for b in asked.buttons]
    assert "Check In" in (await deskbot.chat().command("attendance")).text  # nothing gone yet
    button = asked.button("Delete everything")
    done = await admin.click(button)
    assert done.output["text"] == "All attendance data is deleted."
    assert "You are *Check Out*" in (await deskbot.chat().command("attendance")).text
    await deskbot.chat().command("checkin")  # after the purge: a second click must keep it
    again = await admin.click(button)
    assert again.output["text"] == "Already done: the attendance data was deleted."
    assert "Check In" in (await deskbot.chat().command("attendance")).text
