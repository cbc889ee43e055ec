"""HTTP to Desk: auth headers, the concurrency cap, retries, credit headers and paging.

Desk's rules (reference/desk.md §4, §8) in one place: `Authorization: Zoho-oauthtoken` and
`orgId` on every call; at most `concurrency` calls in flight (the portal has a small limit);
204 means "nothing"; 401 `INVALID_OAUTH` → invalidate the token and retry once; 429
`TOO_MANY_REQUESTS` and 5xx → jittered exponential backoff, a bounded number of times;
429 `THRESHOLD_EXCEEDED` (the day's credits are gone) → no retry, and further calls fail fast
until `Retry-After` has passed; lists page with `from`/`limit` and are deduped by id.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol, TypeVar

import aiohttp
from pydantic import BaseModel

from bot.clock import Clock
from bot.desk.errors import (
    DeskError,
    DeskUnavailable,
    InvalidOAuth,
    ThresholdExceeded,
    TokenRefused,
    TooManyRequests,
    error_for,
)
from bot.desk.wire import format_time
from bot.oauth import CredentialsRefused, OAuthError, RefreshLimitError

log = logging.getLogger(__name__)

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)
Sleep = Callable[[float], Awaitable[Any]]

WEIGHT_HEADER = "X-Rate-Limit-Request-Weight-v3"
REMAINING_HEADER = "X-Rate-Limit-Remaining-v3"


class TokenSource(Protocol):
    """Gives access tokens (bot/oauth.py TokenManager implements it)."""

    async def token(self) -> str: ...

    async def invalidate(self, token: str) -> None: ...


@dataclass
class Credits:
    """What the credit headers said last, and what this client has spent."""

    remaining: int | None = None
    last_weight: int | None = None
    spent: int = 0
    updated: datetime | None = None
    exhausted_until: datetime | None = None


@dataclass(frozen=True)
class RetryPolicy:
    """Equal-jitter exponential backoff: retry n waits in [d/2, d], d = min(cap, base·2ⁿ)."""

    retries: int = 4
    base: float = 1.0
    cap: float = 8.0
    # A Retry-After longer than this is not waited for inside a call: the error surfaces.
    max_retry_after: float = 30.0

    def delay(self, retry: int, rng: random.Random) -> float:
        ceiling: float = min(self.cap, self.base * 2**retry)
        return ceiling / 2 + rng.uniform(0, ceiling / 2)


def encode_params(params: Mapping[str, Any] | None) -> dict[str, str]:
    """Query parameters as Desk wants them: None dropped, lists as csv, booleans lower-case,
    times as `…Z`, time pairs as Desk's `from,to` range."""
    encoded: dict[str, str] = {}
    for key, value in (params or {}).items():
        if value is None:
            continue
        if isinstance(value, bool):
            encoded[key] = "true" if value else "false"
        elif isinstance(value, datetime):
            encoded[key] = format_time(value)
        elif (
            isinstance(value, tuple)
            and len(value) == 2
            and all(isinstance(v, datetime) for v in value)
        ):
            encoded[key] = f"{format_time(value[0])},{format_time(value[1])}"
        elif isinstance(value, list | tuple | set | frozenset):
            if not value:
                continue
            encoded[key] = ",".join(str(v) for v in value)
        else:
            encoded[key] = str(value)
    return encoded


def _int_header(headers: Mapping[str, str], name: str) -> int | None:
    value = headers.get(name)
    try:
        return int(float(value)) if value is not None else None
    except ValueError:
        return None


def _retry_after(headers: Mapping[str, str]) -> float | None:
    value = headers.get("Retry-After")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


class Transport:
    """One acting identity's HTTP channel to one Desk portal."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        base_url: str,
        org_id: str,
        tokens: TokenSource,
        clock: Clock,
        *,
        concurrency: int = 4,
        sleep: Sleep = asyncio.sleep,
        rng: random.Random | None = None,
        retry: RetryPolicy | None = None,
        gate: asyncio.Semaphore | None = None,
    ) -> None:
        """`gate`, when given, is the portal's cap shared with other identities' transports
        (Desk caps concurrent calls per portal, desk.md §4.2); otherwise a cap of
        `concurrency` calls for this transport alone."""
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self._session = session
        self.base_url = base_url.rstrip("/")
        self.org_id = str(org_id)
        self._tokens = tokens
        self._clock = clock
        self._gate = gate if gate is not None else asyncio.Semaphore(concurrency)
        self._sleep = sleep
        self._rng = rng if rng is not None else random.Random()
        self.retry = retry or RetryPolicy()
        self.credits = Credits()

    @property
    def tokens(self) -> TokenSource:
        """Where this identity's access tokens come from."""
        return self._tokens

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
    ) -> Any:
        """One Desk call with its retries; the decoded JSON, or None for 204 / an empty body.

        A POST is not repeated after a 5xx: Desk may have acted (a reply sent twice reaches
        the customer twice). 429 `TOO_MANY_REQUESTS` is refused before acting, so it is.
        """
        self._fail_fast_if_exhausted()
        query = encode_params(params)
        refreshed = False
        retries = 0
        while True:
            token = await self._token()
            try:
                return await self._once(method, path, query, json_body, token)
            except InvalidOAuth as error:
                if error.status != 401 or refreshed:
                    raise
                refreshed = True
                log.info("Desk said the token is invalid; refreshing once: %s %s", method, path)
                await self._tokens.invalidate(token)
            except DeskError as error:
                if not error.retryable or retries >= self.retry.retries:
                    raise
                if method.upper() == "POST" and not isinstance(error, TooManyRequests):
                    raise
                wait = self.retry.delay(retries, self._rng)
                if error.retry_after is not None:
                    if error.retry_after > self.retry.max_retry_after:
                        raise
                    wait = max(wait, error.retry_after)
                retries += 1
                log.warning(
                    "Desk %s on %s %s; retry %d in %.2fs", error, method, path, retries, wait
                )
                await self._sleep(wait)

    async def _token(self) -> str:
        """An access token, or why there is none as a DeskError (nothing was sent to Desk)."""
        try:
            return await self._tokens.token()
        except CredentialsRefused as exc:
            raise TokenRefused(str(exc), code=exc.code, renew=exc.renew) from exc
        except RefreshLimitError as exc:
            raise DeskUnavailable(str(exc), retry_after=exc.retry_after) from exc
        except OAuthError as exc:
            raise DeskUnavailable(f"no access token: {exc}") from exc

    async def _once(
        self, method: str, path: str, query: dict[str, str], json_body: Any, token: str
    ) -> Any:
        headers = {"Authorization": f"Zoho-oauthtoken {token}", "orgId": self.org_id}
        if json_body is not None:
            headers["Content-Type"] = "application/json"
        data = json.dumps(json_body).encode() if json_body is not None else None
        async with self._gate:
            try:
                async with self._session.request(
                    method, self.base_url + path, params=query, data=data, headers=headers
                ) as response:
                    raw = await response.read()
                    status = response.status
                    self._record(response.headers)
                    retry_after = _retry_after(response.headers)
            except (aiohttp.ClientError, TimeoutError) as error:
                raise DeskUnavailable(
                    f"no answer from Desk: {error.__class__.__name__}: {error}"
                ) from error
        body = _decode(raw)
        if 200 <= status < 300:
            return body
        refusal = error_for(status, body, retry_after)
        if isinstance(refusal, ThresholdExceeded):
            self._exhausted(refusal)
        raise refusal

    def _record(self, headers: Mapping[str, str]) -> None:
        weight = _int_header(headers, WEIGHT_HEADER)
        remaining = _int_header(headers, REMAINING_HEADER)
        if weight is None and remaining is None:
            return
        if weight is not None:
            self.credits.last_weight = weight
            self.credits.spent += weight
        if remaining is not None:
            self.credits.remaining = remaining
        self.credits.updated = self._clock.now()

    def _exhausted(self, error: ThresholdExceeded) -> None:
        self.credits.remaining = 0
        if error.retry_after is not None:
            self.credits.exhausted_until = self._clock.now() + timedelta(seconds=error.retry_after)

    def _fail_fast_if_exhausted(self) -> None:
        until = self.credits.exhausted_until
        if until is None:
            return
        now = self._clock.now()
        if now >= until:
            self.credits.exhausted_until = None
            return
        raise ThresholdExceeded(
            f"Desk API credits are exhausted for the day (not calling until {format_time(until)})",
            status=429,
            code="THRESHOLD_EXCEEDED",
            retry_after=(until - now).total_seconds(),
        )


def _decode(raw: bytes) -> Any:
    if not raw.strip():
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode("utf-8", "replace")
