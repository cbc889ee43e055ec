"""Real-browser fixtures for the console's tests: Debian's Chromium (`/usr/bin/chromium`, which
`scripts/setup test` installs) driven by Playwright for Python; Playwright's own browsers are
never downloaded. One browser per test session; each test gets fresh browser contexts (cookie
jars), and each test module its own served bot with its sandboxes and injected clock. All of it
runs on the session's event loop: a browser test module says
`pytestmark = pytest.mark.asyncio(loop_scope="session")`.

- `served`: the real app (`bot.app.create_app`) serving on a free loopback port, with its
  sandboxes, a FrozenClock (`served.clock`), its parts (`served.parts`) and a signed chat with
  it over HTTP (`served.chat(session, email)`);
- `browser`: the shared headless Chromium; a browser that cannot start fails the tests under
  `scripts/test` (`DESKBOT_REQUIRE_BROWSER=1`) unless `DESKBOT_ALLOW_NO_BROWSER=1`; elsewhere
  (plain `pytest` by hand) they are skipped, and the run ends with a banner saying so;
- `page_as(email)`: a page of a new context signed in as that seeded person (`login_hint`);
- `await screenshot(page, name)`: saves `<name>.png`, in `docs/console/` (shown in the README)
  when `DESKBOT_SCREENSHOTS=1`, else in a temporary folder.
"""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import aiohttp
import pytest
import pytest_asyncio
from aiohttp import web
from playwright.async_api import (
    Browser,
    BrowserContext,
    Error,
    Page,
    ViewportSize,
    async_playwright,
    expect,
)

from bot.app import create_app
from bot.clock import FrozenClock
from bot.config import Config, load_config
from bot.handlers.serving import start_server
from bot.testing import Conversation, SignedRequests
from tests.deskbot.conftest import Parts

ROOT = Path(__file__).resolve().parents[2]
DOCS_SCREENSHOTS = ROOT / "docs" / "console"
SCREENSHOTS = (
    DOCS_SCREENSHOTS
    if os.environ.get("DESKBOT_SCREENSHOTS") == "1"
    else Path(tempfile.gettempdir()) / f"deskbot-console-shots-{os.getpid()}"
)
"""Where `screenshot` saves: docs/console/ (shown in the README) only when DESKBOT_SCREENSHOTS=1,
so an ordinary test run never rewrites committed files; a temporary folder otherwise."""
CHROMIUM = os.environ.get("DESKBOT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
START = "2026-03-02T01:00:00+00:00"  # a Monday, 10:00 in Tokyo
LAPTOP: ViewportSize = {"width": 1280, "height": 800}
WALL: ViewportSize = {"width": 1920, "height": 1080}
SKIPPED: list[str] = []
WAIT_MS = 15_000  # how long an action or an `expect` waits: the machine may be busy
expect.set_options(timeout=WAIT_MS)


@dataclass
class Served:
    """A bot serving on loopback, on the test session's event loop."""

    url: str
    clock: FrozenClock
    app: web.Application
    config: Config

    @property
    def parts(self) -> Parts:
        """The app's parts (bot.parts), by lower-case name: `served.parts.attendance`."""
        return Parts(self.app)

    def chat(self, session: aiohttp.ClientSession, email: str) -> Conversation:
        """`email`'s chat with the bot over HTTP, signed as the shims sign (on the bot's clock)."""
        user = {"email": email, "first_name": email.split("@")[0].title(), "id": email}
        signer = SignedRequests(self.config.cliq_secret(), self.clock)
        return Conversation(session, signer, url=f"{self.url}/cliq", user=user)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def served(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Served]:
    """The shipped bot.toml on a free port, its store and sandbox world in a temporary folder,
    its clock frozen at START; stopped when the module's tests are done."""
    port = _free_port()
    shipped = load_config(str(ROOT / "bot.toml"))
    folder = tmp_path_factory.mktemp("served")
    config = shipped.model_copy(
        update={
            "server": shipped.server.model_copy(
                update={"host": "127.0.0.1", "port": port, "public_url": f"http://127.0.0.1:{port}"}
            ),
            "store": shipped.store.model_copy(update={"path": str(folder / "deskbot.db")}),
        }
    )
    clock = FrozenClock(START)
    app = create_app(config, clock=clock)
    runner, _ = await start_server(app, "127.0.0.1", port)
    try:
        yield Served(f"http://127.0.0.1:{port}", clock, app, config)
    finally:
        await runner.cleanup()


def _no_browser(why: str) -> None:
    if os.environ.get("DESKBOT_REQUIRE_BROWSER") == "1":
        pytest.fail(f"the browser tests need Chromium and it could not start: {why}")
    SKIPPED.append(why)
    pytest.skip(f"no browser (run ./scripts/test, which installs chromium): {why}")


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def browser() -> AsyncIterator[Browser]:
    """One headless Chromium for the whole session (Playwright gives it a fresh profile, its
    `--user-data-dir`, at each launch)."""
    if not shutil.which(CHROMIUM):
        _no_browser(f"{CHROMIUM} is missing (apt-get install chromium)")
    driver = await async_playwright().start()
    try:
        chromium = await driver.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True, timeout=60_000
        )
    except Error as error:
        await driver.stop()
        _no_browser(f"Chromium did not start: {str(error)[:300]}")
        raise
    try:
        yield chromium
    finally:
        await chromium.close()
        await driver.stop()


PageAs = Callable[..., Awaitable[Page]]


@pytest_asyncio.fixture(loop_scope="session")
async def page_as(browser: Browser, served: Served) -> AsyncIterator[PageAs]:
    """`await page_as(email, viewport=LAPTOP, locale="en-US")`: a page signed in as `email`
    through the sandbox Accounts (`/console/login?login_hint=…`), in a context of its own (own
    cookies; the browser's language `locale`, which it sends as Accept-Language), on
    `/console/` (or the page `next` names). The page's JavaScript clock is Playwright's,
    paused at the bot's time, so the timer moves only with `page.clock.run_for(ms)`."""
    contexts: list[BrowserContext] = []

    async def open_page(
        email: str,
        *,
        viewport: ViewportSize = LAPTOP,
        next: str = "/console/",
        locale: str = "en-US",
    ) -> Page:
        context = await browser.new_context(viewport=viewport, locale=locale, timezone_id="UTC")
        context.set_default_timeout(WAIT_MS)
        contexts.append(context)
        page = await context.new_page()
        await page.clock.install(time=served.clock.now() - timedelta(seconds=1))
        await page.clock.pause_at(served.clock.now())
        await page.goto(f"{served.url}/console/login?login_hint={email}&next={next}")
        return page

    yield open_page
    for context in contexts:
        await context.close()


async def screenshot(page: Page, name: str) -> Path:
    """Save the page as `<name>.png` in SCREENSHOTS (docs/console/, which the README shows, when
    DESKBOT_SCREENSHOTS=1)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    await page.screenshot(path=str(path), full_page=True, animations="disabled", caret="hide")
    return path
