"""The one choice of a reader's zone (SPEC X2, issue 11 item 2): a DM's recipient reads the zone
their Cliq last told us, else their Desk profile's, else the configured default; a channel's
readers its configured zone. Names that are not IANA zones never count."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from bot.clock import FrozenClock
from bot.desk.people import Agent
from bot.i18n import Languages
from bot.notify.readers import Readers
from bot.store.db import Database
from bot.store.zones import PersonZones

AGENTS = {
    "aiko@example.com": Agent.model_validate(
        {"id": "61", "emailId": "aiko@example.com", "timeZone": "Europe/London"}
    ),
    "kenji@example.com": Agent.model_validate(
        {"id": "62", "emailId": "kenji@example.com", "timeZone": "asia/TOKYO"}
    ),
    "lee@example.com": Agent.model_validate(
        {"id": "63", "emailId": "lee@example.com", "rolePermissionType": "Light"}
    ),
    "odd@example.com": Agent.model_validate(
        {"id": "64", "emailId": "odd@example.com", "timeZone": "GMT+9 (Japan)"}
    ),
}


class Directory:
    async def by_email(self, email: str) -> Agent | None:
        return AGENTS.get(email.casefold())


@pytest.fixture
async def zones(tmp_path) -> PersonZones:  # type: ignore[no-untyped-def]
    db = await Database.open(tmp_path / "z.db")
    memory = PersonZones(db, FrozenClock("2026-03-02T01:00:00+00:00"))
    await memory.setup()
    yield memory  # type: ignore[misc]
    await db.close()


def readers(zones: PersonZones, default: str = "America/New_York") -> Readers:
    return Readers(
        zones=zones,
        agents=Directory(),
        default_zone=default,
        place_zones={"D1": "Asia/Tokyo", "D2": "no/such zone"},
    )


async def test_cliq_then_desk_then_the_default(zones: PersonZones) -> None:
    r = readers(zones)
    assert (await r.person("aiko@example.com")).zone == ZoneInfo("Europe/London")  # Desk
    assert (await r.person("kenji@example.com")).zone == ZoneInfo("Asia/Tokyo")  # case forgiven
    assert (await r.person("odd@example.com")).zone == ZoneInfo("America/New_York")  # not IANA
    assert (await r.person("stranger@example.com")).zone == ZoneInfo("America/New_York")
    await zones.remember("Aiko@Example.com", "asia/kolkata")  # she spoke to the bot from India
    assert (await r.person("aiko@example.com")).zone == ZoneInfo("Asia/Kolkata")
    await zones.remember("aiko@example.com", "Mars/Olympus_Mons")  # nonsense changes nothing
    await zones.remember("aiko@example.com", None)
    assert (await r.person("aiko@example.com")).zone == ZoneInfo("Asia/Kolkata")
    await zones.remember("stranger@example.com", "Europe/Paris")  # no Desk profile needed
    assert (await r.person("stranger@example.com")).zone == ZoneInfo("Europe/Paris")


async def test_a_dm_reader_carries_their_role_and_labels_times(zones: PersonZones) -> None:
    r = readers(zones)
    lee = await r.person("lee@example.com")
    assert (lee.role, lee.agent_id, lee.labelled) == ("light", "63", True)
    assert (await r.person("stranger@example.com")).role is None


async def test_a_channel_reads_its_places_zone(zones: PersonZones) -> None:
    r = readers(zones, default="UTC")
    assert (await r.place("D1")).zone == ZoneInfo("Asia/Tokyo")
    assert (await r.place("D2")).zone == ZoneInfo("UTC")  # a configured name that is no zone
    assert (await r.place(None)).zone == ZoneInfo("UTC")
    assert (await r.of("channel", "support", "Support", "D1")).zone == ZoneInfo("Asia/Tokyo")
    # D1's notices in the org channel (not D1's own): the org's zone
    assert (await r.of("channel", "desk", "support", "D1")).zone == ZoneInfo("UTC")
    assert (await r.of("channel", "desk", None, "D1")).zone == ZoneInfo("UTC")
    assert all(reader.labelled for reader in (await r.place("D1"), await r.place(None)))


async def test_an_unchanged_zone_is_written_once(zones: PersonZones) -> None:
    writes: list[str] = []
    execute = zones._db.execute

    async def counting(sql: str, params=()) -> int:  # type: ignore[no-untyped-def]
        writes.append(sql)
        return await execute(sql, params)

    zones._db.execute = counting  # type: ignore[method-assign]
    for _ in range(5):
        await zones.remember("aiko@example.com", "Asia/Tokyo")
    await zones.remember("aiko@example.com", "Asia/Kolkata")
    assert len(writes) == 2


async def test_a_channel_reads_its_places_language(zones: PersonZones) -> None:
    """The org channel: `[notifications] language`, else the default; a department's own
    channel: an admin's choice, else its `department_languages` entry, else the org channel's;
    a post of that department in the org channel: the org channel's."""
    chosen: dict[str, str] = {}

    async def choices() -> dict[str, str]:
        return chosen

    r = Readers(
        zones=zones,
        agents=Directory(),
        default_zone="UTC",
        place_zones={},
        languages=Languages("ja"),
        place_languages={None: "en-GB", "D1": "ja_JP", "D2": "tlh"},
        chosen_languages=choices,
    )
    assert (await r.place(None)).words.language == "en"
    assert (await r.place("D1")).words.language == "ja"
    assert (await r.place("D2")).words.language == "en"  # not spoken: the org channel's
    assert (await r.place("D3")).words.language == "en"
    chosen.update({"D1": "en", "D3": "ja"})
    assert (await r.place("D1")).words.language == "en"
    assert (await r.place("D3")).words.language == "ja"
    assert (await r.of("channel", "support", "Support", "D3")).words.language == "ja"
    assert (await r.of("channel", "desk", "support", "D3")).words.language == "en"
    unset = Readers(
        zones=zones,
        agents=Directory(),
        default_zone="UTC",
        place_zones={},
        languages=Languages("ja"),
    )
    assert (await unset.place(None)).words.language == "ja"  # the default ([bot] language)
