"""The console on a phone-sized screen (390 px wide) in a real browser: no page is wider than
the screen (wide tables scroll inside themselves), in English and in Japanese, where table
headings and dates must not break a character per line."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, ViewportSize

from tests.console.browser import PageAs, Served

pytestmark = pytest.mark.asyncio(loop_scope="session")

ADMIN = "admin@example.com"
PHONE: ViewportSize = {"width": 390, "height": 844}


async def page_width(page: Page) -> int:
    return int(await page.evaluate("document.documentElement.scrollWidth"))


async def most_lines_in_a_heading(page: Page) -> int:
    """The most lines any table heading's text is broken into."""
    return int(
        await page.evaluate(
            """() => Math.max(0, ...[...document.querySelectorAll('th')].map(th => {
                const range = document.createRange();
                range.selectNodeContents(th);
                return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size;
            }))"""
        )
    )


@pytest.mark.parametrize("locale", ["en-US", "ja-JP"])
async def test_no_console_page_is_wider_than_a_phone(
    page_as: PageAs, served: Served, locale: str
) -> None:
    page = await page_as(ADMIN, viewport=PHONE, locale=locale, next="/console/board")
    report = await page.locator("a.who, .card a").first.get_attribute("href")
    assert report and report.startswith("/console/agents/")
    paths = [
        "/console/",
        "/console/board",
        "/console/settings",
        "/console/outbox",
        f"{report}?from=2026-02-23&to=2026-03-02",
        f"{report}?from=2026-02-23&to=2026-03-02&view=table",
    ]
    for path in paths:
        await page.goto(served.url + path)
        assert await page_width(page) <= PHONE["width"], (locale, path, await page_width(page))
        assert await most_lines_in_a_heading(page) <= 2, (locale, path)
