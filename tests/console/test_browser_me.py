"""The console in a real browser (Debian's Chromium through Playwright): signing in as an agent
and as an admin, changing a status and seeing it, the timer, the keyboard, the refusals (light
agent, no Desk agent, forged CSRF token, expired session) and signing out. Screenshots of each
page go to docs/console/ (README "Web console")."""

from __future__ import annotations

from datetime import timedelta

import aiohttp
import pytest
from playwright.async_api import expect

from bot.store.console_sessions import IDLE
from tests.console.browser import WALL, PageAs, Served, screenshot

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def status_of(served: Served, email: str) -> str:
    return (await served.parts.attendance.status(email)).status.name


async def test_an_agent_checks_in_and_the_timer_runs_only_while_online(
    page_as: PageAs, served: Served
) -> None:
    page = await page_as("agent@example.com")
    await expect(page.get_by_role("heading", name="My status", level=1)).to_be_visible()
    await expect(page.locator(".current")).to_contain_text("You are Check Out")
    await page.get_by_role("button", name="Check In (Online)").click()
    await expect(page.get_by_role("status")).to_have_text("Done: you are Check In now.")
    assert await status_of(served, "agent@example.com") == "Check In"
    timer = page.get_by_role("timer")
    await expect(timer).to_have_text("0:00:00")
    # the page's own clock: the timer ticks from the start the server gave
    await page.clock.run_for(65_000)
    await expect(timer).to_have_text("0:01:05")
    served.clock.advance(minutes=42)
    await page.reload()
    await expect(timer).to_have_text("0:42:00")
    await screenshot(page, "my-status")
    await page.get_by_role("button", name="Short Break (Offline)").click()
    await expect(page.locator(".current")).to_contain_text("You are Short Break")
    await page.clock.run_for(120_000)
    await expect(timer).to_have_text("0:42:00")  # Offline: stopped


async def test_an_admin_signs_in_on_a_wall_screen(page_as: PageAs, served: Served) -> None:
    page = await page_as("admin@example.com", viewport=WALL)
    await expect(page.locator(".who")).to_have_text("Ada Admin admin")
    await page.get_by_role("button", name="Check In (Online)").click()
    await expect(page.locator(".current")).to_contain_text("You are Check In")
    await screenshot(page, "my-status-wall")


async def test_every_control_is_reachable_from_the_keyboard(
    page_as: PageAs, served: Served
) -> None:
    page = await page_as("maria@example.com")
    await page.keyboard.press("Tab")
    await expect(page.locator(":focus")).to_have_text("Skip to content")
    for _ in range(10):
        await page.keyboard.press("Tab")
        if (await page.evaluate("document.activeElement.textContent")).startswith("Check In"):
            break
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("status")).to_have_text("Done: you are Check In now.")
    assert await status_of(served, "maria@example.com") == "Check In"


async def test_a_light_agent_and_someone_without_a_desk_agent_are_refused(
    page_as: PageAs, served: Served
) -> None:
    page = await page_as("light@example.com")
    await expect(page.get_by_role("alert")).to_contain_text("Light agents cannot use the console")
    await expect(page.get_by_role("button", name="Check In (Online)")).to_have_count(0)
    await screenshot(page, "refused-light-agent")
    stranger = await page_as("stranger@elsewhere.example")
    await expect(stranger.get_by_role("alert")).to_contain_text("is not an agent of this Zoho Desk")


async def test_a_forged_csrf_token_changes_nothing(page_as: PageAs, served: Served) -> None:
    page = await page_as("tom@example.com")
    await page.evaluate(
        "document.querySelectorAll('input[name=csrf]').forEach(i => i.value = 'forged')"
    )
    await page.get_by_role("button", name="Check In (Online)").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Form refused")
    await expect(page.get_by_role("alert")).to_contain_text("nothing was changed")
    assert await status_of(served, "tom@example.com") == "Check Out"
    await screenshot(page, "form-refused")


async def test_an_expired_session_changes_nothing_and_asks_to_sign_in(
    page_as: PageAs, served: Served
) -> None:
    page = await page_as("yuki@example.com")
    await expect(page.get_by_role("button", name="Check In (Online)")).to_be_visible()
    served.clock.advance(IDLE + timedelta(minutes=1))  # the bot's injected clock
    await page.get_by_role("button", name="Check In (Online)").click()
    await expect(page.get_by_role("alert")).to_contain_text("Your session has ended")
    assert await status_of(served, "yuki@example.com") == "Check Out"
    await page.get_by_role("link", name="Sign in with Zoho").click()  # the sandbox signs in again
    await expect(page.get_by_role("heading", name="My status", level=1)).to_be_visible()


async def test_sign_out_ends_the_session(page_as: PageAs, served: Served) -> None:
    page = await page_as("priya@example.com")
    cookie = next(c for c in await page.context.cookies() if c["name"] == "deskbot_console")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax" and cookie["path"] == "/console"
    await page.get_by_role("button", name="Sign out").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Signed out")
    assert not [c for c in await page.context.cookies() if c["name"] == "deskbot_console"]
    assert await served.parts.console_sessions.get(cookie["value"]) is None
    await screenshot(page, "signed-out")


async def test_a_move_made_in_chat_shows_on_the_open_page(page_as: PageAs, served: Served) -> None:
    """SPEC A9 from the other side: the page asks every 15 s and shows the chat's move."""
    page = await page_as("omar@example.com")
    await expect(page.locator(".current")).to_contain_text("You are Check Out")
    async with aiohttp.ClientSession() as session:
        answer = await served.chat(session, "omar@example.com").command("checkin")
    assert answer.status == 200 and "Check In" in answer.text, answer.body
    await page.clock.run_for(15_000)
    await expect(page.locator(".current")).to_contain_text("You are Check In")
    await expect(page.get_by_role("status")).to_have_count(0)  # no "Done" note: not moved here
    await expect(page.get_by_role("button", name="Check Out (Offline)")).to_be_visible()
