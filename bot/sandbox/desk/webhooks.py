"""Webhook delivery as Desk does it (reference/desk.md §5.4-5.5): a JSON array of events, POSTed
with an RS256 `X-ZDesk-JWT` whose keys the sandbox serves at `/.well-known/jwks.json`."""

from __future__ import annotations

import asyncio
import base64
import json
import logging
from typing import Any

import aiohttp
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from bot.clock import Clock, epoch_ms

log = logging.getLogger("deskbot.sandbox.desk")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _int_b64(number: int) -> str:
    return _b64(number.to_bytes((number.bit_length() + 7) // 8, "big"))


class Signer:
    """One RSA key: signs JWTs and publishes itself as a JWKS."""

    def __init__(self, kid: str = "sandbox-key-1") -> None:
        self.kid = kid
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    def jwks(self) -> dict[str, Any]:
        public = self._key.public_key().public_numbers()
        return {
            "keys": [
                {
                    "kty": "RSA",
                    "kid": self.kid,
                    "use": "sig",
                    "alg": "RS256",
                    "n": _int_b64(public.n),
                    "e": _int_b64(public.e),
                }
            ]
        }

    def token(self, claims: dict[str, Any]) -> str:
        header = {"alg": "RS256", "typ": "JWT", "kid": self.kid}
        signing_input = (
            f"{_b64(json.dumps(header, separators=(',', ':')).encode())}."
            f"{_b64(json.dumps(claims, separators=(',', ':')).encode())}"
        )
        signature = self._key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
        return f"{signing_input}.{_b64(signature)}"


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
        now = int(self.clock.now().timestamp())
        return self.signer.token(
            {
                "iss": f"orgId:{self.org_id}",
                "aud": f"webhookId:{webhook_id}",
                "iat": now,
                "exp": now + 300,
            }
        )

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
        await self.idle()
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
