"""SPEC A8: the CSV export: BOM, stable columns, 30-day limit, streamed in constant memory."""

from __future__ import annotations

import csv
import inspect
import io
import tracemalloc
from datetime import date, datetime, timedelta

import pytest

from attendance import AttendanceService, RangeError
from attendance.export import CHUNK, FIXED_COLUMNS
from bot.clock import FrozenClock

AGENT = "agent@example.com"


async def read_all(chunks) -> bytes:  # type: ignore[no-untyped-def]
    return b"".join([chunk async for chunk in chunks])


async def test_bom_header_and_one_row_per_agent_per_day(
    svc: AttendanceService, clock: FrozenClock
) -> None:
    clock.set(datetime.fromisoformat("2026-03-02T09:00:00+09:00"))
    await svc.check_in(AGENT, name="山田 愛子")
    clock.advance(hours=3)
    await svc.break_(AGENT, "meal")
    clock.advance(minutes=45)
    await svc.check_in(AGENT)
    clock.advance(hours=5, seconds=30)
    await svc.check_out(AGENT)
    await svc.check_in("b@example.com", name='=HYPERLINK("http://x")')
    clock.advance(days=3)
    data = await read_all(
        await svc.export([AGENT, "b@example.com"], date(2026, 3, 1), date(2026, 3, 3), "Asia/Tokyo")
    )
    assert data.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == [
        *FIXED_COLUMNS,
        "Check In (s)",
        "Meal Break (s)",
        "Short Break (s)",
    ]
    assert rows[0][:10] == [
        "date",
        "agent_name",
        "agent_email",
        "time_zone",
        "first_check_in",
        "last_check_out",
        "auto_check_out",
        "worked",
        "worked_seconds",
        "away_seconds",
    ]
    assert len(rows) == 1 + 2 * 3
    assert rows[2] == [
        "2026-03-02",
        "山田 愛子",
        AGENT,
        "Asia/Tokyo",
        "2026-03-02T09:00:00+09:00",
        "2026-03-02T17:45:30+09:00",
        "",
        "8:00:30",
        "28830",
        "2700",
        "28830",
        "2700",
        "0",
    ]
    assert rows[1][0] == "2026-03-01" and rows[1][7] == "0:00:00"
    # the other agent was checked out automatically 24 hours later; formulas are defused
    b_rows = rows[4:]
    assert b_rows[1][1] == '\'=HYPERLINK("http://x")'
    assert b_rows[2][5] == "2026-03-03T17:45:30+09:00" and b_rows[2][6] == "yes"
    assert int(b_rows[1][8]) + int(b_rows[2][8]) == 24 * 3600


async def test_more_than_30_days_is_refused_before_any_byte(svc: AttendanceService) -> None:
    with pytest.raises(RangeError, match="at most 30 days"):
        await svc.export([AGENT], date(2026, 1, 1), date(2026, 1, 31), "UTC")
    await read_all(await svc.export([AGENT], date(2026, 1, 1), date(2026, 1, 30), "UTC"))


async def test_deleted_statuses_are_columns_only_if_used_before_the_end(
    svc: AttendanceService, clock: FrozenClock
) -> None:
    await svc.add_status("Training", "offline")
    await svc.add_status("Unused", "online")
    await svc.check_in(AGENT)
    await svc.move(AGENT, "Training")
    await svc.delete_status("Training")
    await svc.delete_status("Unused")
    day = clock.now().date()
    data = await read_all(await svc.export([AGENT], day, day, "UTC"))
    header = data.decode("utf-8-sig").splitlines()[0].split(",")
    assert header[len(FIXED_COLUMNS) :] == [
        "Check In (s)",
        "Meal Break (s)",
        "Short Break (s)",
        "Training (s)",
    ]
    earlier = await read_all(
        await svc.export([AGENT], day - timedelta(days=3), day - timedelta(days=1), "UTC")
    )
    assert "Training" not in earlier.decode("utf-8-sig")


async def peak_while_streaming(svc: AttendanceService, count: int) -> tuple[int, list[int]]:
    agents = [f"agent{i:04d}@example.com" for i in range(count)]
    chunks = await svc.export(agents, date(2026, 1, 1), date(2026, 1, 30), "Europe/London")
    assert inspect.isasyncgen(chunks)  # nothing is built before it is read
    tracemalloc.start()
    try:
        sizes = [len(chunk) async for chunk in chunks]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, sizes


async def test_streamed_in_chunks_in_constant_memory(svc: AttendanceService) -> None:
    await peak_while_streaming(svc, 2)  # warm caches (zone files, statements)
    small, _ = await peak_while_streaming(svc, 40)
    large, sizes = await peak_while_streaming(svc, 160)
    assert sum(sizes) > 300_000 and len(sizes) > 4
    assert max(sizes) < CHUNK + 10_000
    assert large < small * 1.25  # four times the agents, the same memory
