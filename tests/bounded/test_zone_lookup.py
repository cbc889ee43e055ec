"""Time-zone lookups keep nothing of what callers send (issue 10: 150 unique 500 KB
`user.timezone` names kept 71 MB): only IANA names are ever looked up or kept."""

from __future__ import annotations

import gc
import tracemalloc

import pytest

from attendance.errors import AttendanceError
from attendance.zones import zone as attendance_zone
from bot.clock import zone_named
from bot.context import zone


def _retained_after(call) -> int:  # type: ignore[no-untyped-def]
    """Bytes still allocated after calling `call` with 200 distinct 100 KB names."""
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for i in range(200):
            name = f"Asia/{i:05d}" + "x" * 100_000
            try:
                call(name)
            except AttendanceError:
                pass
            del name
        gc.collect()
        return tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("lookup", [zone, attendance_zone], ids=["context", "attendance"])
def test_unique_zone_names_are_not_kept(lookup) -> None:  # type: ignore[no-untyped-def]
    assert _retained_after(lookup) < 1_000_000


@pytest.mark.parametrize(
    "sent", ["Europe/Pariss", "GMT+05:30", "", " ", "../../etc/passwd", "a" * 500_000, "\x00"]
)
def test_names_that_are_not_zones(sent: str) -> None:
    assert zone_named(sent) is None
    assert zone(sent).key == "UTC"
    with pytest.raises(AttendanceError):
        attendance_zone(sent)


@pytest.mark.parametrize(
    ("sent", "key"),
    [("Asia/calcutta", "Asia/Calcutta"), (" asia/TOKYO ", "Asia/Tokyo"), ("UTC", "UTC")],
)
def test_zone_names_are_matched_case_insensitively(sent: str, key: str) -> None:
    assert zone(sent).key == key
    assert attendance_zone(sent).key == key


def test_repeated_lookups_share_one_zone() -> None:
    assert zone("asia/tokyo") is zone("Asia/Tokyo")
