"""Checks the `X-ZDesk-JWT` Desk signs each webhook delivery with (reference/desk.md §5.5).

RS256 over header and claims (not the body), checked by PyJWT with a key from the Desk host's
JWKS, picked by `kid`. `iss` must be `orgId:<our org>`, `aud` `webhookId:<one of our webhooks>`.
Time is ours (the injected clock): `exp`, when present, must not have passed beyond a leeway;
without `exp`, `iat` must lie inside `max_age` (the window), as the working implementations
accept tokens without `exp` (zoho-audit.md §1.11). A `Bearer ` prefix is accepted. Keys are
cached; an unknown `kid` (key rotation) triggers a refetch, at most once per `min_refetch`, so
forged `kid`s cannot flood Desk.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from bot.clock import Clock

log = logging.getLogger(__name__)


class JWTError(Exception):
    """The delivery's JWT does not prove it came from our Desk portal."""


class MalformedToken(JWTError):
    """Not three base64url parts of JSON, or a time claim that is not a time."""


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
    """`exp` has passed (beyond the leeway); without `exp`, `iat` is older than the window, or
    the token has neither."""


class NotYetValid(JWTError):
    """`iat` is in the future (beyond the leeway)."""


def _epoch(value: Any) -> datetime | None:
    """A NumericDate; values that can only be milliseconds are read as such (desk.md §5.5).
    None when absent or not a finite number in datetime's range."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    seconds = value / 1000 if value > 100_000_000_000 else value
    try:
        return datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError):
        return None


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
            key = jwt.PyJWK(entry, algorithm="RS256").key
        except (jwt.PyJWKError, jwt.InvalidKeyError, KeyError, ValueError) as error:
            log.warning("skipping an unusable JWKS key %r: %s", entry.get("kid"), error)
            continue
        if isinstance(key, rsa.RSAPublicKey):
            keys[str(entry.get("kid", ""))] = key
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
    """A verified delivery: which webhook, for which org, when signed, until when accepted.

    `expires_at` is `exp`, or `iat` + the verifier's `max_age` for a token without `exp`;
    `token_id` names the exact signed header and claims (a SHA-256 hex), so one token can be
    bound to one body."""

    org_id: str
    webhook_id: str
    issued_at: datetime | None
    expires_at: datetime
    kid: str | None
    token_id: str = ""
    accepted_until: datetime | None = None  # expires_at + the leeway: when it stops verifying


BEARER = "bearer "


class WebhookVerifier:
    """Verifies `X-ZDesk-JWT` headers for one org and a set of known webhook ids.

    `leeway` is the clock skew allowed on `exp` and `iat`; `max_age` is how long after `iat`
    a token without `exp` is accepted (5 minutes, the lifetime Desk's own tokens are seen with).
    """

    def __init__(
        self,
        keys: JwksCache,
        org_id: str,
        webhook_ids: Iterable[str],
        clock: Clock,
        *,
        leeway: timedelta = timedelta(seconds=60),
        max_age: timedelta = timedelta(minutes=5),
        reload: Callable[[], Awaitable[Iterable[str]]] | None = None,
    ) -> None:
        """`reload` reads the webhook ids installed since (by `deskbot install` in another
        process): asked when a token Desk signed names none of those known."""
        self._reload = reload
        self._keys = keys
        self.org_id = str(org_id)
        self.webhook_ids = {str(w) for w in webhook_ids}
        self._clock = clock
        self._leeway = leeway
        self._max_age = max_age

    def allow(self, webhook_id: str) -> None:
        """Accept deliveries for another webhook (e.g. one just created)."""
        self.webhook_ids.add(str(webhook_id))

    async def verify(self, token: str) -> Claims:
        """The claims of a valid token (with or without a `Bearer ` prefix); JWTError otherwise."""
        token = token.strip()
        if token[: len(BEARER)].lower() == BEARER:
            token = token[len(BEARER) :].strip()
        if token.count(".") != 2 or not all(token.split(".")) or not token.isascii():
            raise MalformedToken("a JWT has three non-empty dot-separated parts")
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as error:
            raise MalformedToken(f"the JWT header is unreadable: {error}") from error
        if header.get("alg") != "RS256":
            raise UnsupportedAlgorithm(f"alg {header.get('alg')!r} is not RS256")
        kid = header.get("kid")
        kid = str(kid) if kid is not None else None
        key = await self._keys.key(kid)
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=["RS256"],
                # iss and aud are checked below with our own errors; times with our clock.
                options={
                    "verify_exp": False,
                    "verify_iat": False,
                    "verify_nbf": False,
                    "verify_aud": False,
                    "verify_iss": False,
                },
            )
        except jwt.InvalidSignatureError as error:
            raise BadSignature("the JWT signature does not verify") from error
        except jwt.PyJWTError as error:
            raise MalformedToken(f"the JWT is unreadable: {error}") from error
        signed = token.rsplit(".", 1)[0].encode("ascii")
        if self._reload is not None and self._audience(claims) is None:
            self.webhook_ids |= {str(w) for w in await self._reload()}
        return self._check_claims(claims, kid, hashlib.sha256(signed).hexdigest())

    def _audience(self, claims: dict[str, Any]) -> str | None:
        """The id of our webhook the token's `aud` names (`webhookId:<id>`), or None."""
        audiences = claims.get("aud")
        audiences = [audiences] if isinstance(audiences, str) else audiences
        return next(
            (
                a.removeprefix("webhookId:")
                for a in (audiences if isinstance(audiences, list) else [])
                if isinstance(a, str)
                and a.startswith("webhookId:")
                and a.removeprefix("webhookId:") in self.webhook_ids
            ),
            None,
        )

    def _check_claims(self, claims: dict[str, Any], kid: str | None, token_id: str) -> Claims:
        if claims.get("iss") != f"orgId:{self.org_id}":
            raise WrongIssuer(f"iss {claims.get('iss')!r} is not orgId:{self.org_id}")
        webhook_id = self._audience(claims)
        if webhook_id is None:
            raise WrongAudience(f"aud {str(claims.get('aud'))[:100]!r} names none of our webhooks")
        now = self._clock.now()
        issued = _epoch(claims.get("iat"))
        if "iat" in claims and issued is None:
            raise MalformedToken("iat is not a time")
        if issued is not None and issued > now + self._leeway:
            raise NotYetValid("the JWT was issued in the future")
        expires = _epoch(claims.get("exp"))
        if "exp" in claims and expires is None:
            raise MalformedToken("exp is not a time")
        if expires is None:
            if issued is None:
                raise Expired("the JWT has neither exp nor iat")
            expires = issued + self._max_age
        if now > expires + self._leeway:
            raise Expired("the JWT has expired")
        return Claims(
            self.org_id, webhook_id, issued, expires, kid, token_id, expires + self._leeway
        )
