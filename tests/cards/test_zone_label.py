"""A labelled time names universal time `UTC` whatever the tz database calls it (`GMT`, `UCT`,
`Z`): channel posts, DMs and the digest name the zone alike; other zones keep their letters or
read as an offset from UTC."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.cards.when import zone_label

WINTER = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
SUMMER = datetime(2026, 7, 5, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("zone", "moment", "label"),
    [
        ("UTC", WINTER, "UTC"),
        ("Etc/UTC", SUMMER, "UTC"),
        ("GMT", WINTER, "UTC"),
        ("Etc/GMT", SUMMER, "UTC"),
        ("Etc/UCT", WINTER, "UTC"),
        ("Europe/London", WINTER, "UTC"),
        ("Africa/Abidjan", SUMMER, "UTC"),
        ("Europe/London", SUMMER, "BST"),
        ("Asia/Tokyo", WINTER, "JST"),
        ("America/Sao_Paulo", WINTER, "UTC-03"),
        ("Asia/Kathmandu", WINTER, "UTC+05:45"),
        ("Etc/GMT-14", WINTER, "UTC+14"),
    ],
)
def test_universal_time_has_one_name(zone: str, moment: datetime, label: str) -> None:
    assert zone_label(moment, ZoneInfo(zone)) == label
