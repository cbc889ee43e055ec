"""The console in Japanese in a real browser (issue 15 item 4; Debian's Chromium through
Playwright): a browser whose language is Japanese (`Accept-Language: ja-JP`) signs in and sees
every word in Japanese, changes status, and an admin who reads English switches the page to 日本語
with the header's switch and sees the board in Japanese, refreshing by itself and saying
再接続中… when Deskbot does not answer; Automatic gives the page back to the browser's language.
Screenshots `my-status-ja` and `board-ja` go to docs/console/ (README "Web console")."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.async_api import Page, Route, expect

from tests.console.browser import WALL, PageAs, Served, screenshot

pytestmark = pytest.mark.asyncio(loop_scope="session")

ADMIN = "admin@example.com"
AGENT = "kenji@example.com"
COLUMNS = "**/console/board/columns"


def column(page: Page, name: str) -> Any:
    """The board's column of the status `name`."""
    return page.locator(f"section.column:has(h2:text-matches('^{name} \\\\('))")


async def test_a_japanese_browser_signs_in_and_changes_status(
    page_as: PageAs, served: Served
) -> None:
    page = await page_as(AGENT, locale="ja-JP")
    await expect(page.locator("html")).to_have_attribute("lang", "ja")
    await expect(page.get_by_role("heading", name="自分の状況", level=1)).to_be_visible()
    await expect(page.locator(".current")).to_contain_text("現在のステータス: 退勤")
    await expect(page.get_by_role("button", name="サインアウト")).to_be_visible()
    await page.get_by_role("button", name="出勤 (オンライン)").click()
    await expect(page.get_by_role("status")).to_have_text("完了: 現在のステータスは出勤です。")
    assert (await served.parts.attendance.status(AGENT)).status.name == "Check In"
    served.clock.advance(minutes=42)
    await page.reload()
    await expect(page.get_by_role("timer")).to_have_text("0:42:00")
    await expect(page.locator(".totals")).to_contain_text("今日42分")
    await expect(page.locator(".since")).to_contain_text("から")
    await screenshot(page, "my-status-ja")


async def test_an_admin_switches_to_japanese_and_sees_the_board(
    page_as: PageAs, served: Served
) -> None:
    board = await page_as(ADMIN, viewport=WALL, next="/console/board")
    await expect(board.get_by_role("heading", name="Attendance board", level=1)).to_be_visible()
    await board.get_by_role("button", name="日本語").click()
    await expect(board.locator("html")).to_have_attribute("lang", "ja")
    await expect(board.get_by_role("heading", name="出退勤ボード", level=1)).to_be_visible()
    await expect(board.get_by_role("button", name="日本語")).to_have_attribute(
        "aria-pressed", "true"
    )
    checked_in = column(board, "出勤")
    await expect(checked_in.get_by_role("link", name="Kenji Watanabe", exact=True)).to_have_count(1)
    await expect(checked_in).to_contain_text("42分、1:00から")
    await expect(column(board, "退勤")).to_contain_text("まだ出勤していません")
    await expect(checked_in.get_by_role("link", name="Kenji Watanabeを退勤させる")).to_have_text(
        "退勤させる…"
    )
    served.clock.advance(minutes=3)
    await board.clock.run_for(5_000)  # the board's own refresh, still in Japanese
    await expect(checked_in).to_contain_text("45分、1:00から")
    await screenshot(board, "board-ja")

    async def down(route: Route) -> None:
        await route.abort("connectionrefused")

    await board.route(COLUMNS, down)
    async with board.expect_request(COLUMNS):
        await board.clock.run_for(5_000)
    await expect(board.locator("p.reconnecting")).to_have_text(
        "再接続中… Deskbotが応答しません。5秒後にもう一度試します。"
    )
    await board.unroute(COLUMNS)

    await board.get_by_role("button", name="自動").click()  # the browser's language again
    await expect(board.locator("html")).to_have_attribute("lang", "en")
    await expect(board.get_by_role("heading", name="Attendance board", level=1)).to_be_visible()
