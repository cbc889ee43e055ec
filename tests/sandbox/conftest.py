from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.clock import FrozenClock
from bot.config import Config
from bot.sandbox.world import SandboxWorld, sandbox_world


@pytest.fixture
async def world(config: Config, clock: FrozenClock) -> AsyncIterator[SandboxWorld]:
    async with sandbox_world(config, clock) as found:
        yield found
