"""The admin's console pages in a real browser (Debian's Chromium through Playwright): the board
refreshes by itself when a status changes, a card opens the agent's report in both views, an
agent is checked out from the board after the confirmation, a CSV is exported and read, a
notification switch turned off is obeyed by the bot, and the outbox's dead letters are retried.
Screenshots of each page go to docs/console/ (README "Web console")."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientSession
from playwright.async_api import Page, expect

from tests.console.browser import WALL, PageAs, Served, screenshot

pytestmark = pytest.mark.asyncio(loop_scope="session")

ADMIN = "admin@example.com"


def column(page: Page, name: str) -> Any:
    """The board's column of the status `name`."""
    return page.locator(f"section.column:has(h2:text-matches('^{name} \\\\('))")


async def test_a_status_change_shows_on_the_board_by_itself(
    page_as: PageAs, served: Served
) -> None:
    board = await page_as(ADMIN, viewport=WALL, next="/console/board")
    await expect(board.get_by_role("heading", name="Attendance board", level=1)).to_be_visible()
    await expect(
        column(board, "Check Out").get_by_role("link", name="Kenji Watanabe", exact=True)
    ).to_have_count(1)
    agent = await page_as("kenji@example.com")
    await agent.get_by_role("button", name="Check In (Online)").click()
    await expect(agent.get_by_role("status")).to_have_text("Done: you are Check In now.")
    served.clock.advance(minutes=12)
    await board.clock.run_for(5_000)  # the board's own refresh, no reload
    checked_in = column(board, "Check In")
    await expect(checked_in.get_by_role("link", name="Kenji Watanabe", exact=True)).to_have_count(1)
    await expect(checked_in).to_contain_text("12 min, since 01:00")
    await expect(
        column(board, "Check Out").get_by_role("link", name="Kenji Watanabe", exact=True)
    ).to_have_count(0)
    await screenshot(board, "board")


async def test_an_agent_is_refused_the_board(page_as: PageAs, served: Served) -> None:
    page = await page_as("omar@example.com", next="/console/board")
    await expect(page.get_by_role("alert")).to_contain_text("Only admins can do that.")
    await expect(page.locator("section.column")).to_have_count(0)


async def test_a_card_opens_the_report_in_both_views(page_as: PageAs, served: Served) -> None:
    agent = await page_as("sofia@example.com")
    await agent.get_by_role("button", name="Check In (Online)").click()
    await expect(agent.get_by_role("status")).to_have_text("Done: you are Check In now.")
    served.clock.advance(hours=2)
    await agent.get_by_role("button", name="Short Break (Offline)").click()
    served.clock.advance(minutes=15)
    board = await page_as(ADMIN, next="/console/board")
    await board.get_by_role("link", name="Sofia Rossi", exact=True).click()
    await expect(board.get_by_role("heading", name="Attendance of Sofia Rossi")).to_be_visible()
    await expect(board.locator("ol.days")).to_contain_text("worked 2 h, away 15 min")
    per_status = board.get_by_role("table").filter(has_text="Time per status")
    await expect(board.get_by_role("row", name="Short Break Offline 15 min")).to_be_visible()
    assert per_status is not None
    await screenshot(board, "report-list")
    await board.get_by_label("Table").check()
    await board.get_by_role("button", name="Show").click()
    table = board.locator("table.report-table")
    await expect(table).to_be_visible()
    await expect(table.get_by_role("columnheader", name="Short Break")).to_be_visible()
    await expect(board.locator("ol.days")).to_have_count(0)
    await screenshot(board, "report-table")


async def test_an_admin_checks_an_agent_out_from_the_board(page_as: PageAs, served: Served) -> None:
    agent = await page_as("hiro@example.com")
    await agent.get_by_role("button", name="Check In (Online)").click()
    await expect(agent.get_by_role("status")).to_have_text("Done: you are Check In now.")
    board = await page_as(ADMIN, next="/console/board")
    await board.get_by_role("link", name="Check Hiro Kobayashi out").click()
    await expect(board.get_by_role("heading", name="Check an agent out")).to_be_visible()
    await expect(board.get_by_text("They will be told by DM.")).to_be_visible()
    await screenshot(board, "board-checkout")
    await board.get_by_role("button", name="Check Hiro Kobayashi out").click()
    await expect(board.get_by_role("status")).to_contain_text(
        "Hiro Kobayashi is checked out (by you, at"
    )
    await expect(
        column(board, "Check Out").get_by_role("link", name="Hiro Kobayashi", exact=True)
    ).to_have_count(1)
    state = await served.parts.attendance.status("hiro@example.com")
    assert not state.checked_in
    [event] = [e for e in await served.parts.attendance.log.events("hiro@example.com")][-1:]
    assert event.actor == ADMIN
    # the DM the chat's check-out sends is queued with the event, to Hiro
    rows = await served.parts.db.fetchall(
        "SELECT dedupe_key, target_kind, target, rerouted_from FROM outbox"
        " WHERE dedupe_key LIKE 'attendance:hiro@example.com:%'"
    )
    assert [r["rerouted_from"] or f"{r['target_kind']}:{r['target']}" for r in rows] == [
        "user:hiro@example.com"
    ]


async def test_an_admin_exports_a_csv_and_reads_it(
    page_as: PageAs, served: Served, tmp_path: Path
) -> None:
    agent = await page_as("emma@example.com")
    await agent.get_by_role("button", name="Check In (Online)").click()
    await expect(agent.get_by_role("status")).to_have_text("Done: you are Check In now.")
    served.clock.advance(minutes=30)
    await agent.get_by_role("button", name="Check Out (Offline)").click()
    page = await page_as(ADMIN, next="/console/board")
    await page.get_by_role("link", name="Emma Stone", exact=True).click()
    await page.get_by_label("Agents").select_option(label=["Emma Stone", "Sofia Rossi"])
    day = served.clock.now().date().isoformat()
    await page.get_by_label("From", exact=True).last.fill(day)
    await page.locator("#export-to").fill(day)
    async with page.expect_download() as download_info:
        await page.get_by_role("button", name="Download CSV").click()
    download = await download_info.value
    assert download.suggested_filename == f"attendance-{day}-{day}.csv"
    saved = tmp_path / "export.csv"
    await download.save_as(saved)
    rows = list(csv.DictReader(io.StringIO(saved.read_text(encoding="utf-8-sig"))))
    assert [r["agent_email"] for r in rows] == ["emma@example.com", "sofia@example.com"]
    emma = rows[0]
    assert emma["agent_name"] == "Emma Stone" and emma["worked_seconds"] == "1800"
    # more than 30 days: refused, saying so, on the page
    await page.locator("#export-from").fill("2026-01-01")
    await page.get_by_role("button", name="Download CSV").click()
    await expect(page.get_by_role("alert")).to_contain_text("An export covers at most 30 days")


async def settle(served: Served) -> list[dict[str, Any]]:
    """Deliver the sandbox Desk's webhooks, process the inbox, send the outbox."""
    sandbox = served.parts.sandboxes
    await sandbox.desk.deliverer.idle()
    while await served.parts.notifier.run_once():
        pass
    while await served.parts.sender.run_once():
        pass
    return list(sandbox.cliq.messages)


async def change_ticket(served: Served, number: int, **fields: Any) -> None:
    desk = served.parts.sandboxes.urls["desk"]
    async with ClientSession() as session:
        async with session.patch(f"{desk}/sandbox/tickets/{number}", json=fields) as answer:
            assert answer.status == 200, await answer.text()


async def test_a_switch_turned_off_in_the_browser_is_obeyed(
    page_as: PageAs, served: Served
) -> None:
    await served.parts.installation.install(served.url)
    bot = served.parts.config.cliq.bot_unique_name
    served.parts.sandboxes.cliq.open_bot_chat(bot, "agent@example.com")
    page = await page_as(ADMIN, next="/console/settings")
    for where in ("by DM", "in channels"):
        await page.get_by_role("button", name=f"Status changed {where}: on. Turn off").click()
        await expect(page.get_by_role("status")).to_contain_text("Status changed notifications")
    await expect(
        page.get_by_role("button", name="Status changed by DM: off. Turn on")
    ).to_have_attribute("aria-pressed", "false")
    await screenshot(page, "settings")
    before = len(await settle(served))
    await change_ticket(served, 115, actor="maria@example.com", status="On Hold")
    after = await settle(served)
    assert after[before:] == []  # switched off: nothing posted
    await page.get_by_role("button", name="Status changed by DM: off. Turn on").click()
    await change_ticket(served, 115, actor="maria@example.com", status="Open")
    posted = (await settle(served))[before:]
    assert [(m["target"], "Status changed" in m["body"]["text"]) for m in posted] == [
        ("agent@example.com", True)
    ]


async def test_a_dead_letter_is_retried_from_the_outbox(page_as: PageAs, served: Served) -> None:
    await served.parts.sender.queue(
        "channel", "gone", {"text": "Posted to a channel that is gone"}, dedupe_key="b:gone"
    )
    while await served.parts.sender.run_once():
        pass
    [dead] = [p for p in await served.parts.outbox.dead_letters() if p.target == "gone"]
    page = await page_as(ADMIN, next="/console/outbox")
    await expect(
        page.get_by_role("row").filter(has_text="Posted to a channel that is gone")
    ).to_be_visible()
    await screenshot(page, "outbox")
    await page.get_by_role("button", name=f"Drop post {dead.id}").click()
    await expect(page.get_by_role("status")).to_have_text(f"The post {dead.id} is dropped.")
    assert all(p.id != dead.id for p in await served.parts.outbox.dead_letters())


async def test_the_board_is_usable_from_the_keyboard(page_as: PageAs, served: Served) -> None:
    agent = await page_as("tom@example.com")
    await agent.get_by_role("button", name="Check In (Online)").click()
    await expect(agent.get_by_role("status")).to_have_text("Done: you are Check In now.")
    board = await page_as(ADMIN, next="/console/board")
    checkout = board.get_by_role("link", name="Check Tom Baker out")
    for _ in range(60):  # Tab through the page until the card's check-out link has focus
        await board.keyboard.press("Tab")
        if await checkout.evaluate("link => link === document.activeElement"):
            break
    else:
        raise AssertionError("the check-out link is not reachable with Tab")
    await board.clock.run_for(5_000)  # a refresh keeps the focus on the same card's link
    await expect(checkout).to_be_focused()
    await board.keyboard.press("Enter")
    await expect(board.get_by_role("heading", name="Check an agent out")).to_be_visible()
    await board.get_by_role("button", name="Check Tom Baker out").focus()
    await board.keyboard.press("Enter")
    await expect(board.get_by_role("status")).to_contain_text("Tom Baker is checked out")
    assert not (await served.parts.attendance.status("tom@example.com")).checked_in
