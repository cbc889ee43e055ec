"""Signing in to the console with Zoho (issue 15 item 2): the e-mail from Zoho's ID token says
who the person is, Desk says what they may do, on every request; sessions live in the store;
cookies are HttpOnly, SameSite=Lax, Secure over HTTPS; every form carries a CSRF token."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from bot.store.console_sessions import IDLE, LIFETIME
from tests.console.conftest import Console, signed_in_as
from tests.deskbot.conftest import Deskbot


async def test_an_agent_signs_in_with_a_login_hint_and_sees_their_status(deskbot: Deskbot) -> None:
    console = Console(deskbot)
    before = await console.get("/console/")
    assert before.status == 302 and before.headers["Location"].startswith("/console/login?")
    answer = await console.sign_in("agent@example.com")
    assert answer.status == 302 and answer.headers["Location"] == "/console/"
    cookie = answer.cookies["deskbot_console"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and cookie["path"] == "/console"
    assert not cookie["secure"]  # served over plain HTTP here
    page = await console.get("/console/")
    text = await page.text()
    assert page.status == 200 and page.content_type == "text/html"
    assert "Aiko Tanaka" in text and "Check Out" in text and "admin</span>" not in text


async def test_the_authorize_request_asks_zoho_for_the_sign_in_scope(deskbot: Deskbot) -> None:
    answer = await Console(deskbot).get("/console/login?login_hint=admin@example.com")
    zoho = urlsplit(answer.headers["Location"])
    query = {k: v[0] for k, v in parse_qs(zoho.query).items()}
    assert zoho.path == "/oauth/v2/auth"
    assert query["scope"] == "email" and query["response_type"] == "code"
    assert query["login_hint"] == "admin@example.com"
    assert query["redirect_uri"].endswith("/console/callback")
    assert query["state"] == answer.cookies["deskbot_console_login"].value


async def test_the_admin_is_told_apart_by_desk(deskbot: Deskbot) -> None:
    console = await signed_in_as(deskbot, "admin@example.com")
    text = await (await console.get("/console/")).text()
    assert "Ada Admin" in text and "admin</span>" in text


@pytest.mark.parametrize(
    ("email", "why"),
    [
        ("light@example.com", "Light agents cannot use the console"),
        ("stranger@elsewhere.example", "is not an agent of this Zoho Desk portal"),
    ],
)
async def test_a_light_agent_or_a_person_without_a_desk_agent_is_refused(
    deskbot: Deskbot, email: str, why: str
) -> None:
    console = await signed_in_as(deskbot, email)
    page = await console.get("/console/")
    text = await page.text()
    assert page.status == 403 and why in text
    assert "Sign out" in text  # they may sign in as someone else
    moved = await console.post("/console/status", {"csrf": await _token(text), "status": "1"})
    assert moved.status == 403
    assert (await deskbot.parts.attendance.status(email)).status.name == "Check Out"


async def _token(page: str) -> str:
    from tests.console.conftest import CSRF

    found = CSRF.search(page)
    assert found
    return found.group(1)


async def test_a_form_without_its_csrf_token_changes_nothing(deskbot: Deskbot) -> None:
    console = await signed_in_as(deskbot, "agent@example.com")
    check_in = {"status": "1"}
    for forged in ({}, {"csrf": "forged"}, {"csrf": ""}, {"csrf": "é" * 50}):
        answer = await console.post("/console/status", {**check_in, **forged})
        assert answer.status == 403 and "nothing was changed" in await answer.text()
    state = await deskbot.parts.attendance.status("agent@example.com")
    assert state.status.name == "Check Out"
    # another person's token is not this person's
    other = await signed_in_as_other_browser(deskbot, "admin@example.com")
    answer = await console.post("/console/status", {**check_in, "csrf": other})
    assert answer.status == 403
    answer = await console.post("/console/status", {**check_in, "csrf": await console.csrf()})
    assert answer.status == 303
    assert (await deskbot.parts.attendance.status("agent@example.com")).status.name == "Check In"


async def signed_in_as_other_browser(deskbot: Deskbot, email: str) -> str:
    """The CSRF token of `email`'s session, opened in another browser (a cookie jar of its own)."""
    from aiohttp import ClientSession, CookieJar

    async with ClientSession(
        base_url=str(deskbot.client.make_url("/")), cookie_jar=CookieJar(unsafe=True)
    ) as browser:
        start = await browser.get(f"/console/login?login_hint={email}", allow_redirects=False)
        async with browser.get(start.headers["Location"], allow_redirects=False) as zoho:
            back = urlsplit(zoho.headers["Location"])
        await browser.get(f"{back.path}?{back.query}", allow_redirects=False)
        page = await (await browser.get("/console/")).text()
    return await _token(page)


async def test_sign_out_ends_the_session_in_the_store(deskbot: Deskbot) -> None:
    console = await signed_in_as(deskbot, "agent@example.com")
    cookie = deskbot.client.session.cookie_jar.filter_cookies(deskbot.client.make_url("/console/"))
    token = cookie["deskbot_console"].value
    answer = await console.post("/console/logout", {"csrf": await console.csrf()})
    assert answer.status == 200 and "You are signed out" in await answer.text()
    assert await deskbot.parts.console_sessions.get(token) is None
    # the old cookie, sent again, opens nothing
    again = await deskbot.client.get(
        "/console/", allow_redirects=False, cookies={"deskbot_console": token}
    )
    assert again.status == 302 and "/console/login" in again.headers["Location"]


async def test_a_session_ends_after_being_idle_and_after_its_lifetime(deskbot: Deskbot) -> None:
    console = await signed_in_as(deskbot, "agent@example.com")
    deskbot.clock.advance(seconds=IDLE.total_seconds() - 60)
    assert (await console.get("/console/")).status == 200  # used: kept alive
    deskbot.clock.advance(seconds=IDLE.total_seconds() - 60)
    assert (await console.get("/console/")).status == 200
    deskbot.clock.advance(seconds=IDLE.total_seconds() + 1)
    expired = await console.get("/console/")
    assert expired.status == 302 and "/console/login" in expired.headers["Location"]
    posted = await console.post("/console/status", {"csrf": "x", "status": "1"})
    assert posted.status == 401 and "Your session has ended" in await posted.text()
    # used often, it still ends after its lifetime
    console = await signed_in_as(deskbot, "agent@example.com")
    spent = 0.0
    while spent < LIFETIME.total_seconds():
        step = min(IDLE.total_seconds() / 2, LIFETIME.total_seconds() - spent + 1)
        deskbot.clock.advance(seconds=step)
        spent += step
        await console.get("/console/")
    assert (await console.get("/console/")).status == 302


async def test_sessions_are_in_the_store_so_another_process_serves_them(
    deskbot: Deskbot,
) -> None:
    from bot.store.console_sessions import ConsoleSessions
    from bot.store.db import Database

    console = await signed_in_as(deskbot, "agent@example.com")
    cookie = deskbot.client.session.cookie_jar.filter_cookies(deskbot.client.make_url("/console/"))
    other = await Database.open(deskbot.parts.config.store.location)
    try:
        session = await ConsoleSessions(other, deskbot.clock).get(cookie["deskbot_console"].value)
    finally:
        await other.close()
    assert session is not None and session.email == "agent@example.com"
    assert session.csrf == await console.csrf()


async def test_a_sign_in_works_once_in_the_browser_that_started_it(deskbot: Deskbot) -> None:
    console = Console(deskbot)
    callback = await console.through_zoho("/console/login?login_hint=agent@example.com")
    # another browser (no sign-in cookie) bringing this callback is refused
    foreign = await deskbot.client.get(
        callback, allow_redirects=False, cookies={"deskbot_console_login": "someone-else"}
    )
    assert foreign.status == 400 and "not started in this browser" in await foreign.text()
    first = await console.get(callback)
    assert first.status == 302
    again = await console.get(callback)
    assert again.status == 400


async def test_a_sign_in_expires_after_ten_minutes(deskbot: Deskbot) -> None:
    console = Console(deskbot)
    callback = await console.through_zoho("/console/login?login_hint=agent@example.com")
    deskbot.clock.advance(minutes=10, seconds=1)
    late = await console.get(callback)
    assert late.status == 400 and "took too long" in await late.text()


async def test_zohos_refusal_and_bad_callbacks_get_a_page_not_a_500(deskbot: Deskbot) -> None:
    console = Console(deskbot)
    for path in (
        "/console/callback?error=access_denied",
        "/console/callback",
        "/console/callback?code=x",
        "/console/callback?code=x&state=" + "é" * 300,
        "/console/login?login_hint=not-an-email",
        "/console/login?login_hint=" + "a" * 5000,
    ):
        answer = await console.get(path)
        assert answer.status == 400 and answer.content_type == "text/html", path
        assert "Sign in" in await answer.text()


async def test_a_forged_code_signs_nobody_in(deskbot: Deskbot) -> None:
    console = Console(deskbot)
    callback = await console.through_zoho("/console/login?login_hint=agent@example.com")
    forged = callback.replace("code=", "code=x")
    answer = await console.get(forged)
    assert answer.status == 400 and "Zoho refused the sign-in" in await answer.text()
    assert (await console.get("/console/")).status == 302


async def test_next_goes_back_to_console_pages_only(deskbot: Deskbot) -> None:
    console = Console(deskbot)
    for wanted, landed in (
        ("/console/status", "/console/status"),
        ("https://evil.example/", "/console/"),
        ("//evil.example/console/", "/console/"),
        ("/cliq", "/console/"),
    ):
        callback = await console.through_zoho(
            f"/console/login?login_hint=agent@example.com&next={wanted}"
        )
        answer = await console.get(callback)
        assert answer.headers["Location"] == landed


async def test_pages_carry_security_headers_and_errors_are_pages(deskbot: Deskbot) -> None:
    console = await signed_in_as(deskbot, "agent@example.com")
    page = await console.get("/console/")
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert page.headers["Cache-Control"] == "no-store"
    missing = await console.get("/console/nothing-here")
    assert missing.status == 404 and missing.content_type == "text/html"
    assert "does not exist" in await missing.text()


async def test_the_person_is_who_zoho_says_signed_in_not_the_hint(deskbot: Deskbot) -> None:
    """`login_hint` only pre-fills Zoho's sign-in: whoever is signed in to Zoho in the browser
    is who the ID token names, and so who the console serves."""
    assert deskbot.parts.sandboxes is not None
    deskbot.parts.sandboxes.registry.signed_in = "maria@example.com"
    console = await signed_in_as(deskbot, "admin@example.com")
    text = await (await console.get("/console/")).text()
    assert "Maria Garcia" in text and "Ada Admin" not in text
