"""Webhook delivery as Desk does it (reference/desk.md §5.4-5.5): a JSON array of events, POSTed
with an RS256 `X-ZDesk-JWT` whose keys the sandbox serves at `/.well-known/jwks.json`."""

from __future__ import annotations

import asyncio
import logging
import secrets
from typing import Any

import aiohttp

from bot.clock import Clock, epoch_ms
from bot.sandbox.signer import Signer

log = logging.getLogger(__name__)


class Deliverer:
    """Posts events in the background, retrying a few times; `idle()` waits for all of them."""

    def __init__(self, org_id: str, clock: Clock, attempts: int = 3) -> None:
        self.org_id = org_id
        self.clock = clock
        self.signer = Signer()
        self.attempts = attempts
        self.delivered: list[dict[str, Any]] = []
        self.failed: list[dict[str, Any]] = []
        self._tasks: set[asyncio.Task[None]] = set()
        self._session: aiohttp.ClientSession | None = None
        self._last_ms = 0
        self.with_exp = True

    def deliver(
        self,
        hook: dict[str, Any],
        event_type: str,
        payload: dict[str, Any],
        prev: dict[str, Any] | None,
    ) -> None:
        # Desk's event times differ between changes; keep them distinct under a frozen clock too.
        self._last_ms = max(epoch_ms(self.clock.now()), self._last_ms + 1)
        event: dict[str, Any] = {
            "eventType": event_type,
            "eventTime": str(self._last_ms),
            "orgId": self.org_id,
            "payload": payload,
        }
        if prev is not None:
            event["prevState"] = prev
        task = asyncio.ensure_future(self._post(hook, [event]))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def jwt_for(self, webhook_id: str) -> str:
        """A delivery's token. Whether Desk's tokens carry `exp` is open (zoho-audit.md §1.11):
        `with_exp` (`[sandbox] desk_jwt_exp`) chooses. `jti` keeps two deliveries' tokens
        distinct under a frozen clock (one token is accepted with one body only)."""
        now = int(self.clock.now().timestamp())
        claims: dict[str, Any] = {
            "iss": f"orgId:{self.org_id}",
            "aud": f"webhookId:{webhook_id}",
            "iat": now,
            "jti": secrets.token_hex(8),
        }
        if self.with_exp:
            claims["exp"] = now + 300
        return self.signer.token(claims)

    async def validate_url(self, url: str) -> bool:
        """Desk GETs a new webhook's URL first and needs 200 (unsigned)."""
        if self._session is None:
            self._session = aiohttp.ClientSession()
        try:
            async with self._session.get(url) as response:
                return response.status == 200
        except aiohttp.ClientError:
            return False

    async def idle(self) -> None:
        """Wait until every event handed over so far has been delivered or given up on."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def close(self) -> None:
        """Stop: deliveries still under way are abandoned, not awaited (a Desk going away does
        not finish them, and the receiver may be the app that is stopping us)."""
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*list(self._tasks), return_exceptions=True)
        if self._session is not None:
            await self._session.close()

    async def _post(self, hook: dict[str, Any], events: list[dict[str, Any]]) -> None:
        if self._session is None:
            self._session = aiohttp.ClientSession()
        for attempt in range(1, self.attempts + 1):
            headers = {"X-ZDesk-JWT": self.jwt_for(hook["id"])}
            try:
                async with self._session.post(
                    hook["url"], json=events, headers=headers
                ) as response:
                    if response.status < 300:
                        self.delivered.extend(events)
                        return
                    log.warning("webhook %s answered %s", hook["url"], response.status)
            except aiohttp.ClientError as exc:
                log.warning("webhook %s unreachable: %s", hook["url"], exc)
            await asyncio.sleep(0.05 * attempt)
        self.failed.extend(events)
