"""The guards console pages declare (`requires_agent`, `requires_admin`): Desk decides, on every
request, with the same admin rule as the chat (`bot.identity.directory.admin_now`)."""

from __future__ import annotations

import sys
import types
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from aiohttp import web

import bot.console.app
from bot.console.auth import requires_admin
from bot.console.render import VIEWER, NavLink
from tests.console.conftest import signed_in_as
from tests.deskbot.conftest import Deskbot


@pytest.fixture
def admin_probe(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A console page for admins only, joined the way every page module joins (PAGES)."""
    probe = types.ModuleType("tests.console.admin_probe")
    routes = web.RouteTableDef()

    @routes.get("/probe")
    @requires_admin
    async def page(request: web.Request) -> web.Response:
        return web.Response(text=f"admin page for {request[VIEWER].email}")

    probe.routes = routes  # type: ignore[attr-defined]
    probe.nav = [NavLink("/console/probe", "Probe", admin=True)]  # type: ignore[attr-defined]
    monkeypatch.setattr(bot.console.app, "PAGES", [*bot.console.app.PAGES, probe])
    monkeypatch.setitem(sys.modules, probe.__name__, probe)
    yield


async def test_only_a_desk_admin_opens_an_admin_page(admin_probe: None, deskbot: Deskbot) -> None:
    agent = await signed_in_as(deskbot, "agent@example.com")
    refused = await agent.get("/console/probe")
    assert refused.status == 403 and "Only admins can do that." in await refused.text()
    assert 'href="/console/probe"' not in await (await agent.get("/console/")).text()
    admin = await signed_in_as(deskbot, "admin@example.com")
    page = await admin.get("/console/probe")
    assert page.status == 200 and await page.text() == "admin page for admin@example.com"
    assert 'href="/console/probe"' in await (await admin.get("/console/")).text()


async def test_a_demotion_or_deactivation_in_desk_counts_at_the_next_request(
    admin_probe: None, deskbot: Deskbot
) -> None:
    admin = await signed_in_as(deskbot, "admin@example.com")
    assert (await admin.get("/console/probe")).status == 200
    assert deskbot.parts.sandboxes is not None
    record = deskbot.parts.sandboxes.desk.agent_by_email("admin@example.com")
    assert record is not None
    record["rolePermissionType"] = "Standard"  # no time passes: Desk is asked again
    assert (await admin.get("/console/probe")).status == 403
    record["rolePermissionType"] = "Admin"
    assert (await admin.get("/console/probe")).status == 200
    record["status"] = "DISABLED"
    assert (await admin.get("/console/probe")).status == 403


async def test_a_signed_out_visitor_is_sent_to_sign_in_and_comes_back(
    admin_probe: None, deskbot: Deskbot
) -> None:
    from tests.console.conftest import Console

    console = Console(deskbot)
    first = await console.get("/console/probe?x=1")
    assert first.status == 302
    login = urlsplit(first.headers["Location"])
    assert login.path == "/console/login"
    assert parse_qs(login.query) == {"next": ["/console/probe?x=1"]}
    callback = await console.through_zoho(
        first.headers["Location"] + "&login_hint=admin@example.com"
    )
    back = await console.get(callback)
    assert back.headers["Location"] == "/console/probe?x=1"


async def test_when_desk_cannot_be_asked_the_page_says_so(
    admin_probe: None, deskbot: Deskbot
) -> None:
    """Desk down or our token refused: a page naming the cause (503), never a 500, and no
    admin page served on an old answer."""
    from bot.sandbox.accounts import SANDBOX_ORG_REFRESH_TOKEN

    sandboxes = deskbot.parts.sandboxes
    assert sandboxes is not None
    admin = await signed_in_as(deskbot, "admin@example.com")
    assert (await admin.get("/console/probe")).status == 200  # the directory knows Ada now
    sandboxes.registry.refuse(SANDBOX_ORG_REFRESH_TOKEN)
    sandboxes.registry.expire_all()
    page = await admin.get("/console/probe")
    assert page.status == 503 and "Zoho Desk is unavailable" in await page.text()
    deskbot.clock.advance(minutes=31)  # past the agent directory's 30 minutes
    known = await signed_in_as(deskbot, "kenji@example.com")
    assert (await known.get("/console/")).status == 200  # agents already known stay known
    stranger = await signed_in_as(deskbot, "stranger@elsewhere.example")  # never seen
    page = await stranger.get("/console/")
    assert page.status == 503 and "Zoho Desk is unavailable" in await page.text()
    sandboxes.registry.accept()
    deskbot.clock.advance(minutes=2)
    admin = await signed_in_as(deskbot, "admin@example.com")  # one cookie jar: sign in again
    back = await admin.get("/console/probe")
    assert back.status == 200, await back.text()
