"""An attendance service on an in-memory database and the shared frozen clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from attendance import AttendanceService
from attendance.models import CHECK_IN, CHECK_OUT, MEAL_BREAK, SHORT_BREAK
from bot.clock import FrozenClock
from bot.store.db import Database
from tests.attendance import org


@pytest.fixture
async def svc(store_url: str, clock: FrozenClock) -> AsyncIterator[AttendanceService]:
    db = await Database.open(store_url)
    service = AttendanceService(db, clock)
    await service.setup()
    yield service
    await db.close()


@pytest.fixture(scope="session")
def big_org_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """1,000 agents, 22 custom statuses, 30 days of events (tests/attendance/org.py), built
    once per run into a SQLite file; tests open it (or `org.copy_of` it to change it)."""
    return org.build_file(tmp_path_factory.mktemp("org") / "org.db")


@pytest.fixture
async def big_org(big_org_file: Path) -> AsyncIterator[AttendanceService]:
    """The large organisation, read-only, on a clock after its 30 days."""
    db = await Database.open(big_org_file)
    yield AttendanceService(db, FrozenClock(org.AFTER))
    await db.close()


JAPANESE = {CHECK_IN: "出勤", CHECK_OUT: "退勤", MEAL_BREAK: "食事休憩", SHORT_BREAK: "小休憩"}
ENGLISH = {
    CHECK_IN: "Check In",
    CHECK_OUT: "Check Out",
    MEAL_BREAK: "Meal Break",
    SHORT_BREAK: "Short Break",
}


def both(status_id: int) -> list[str]:
    """The default words of the product document, in English and Japanese."""
    return [ENGLISH[status_id], JAPANESE[status_id]]


@pytest.fixture
async def bilingual(store_url: str, clock: FrozenClock) -> AsyncIterator[AttendanceService]:
    """An attendance service whose default status names are in English and Japanese."""
    db = await Database.open(store_url)
    service = AttendanceService(db, clock, words=both)
    await service.setup()
    yield service
    await db.close()
