"""Served over HTTPS (`[server] public_url = "https://…"`, e.g. behind a TLS proxy), the
console's cookies are Secure as well as HttpOnly and SameSite=Lax."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from bot.config import Config
from tests.console.conftest import Console
from tests.deskbot.conftest import Deskbot


@pytest.fixture
def config(config: Config) -> Config:
    server = config.server.model_copy(update={"public_url": "https://deskbot.example"})
    return config.model_copy(update={"server": server})


async def test_cookies_are_secure_over_https(deskbot: Deskbot) -> None:
    console = Console(deskbot)
    start = await console.get("/console/login?login_hint=agent@example.com")
    assert start.cookies["deskbot_console_login"]["secure"]
    query = parse_qs(urlsplit(start.headers["Location"]).query)
    assert query["redirect_uri"] == ["https://deskbot.example/console/callback"]
    async with deskbot.client.session.get(start.headers["Location"], allow_redirects=False) as z:
        callback = z.headers["Location"].removeprefix("https://deskbot.example")
    # the test client speaks plain HTTP, so its jar would not send a Secure cookie back:
    # bring the sign-in cookie by hand, as a browser on https would
    login = start.cookies["deskbot_console_login"].value
    done = await deskbot.client.get(
        callback, allow_redirects=False, cookies={"deskbot_console_login": login}
    )
    assert done.status == 302, await done.text()
    cookie = done.cookies["deskbot_console"]
    assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Lax"
