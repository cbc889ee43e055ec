"""Checks the `X-ZDesk-JWT` Desk signs each webhook delivery with (reference/desk.md §5.5).

RS256 over header and claims (not the body): the key comes from the Desk host's JWKS by `kid`;
`iss` must be `orgId:<our org>`, `aud` `webhookId:<one of our webhooks>`, and `exp`/`iat`
must fit the injected clock within a leeway. Keys are cached; an unknown `kid` (key rotation)
triggers a refetch, at most once per `min_refetch`, so forged `kid`s cannot flood Desk.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from bot.clock import Clock

log = logging.getLogger(__name__)


class JWTError(Exception):
    """The delivery's JWT does not prove it came from our Desk portal."""


class MalformedToken(JWTError):
    """Not three base64url parts of JSON."""


class UnsupportedAlgorithm(JWTError):
    """Anything but RS256 (`none` and HMAC included) is refused."""


class UnknownKey(JWTError):
    """The `kid` is not in Desk's JWKS, even after a refetch."""


class KeysUnavailable(JWTError):
    """The JWKS could not be fetched and no keys are cached."""


class BadSignature(JWTError):
    """The signature does not match the key."""


class WrongIssuer(JWTError):
    """`iss` is not `orgId:<our org id>`."""


class WrongAudience(JWTError):
    """`aud` names none of our webhooks."""


class Expired(JWTError):
    """`exp` has passed (beyond the leeway), or is missing."""


class NotYetValid(JWTError):
    """`iat` is in the future (beyond the leeway)."""


def _b64decode(part: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    except (binascii.Error, ValueError) as error:
        raise MalformedToken("a JWT part is not base64url") from error


def _b64int(value: Any) -> int:
    if not isinstance(value, str):
        raise ValueError("RSA key numbers must be base64url strings")
    return int.from_bytes(_b64decode(value), "big")


def _json_part(part: str) -> dict[str, Any]:
    try:
        value = json.loads(_b64decode(part))
    except ValueError as error:
        raise MalformedToken("a JWT part is not JSON") from error
    if not isinstance(value, dict):
        raise MalformedToken("a JWT part is not a JSON object")
    return value


def _epoch(value: Any) -> datetime | None:
    """A NumericDate; values that can only be milliseconds are read as such."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    seconds = value / 1000 if value > 100_000_000_000 else value
    return datetime.fromtimestamp(seconds, UTC)


def parse_jwks(document: Any) -> dict[str, rsa.RSAPublicKey]:
    """The RSA signing keys of a JWKS document, by `kid` (other keys are skipped)."""
    keys: dict[str, rsa.RSAPublicKey] = {}
    entries = document.get("keys") if isinstance(document, dict) else None
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict) or entry.get("kty") != "RSA":
            continue
        if entry.get("use", "sig") != "sig" or entry.get("alg", "RS256") != "RS256":
            continue
        try:
            numbers = rsa.RSAPublicNumbers(_b64int(entry["e"]), _b64int(entry["n"]))
            keys[str(entry.get("kid", ""))] = numbers.public_key()
        except (KeyError, ValueError, MalformedToken) as error:
            log.warning("skipping an unusable JWKS key %r: %s", entry.get("kid"), error)
    return keys


class JwksCache:
    """Desk's public keys, fetched once, refetched for an unknown `kid` (rate-limited) or when
    older than `max_age`; one fetch at a time."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        url: str,
        clock: Clock,
        *,
        min_refetch: timedelta = timedelta(minutes=1),
        max_age: timedelta = timedelta(hours=12),
        timeout: float = 3.0,
    ) -> None:
        self.url = url
        self._session = session
        self._clock = clock
        self._min_refetch = min_refetch
        self._max_age = max_age
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._keys: dict[str, rsa.RSAPublicKey] = {}
        self._fetched: datetime | None = None
        self._lock = asyncio.Lock()
        self.fetches = 0

    async def key(self, kid: str | None) -> rsa.RSAPublicKey:
        wanted = kid or ""
        if self._fresh() and wanted in self._keys:
            return self._keys[wanted]
        async with self._lock:
            # another caller may have fetched while we waited
            if wanted not in self._keys or not self._fresh():
                if self._may_fetch():
                    await self.refresh()
        if wanted in self._keys:
            return self._keys[wanted]
        if not kid and len(self._keys) == 1:
            return next(iter(self._keys.values()))
        if not self._keys:
            raise KeysUnavailable("no Desk JWKS keys are available yet")
        raise UnknownKey(f"no key {kid!r} in Desk's JWKS")

    async def refresh(self) -> None:
        """Fetch the JWKS now; on failure keep any keys already known."""
        self._fetched = self._clock.now()
        self.fetches += 1
        try:
            async with self._session.get(self.url, timeout=self._timeout) as response:
                if response.status != 200:
                    raise KeysUnavailable(f"JWKS answered HTTP {response.status}")
                document = await response.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError, ValueError) as error:
            if not self._keys:
                raise KeysUnavailable(f"cannot fetch Desk's JWKS: {error}") from error
            log.warning("JWKS refetch failed, keeping %d cached keys: %s", len(self._keys), error)
            return
        except KeysUnavailable:
            if not self._keys:
                raise
            return
        keys = parse_jwks(document)
        if keys:
            self._keys = keys
        elif not self._keys:
            raise KeysUnavailable("Desk's JWKS holds no RSA signing key")

    def _fresh(self) -> bool:
        return self._fetched is not None and self._clock.now() - self._fetched < self._max_age

    def _may_fetch(self) -> bool:
        return self._fetched is None or self._clock.now() - self._fetched >= self._min_refetch


@dataclass(frozen=True)
class Claims:
    """A verified delivery: which webhook, for which org, when signed."""

    org_id: str
    webhook_id: str
    issued_at: datetime | None
    expires_at: datetime
    kid: str | None


class WebhookVerifier:
    """Verifies `X-ZDesk-JWT` headers for one org and a set of known webhook ids."""

    def __init__(
        self,
        keys: JwksCache,
        org_id: str,
        webhook_ids: Iterable[str],
        clock: Clock,
        *,
        leeway: timedelta = timedelta(seconds=60),
    ) -> None:
        self._keys = keys
        self.org_id = str(org_id)
        self.webhook_ids = {str(w) for w in webhook_ids}
        self._clock = clock
        self._leeway = leeway

    def allow(self, webhook_id: str) -> None:
        """Accept deliveries for another webhook (e.g. one just created)."""
        self.webhook_ids.add(str(webhook_id))

    async def verify(self, token: str) -> Claims:
        parts = token.strip().split(".")
        if len(parts) != 3 or not all(parts):
            raise MalformedToken("a JWT has three non-empty dot-separated parts")
        header = _json_part(parts[0])
        if header.get("alg") != "RS256":
            raise UnsupportedAlgorithm(f"alg {header.get('alg')!r} is not RS256")
        kid = header.get("kid")
        kid = str(kid) if kid is not None else None
        key = await self._keys.key(kid)
        try:
            key.verify(
                _b64decode(parts[2]),
                f"{parts[0]}.{parts[1]}".encode("ascii"),
                padding.PKCS1v15(),
                hashes.SHA256(),
            )
        except (InvalidSignature, UnicodeEncodeError) as error:
            raise BadSignature("the JWT signature does not verify") from error
        return self._check_claims(_json_part(parts[1]), kid)

    def _check_claims(self, claims: dict[str, Any], kid: str | None) -> Claims:
        if claims.get("iss") != f"orgId:{self.org_id}":
            raise WrongIssuer(f"iss {claims.get('iss')!r} is not orgId:{self.org_id}")
        audiences = claims.get("aud")
        audiences = [audiences] if isinstance(audiences, str) else audiences
        webhook_id = next(
            (
                a.removeprefix("webhookId:")
                for a in audiences or []
                if isinstance(a, str)
                and a.startswith("webhookId:")
                and a.removeprefix("webhookId:") in self.webhook_ids
            ),
            None,
        )
        if webhook_id is None:
            raise WrongAudience(f"aud {claims.get('aud')!r} names none of our webhooks")
        now = self._clock.now()
        expires = _epoch(claims.get("exp"))
        if expires is None or now > expires + self._leeway:
            raise Expired("the JWT has expired" if expires else "the JWT has no exp")
        issued = _epoch(claims.get("iat"))
        if issued is not None and issued > now + self._leeway:
            raise NotYetValid("the JWT was issued in the future")
        return Claims(self.org_id, webhook_id, issued, expires, kid)
