"""The language a DM or a channel post is written in (issue 13 item 2): a DM's recipient reads
the language their Cliq last sent, else their Desk profile's `langCode`, else the default; a
channel the place's language, else the default. What Cliq sent is kept in the store (beside the
zone, `bot/store/zones.py`) on both engines."""

from __future__ import annotations

from collections.abc import AsyncIterator
from zoneinfo import ZoneInfo

import pytest

from bot.clock import FrozenClock
from bot.desk.people import Agent
from bot.i18n import Languages
from bot.notify.readers import Readers
from bot.store.db import Database
from bot.store.zones import PersonZones

AGENTS = {
    "kenji@example.com": Agent.model_validate(
        {"id": "62", "emailId": "kenji@example.com", "langCode": "ja_JP"}
    ),
    "maria@example.com": Agent.model_validate(
        {"id": "63", "emailId": "maria@example.com", "langCode": "en_US"}
    ),
    "odd@example.com": Agent.model_validate(
        {"id": "64", "emailId": "odd@example.com", "langCode": "xx_not_a_language"}
    ),
}


class Directory:
    async def by_email(self, email: str) -> Agent | None:
        return AGENTS.get(email.casefold())


@pytest.fixture
async def zones(store_url: str) -> AsyncIterator[PersonZones]:
    db = await Database.open(store_url)
    memory = PersonZones(db, FrozenClock("2026-03-02T01:00:00+00:00"))
    await memory.setup()
    yield memory
    await db.close()


def readers(zones: PersonZones, default: str = "en") -> Readers:
    return Readers(
        zones=zones,
        agents=Directory(),
        default_zone="UTC",
        place_zones={},
        languages=Languages(default),
        place_languages={"D1": "ja_JP", "D2": "tlh", None: "en"},
    )


async def test_cliq_then_desk_then_the_default(zones: PersonZones) -> None:
    r = readers(zones)
    assert (await r.person("kenji@example.com")).words.language == "ja"  # Desk's langCode
    assert (await r.person("maria@example.com")).words.language == "en"
    assert (await r.person("odd@example.com")).words.language == "en"  # not one we speak
    assert (await r.person("stranger@example.com")).words.language == "en"
    assert (await readers(zones, "ja").person("stranger@example.com")).words.language == "ja"
    await zones.remember("Maria@Example.com", "Europe/Madrid", "ja-JP")  # her Cliq is Japanese
    assert (await r.person("maria@example.com")).words.language == "ja"
    await zones.remember("kenji@example.com", None, "en_US")  # Cliq outranks Desk
    assert (await r.person("kenji@example.com")).words.language == "en"
    await zones.remember("kenji@example.com", None, "")  # nothing said changes nothing
    await zones.remember("kenji@example.com", None, "not a language")
    assert (await r.person("kenji@example.com")).words.language == "en"
    await zones.remember("stranger@example.com", None, "fr")  # kept, but spoken: the default
    assert await zones.language_of("stranger@example.com") == "fr"
    assert (await r.person("stranger@example.com")).words.language == "en"


async def test_zone_and_language_are_kept_apart(zones: PersonZones) -> None:
    await zones.remember("aiko@example.com", "Asia/Tokyo", None)
    assert await zones.language_of("aiko@example.com") is None
    await zones.remember("aiko@example.com", None, "ja")  # a language alone keeps the zone
    assert await zones.zone_of("aiko@example.com") == ZoneInfo("Asia/Tokyo")
    await zones.remember("aiko@example.com", "Europe/London", None)  # a zone alone keeps it
    assert await zones.language_of("aiko@example.com") == "ja"
    await zones.remember("new@example.com", None, "ja")  # a language before any zone
    assert await zones.zone_of("new@example.com") is None
    assert await zones.language_of("new@example.com") == "ja"


async def test_unchanged_zone_and_language_are_written_once(zones: PersonZones) -> None:
    writes: list[str] = []
    execute = zones._db.execute

    async def counting(sql: str, params=()) -> int:  # type: ignore[no-untyped-def]
        writes.append(sql)
        return await execute(sql, params)

    zones._db.execute = counting  # type: ignore[method-assign]
    for _ in range(3):
        await zones.remember("aiko@example.com", "Asia/Tokyo", "ja_JP")
        await zones.remember("aiko@example.com", "asia/tokyo", "JA")
        await zones.remember("aiko@example.com", "Asia/Tokyo", None)
    await zones.remember("aiko@example.com", "Asia/Tokyo", "en")
    assert len(writes) == 2


async def test_a_channel_reads_its_places_language(zones: PersonZones) -> None:
    r = readers(zones)
    assert (await r.place("D1")).words.language == "ja"
    assert (await r.place("D2")).words.language == "en"  # a language the bot does not speak
    assert (await r.place("D3")).words.language == "en"
    assert (await r.place(None)).words.language == "en"
    assert (await r.of("channel", "support", "support", "D1")).words.language == "ja"
    assert (await r.of("channel", "desk", "support", "D1")).words.language == "en"  # the org's
    # a department channel with no language of its own reads the org channel's, not the default
    assert (await readers(zones, "ja").place("D3")).words.language == "en"
