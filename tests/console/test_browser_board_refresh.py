"""The board's own refresh (issue 15): one failed poll froze the board for good ("Reload the
page"), so a wall screen froze after one restart. Now a failed poll (Deskbot down, a proxy's
502) shows a quiet "reconnecting" note and is tried again after 5 s, 10 s, 20 s, 40 s, then
every 60 s; the board comes back by itself, and stops only when the session has ended, offering
to sign in. In the browser (Playwright's clock, so no real waiting), and `nextWait`/`outcome`
under node (Playwright's own node, which the browser tests already need)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import playwright
import pytest
from playwright.async_api import Route, expect

from tests.console.browser import ROOT, PageAs, Served

pytestmark = pytest.mark.asyncio(loop_scope="session")

ADMIN = "admin@example.com"
COLUMNS = "**/console/board/columns"
NODE = Path(playwright.__file__).parent / "driver" / "node"


async def test_a_failed_poll_is_retried_with_a_backoff_until_the_session_ends(
    page_as: PageAs, served: Served
) -> None:
    board = await page_as(ADMIN, next="/console/board")
    await expect(board.get_by_role("heading", name="Attendance board", level=1)).to_be_visible()
    note = board.locator("p.reconnecting")
    failures = 0

    async def restarting(route: Route) -> None:
        nonlocal failures
        failures += 1
        if failures == 2:
            await route.fulfill(status=502, body="Bad Gateway")  # a proxy in front, meanwhile
        else:
            await route.abort("connectionrefused")

    await board.route(COLUMNS, restarting)
    for waited, next_wait in ((5, 5), (5, 10), (10, 20), (20, 40), (40, 60), (60, 60)):
        async with board.expect_request(COLUMNS):
            await board.clock.run_for(waited * 1000)
        await expect(note).to_have_text(
            f"Reconnecting… Deskbot is not answering; the board tries again in {next_wait} s."
        )
        await expect(note).to_have_attribute("role", "status")
    assert failures == 6
    await board.unroute(COLUMNS)
    async with board.expect_response(COLUMNS):
        await board.clock.run_for(60_000)
    await expect(board.locator("#board")).to_have_attribute("data-refreshed", "1")
    await expect(note).to_have_count(0)
    async with board.expect_response(COLUMNS):  # and on, every 5 s
        await board.clock.run_for(5_000)
    await expect(board.locator("#board")).to_have_attribute("data-refreshed", "2")

    await board.context.clear_cookies()  # the session has ended
    async with board.expect_request(COLUMNS):
        await board.clock.run_for(5_000)
    await expect(note).to_contain_text("Your session has ended, so the board stopped refreshing.")
    link = note.get_by_role("link", name="Sign in again")
    await expect(link).to_have_attribute("href", "/console/login?next=%2Fconsole%2Fboard")
    asked: list[str] = []
    board.on("request", lambda request: asked.append(request.url))
    await board.clock.run_for(300_000)
    await board.evaluate("1")  # a round trip after the timers ran
    assert [url for url in asked if url.endswith("/console/board/columns")] == []


async def test_the_backoff_and_what_an_answer_means_under_node() -> None:
    script = """
    const board = require(process.argv[1]);
    console.log(JSON.stringify({
      waits: [0, 1, 2, 3, 4, 5, 6, 20].map((failures) => board.nextWait(5000, failures)),
      slow: [1, 2].map((failures) => board.nextWait(90000, failures)),
      outcomes: [
        {type: "basic", status: 200, ok: true}, {type: "basic", status: 401, ok: false},
        {type: "opaqueredirect", status: 0, ok: false}, {type: "basic", status: 502, ok: false},
        {type: "basic", status: 503, ok: false}, {type: "basic", status: 500, ok: false},
        {type: "basic", status: 403, ok: false},
      ].map(board.outcome),
    }));
    """
    node = await asyncio.create_subprocess_exec(
        str(NODE), "-e", script, str(ROOT / "bot/console/static/board.js"),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await node.communicate()
    assert node.returncode == 0, err.decode()
    said = json.loads(out)
    assert said["waits"] == [5000, 5000, 10000, 20000, 40000, 60000, 60000, 60000]
    assert said["slow"] == [90000, 90000]  # a refresh slower than the cap is not sped up
    assert said["outcomes"] == [
        "ok",
        "signed-out",
        "signed-out",
        "retry",
        "retry",
        "retry",
        "retry",
    ]
