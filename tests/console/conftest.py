"""The web console's tests: `deskbot` (the real app with its sandboxes, tests/deskbot) and
`Console`, a browser-less visitor of `/console/` that signs in through the sandbox Accounts as a
seeded person (`login_hint`), keeping cookies as a browser does."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from aiohttp import ClientResponse

from tests.console.browser import SKIPPED, browser, page_as, served
from tests.deskbot.conftest import Deskbot, deskbot

__all__ = ["Console", "browser", "deskbot", "page_as", "served", "signed_in_as"]

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@dataclass
class Console:
    """`deskbot`'s test client seen as one browser (its cookie jar is that browser's: a second
    `sign_in` in the same test replaces the first person's session cookie)."""

    deskbot: Deskbot

    async def get(self, path: str, **kwargs: Any) -> ClientResponse:
        return await self.deskbot.client.get(path, allow_redirects=False, **kwargs)

    async def post(self, path: str, data: dict[str, str], **kwargs: Any) -> ClientResponse:
        return await self.deskbot.client.post(path, data=data, allow_redirects=False, **kwargs)

    async def through_zoho(self, login_path: str) -> str:
        """Open `login_path`, follow Zoho's authorize page; the callback path (on our host)."""
        ours = await self.get(login_path)
        assert ours.status == 302, await ours.text()
        zoho = ours.headers["Location"]
        async with self.deskbot.client.session.get(zoho, allow_redirects=False) as answer:
            assert answer.status == 302, await answer.text()
            back = urlsplit(answer.headers["Location"])
        assert back.path == "/console/callback"
        return f"{back.path}?{back.query}"

    async def sign_in(self, email: str, next_path: str = "/console/") -> ClientResponse:
        """Sign in as `email` through the sandbox Accounts; the callback's answer."""
        callback = await self.through_zoho(f"/console/login?login_hint={email}&next={next_path}")
        return await self.get(callback)

    async def csrf(self) -> str:
        """The CSRF token the signed-in person's page carries."""
        page = await (await self.get("/console/")).text()
        found = CSRF.search(page)
        assert found, page
        return found.group(1)


async def signed_in_as(deskbot: Deskbot, email: str) -> Console:
    console = Console(deskbot)
    answer = await console.sign_in(email)
    assert answer.status == 302 and answer.headers["Location"] == "/console/"
    return console


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Say loudly when the browser tests were skipped (DESKBOT_ALLOW_NO_BROWSER=1)."""
    if SKIPPED:
        terminalreporter.write_line("!" * 27 + " browser tests SKIPPED " + "!" * 27, red=True)
        terminalreporter.write_line(f"{len(SKIPPED)} browser cases did not run: {SKIPPED[0]}")
