"""An attendance service on an in-memory database and the shared frozen clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from attendance import AttendanceService
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
