"""A bot on sandboxes in another process (`deskbot sandbox`) keeps its clock on theirs.

The bot's own MovableClock takes the sandbox world's offset at start (`sync`) and then whenever
the world's clock moves (`run_forever`, a long poll of `GET /sandbox/clock`). Its listeners (the
due work: digests, reminders, the 24-hour check-out) run before it asks again, which tells the
sandbox the move is caught up (bot/sandbox/world_clock.py).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from datetime import timedelta

import aiohttp

from bot.clock import MovableClock

log = logging.getLogger(__name__)
RETRY_SECONDS = 1.0


class ClockFollower:
    def __init__(self, session: aiohttp.ClientSession, desk_url: str, clock: MovableClock) -> None:
        """`desk_url` is the sandbox Desk's base URL (it serves the world's clock)."""
        self._session, self._url, self._clock = session, f"{desk_url}/sandbox/clock", clock
        self.name = uuid.uuid4().hex
        self.version: int | None = None

    async def sync(self) -> None:
        """Take the world's clock as it is now. aiohttp.ClientError when the sandbox is down."""
        await self._take(await self._get({"follower": self.name}))

    async def run_forever(self) -> None:
        """Follow every move until cancelled; a sandbox that is down is asked again each second."""
        while True:
            try:
                params = {"follower": self.name}
                if self.version is not None:
                    params["after"] = str(self.version)
                await self._take(await self._get(params))
            except (aiohttp.ClientError, TimeoutError, ValueError, KeyError) as exc:
                log.warning("the sandbox clock cannot be read (%s); asking again", exc)
                await asyncio.sleep(RETRY_SECONDS)

    async def _get(self, params: dict[str, str]) -> dict[str, object]:
        timeout = aiohttp.ClientTimeout(total=60)
        async with self._session.get(self._url, params=params, timeout=timeout) as response:
            response.raise_for_status()
            found = await response.json()
        if not isinstance(found, dict):
            raise ValueError("the sandbox clock answered no object")
        return found

    async def _take(self, state: dict[str, object]) -> None:
        version = int(str(state["version"]))
        if version != self.version:
            await self._clock.follow(timedelta(seconds=float(str(state["offset_seconds"]))))
            self.version = version
