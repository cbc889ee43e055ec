"""The scheduler's lease (bot/workers/leader.py) is given back when the app's parts close,
whoever took it: the lead loop, or the due work of a sandbox clock move. Parts that kept it
(their connection left open in a process that goes on, as `deskbot install` or a test does)
would stop every other process on the store from ever running the digests, reminders and
24-hour check-outs."""

from __future__ import annotations

from datetime import timedelta

import pytest
from aiohttp import web

from bot.app import open_parts
from bot.clock import FrozenClock
from bot.config import Config
from bot.parts import CLOCK, SCHEDULER_LEASE
from bot.store.db import Database
from bot.workers.leader import LEASE

pytestmark = pytest.mark.both_engines


async def test_parts_that_close_give_the_scheduler_lease_back(
    config: Config, clock: FrozenClock
) -> None:
    async with open_parts(web.Application(), config, clock) as parts:
        await parts[CLOCK].move(timedelta(minutes=10))  # its due work takes the lease
        assert parts[SCHEDULER_LEASE].holding
    other = await Database.open(config.store.location)  # another process, or the next start
    try:
        lease = other.lease(LEASE)
        assert await lease.held()
        await lease.release()
    finally:
        await other.close()
