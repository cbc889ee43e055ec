"""An attendance service on an in-memory database and the shared frozen clock."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from attendance import AttendanceService
from bot.clock import FrozenClock
from bot.store.db import Database


@pytest.fixture
async def svc(store_url: str, clock: FrozenClock) -> AsyncIterator[AttendanceService]:
    db = await Database.open(store_url)
    service = AttendanceService(db, clock)
    await service.setup()
    yield service
    await db.close()
