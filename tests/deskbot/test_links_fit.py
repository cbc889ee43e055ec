"""Every link the bot puts on a Cliq button fits Cliq's 256 characters (reference/cliq.md §1.6),
whatever the reader: a 120-character `public_url`, the longest IANA zone name, a 60+ character
e-mail, a thousand agents, a long period (issue 12 item 5). The old export link carried its
claims (agents, zone, period) and a 60-character e-mail in Asia/Tokyo made it 257."""

from __future__ import annotations

import copy
import zoneinfo
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.app import create_app
from bot.cliq import limits
from bot.clock import FrozenClock
from bot.config import Config
from bot.identity.export_links import ExportLinks
from bot.store.db import Database
from bot.store.links import TOKEN_LENGTH, Links
from tests.deskbot.conftest import Deskbot

LONG_ZONE = max(zoneinfo.available_timezones(), key=len)  # America/Argentina/ComodRivadavia
LONG_EMAIL = "aiko.tanaka-watanabe.customer-support.tokyo@support-team.example.com"
PUBLIC_URL = "https://" + "deskbot-gateway-" * 4 + "tokyo.example.com/integrations/cliq/"
PUBLIC_URL = PUBLIC_URL + "x" * (120 - len(PUBLIC_URL))


def test_the_readers_are_as_long_as_the_issue_says() -> None:
    assert len(PUBLIC_URL) == 120 and len(LONG_EMAIL) >= 60 and len(LONG_ZONE) >= 30


@pytest.fixture
async def long_deskbot(aiohttp_client, config: Config, clock: FrozenClock, signer) -> Deskbot:  # type: ignore[no-untyped-def]
    """Deskbot served at a 120-character public URL, with a Desk agent whose e-mail has 68
    characters (a copy of Aiko, admin in Desk so every command is open to her)."""
    served = config.model_copy(
        update={"server": config.server.model_copy(update={"public_url": PUBLIC_URL})}
    )

    async def no_wait(seconds: float) -> None:
        return None

    client = await aiohttp_client(create_app(served, clock=clock, sleep=no_wait))
    deskbot = Deskbot(client, signer, clock, [])
    sandboxes = deskbot.parts.sandboxes
    assert sandboxes is not None
    admin = next(a for a in sandboxes.desk.agents if a["emailId"] == "admin@example.com")
    long = copy.deepcopy(admin)
    long.update(emailId=LONG_EMAIL, id="9" * 19, firstName="Aiko", lastName="Tanaka-Watanabe")
    long["name"] = "Aiko Tanaka-Watanabe"
    sandboxes.desk.agents.append(long)
    return deskbot


def long_chat(deskbot: Deskbot) -> Any:
    from bot.sandbox.cliq.replies import check_reply
    from bot.testing import Conversation

    assert deskbot.parts.sandboxes is not None
    bot = deskbot.parts.config.cliq.bot_unique_name
    person = {"email": LONG_EMAIL, "first_name": "Aiko", "id": "555777", "timezone": LONG_ZONE}
    chat = deskbot.parts.sandboxes.cliq.open_bot_chat(bot, LONG_EMAIL, "555777")
    return Conversation(
        deskbot.client, deskbot.signer, user=person, chat=chat, check_output=check_reply
    )


def links_of(answer: Any) -> list[str]:
    return [
        b["action"]["data"]["web"]
        for b in answer.buttons
        if b["action"]["type"] in ("open.url", "preview.url")
    ]


async def test_every_link_fits_cliq_with_a_long_url_zone_and_email(long_deskbot: Deskbot) -> None:
    chat = long_chat(long_deskbot)
    agents = long_deskbot.parts.sandboxes.desk.agents
    # every agent attendance counts (a light agent is not: they see no attendance)
    counted = [a for a in agents if a["rolePermissionType"] != "Light"]
    everyone = " ".join(a["emailId"] for a in counted)
    made: list[str] = []
    await chat.command("checkin")
    for words in (
        "export",
        "export 2026-02-01 2026-03-02",
        f"export 2026-02-01 2026-03-02 {everyone}",
    ):
        answer = await chat.command("attendance", words)
        made += links_of(answer)
    report = await chat.command("attendance", f"report {everyone} 2026-02-01 2026-03-02")
    made += links_of(await chat.click(report.button("Export CSV")))
    made += links_of(await chat.command("deskbot", "connect"))
    card = await chat.command("ticket", "115")
    made += links_of(await chat.click(card.button("Assign")))  # not connected: Connect card
    assert len(made) == 6
    export = f"{PUBLIC_URL}/attendance/export?k="
    connect = f"{PUBLIC_URL}/oauth/connect?k="
    for url in made:
        assert len(url) <= limits.URL, url
        assert url.startswith((export, connect))
        assert len(url) in (len(export) + TOKEN_LENGTH, len(connect) + TOKEN_LENGTH)
    path = made[2][len(PUBLIC_URL) :]  # the export of every agent downloads them all
    body = await (await long_deskbot.client.get(path)).read()
    assert body.count(b"\r\n") == 1 + 30 * len(counted)
    assert LONG_ZONE.encode() in body


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    agents=st.lists(st.emails(), min_size=1, max_size=300),
    zone=st.sampled_from(sorted(zoneinfo.available_timezones())),
    days=st.integers(min_value=0, max_value=3650),
)
def test_an_export_links_length_depends_on_nothing_it_exports(
    agents: list[str], zone: str, days: int
) -> None:
    import asyncio

    async def make() -> str:
        db = await Database.open(":memory:")
        try:
            links = Links(db, FrozenClock("2026-03-02T01:00:00+00:00"))
            await links.setup()
            exports = ExportLinks(links, PUBLIC_URL)
            start = date(2020, 1, 1)
            return await exports.url_for(
                agents[0], agents, start, date.fromordinal(start.toordinal() + days), zone
            )
        finally:
            await db.close()

    url = asyncio.run(make())
    assert len(url) == len(f"{PUBLIC_URL}/attendance/export?k=") + TOKEN_LENGTH <= limits.URL
