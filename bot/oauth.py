"""Zoho OAuth access tokens from a refresh token (reference/desk.md §1.3, cliq.md §5.1).

A refresh token may mint at most 10 access tokens per 10 minutes, so the token is cached until
shortly before it expires, a refresh is single-flight however many calls wait at the same moment,
and this manager refuses to refresh an eleventh time within any 10 minutes rather than get the
client locked out. Zoho reports some failures as HTTP 200 with `{"error": …}`: checked too.
"""

from __future__ import annotations

import asyncio
from collections import deque
from datetime import datetime, timedelta
from typing import Any

import aiohttp

from bot.clock import Clock

ACCOUNTS_HOSTS: dict[str, str] = {
    "us": "https://accounts.zoho.com",
    "eu": "https://accounts.zoho.eu",
    "in": "https://accounts.zoho.in",
    "au": "https://accounts.zoho.com.au",
    "jp": "https://accounts.zoho.jp",
    "cn": "https://accounts.zoho.com.cn",
    "sa": "https://accounts.zoho.sa",
    "uk": "https://accounts.zoho.uk",
    "ca": "https://accounts.zohocloud.ca",
    "sg": "https://accounts.zoho.sg",
    "ae": "https://accounts.zoho.ae",
}

REFRESH_LIMIT = 10
REFRESH_WINDOW = timedelta(minutes=10)


class OAuthError(Exception):
    """A token request failed; `code` is Zoho's error code when it gave one."""

    def __init__(self, message: str, code: str = "") -> None:
        super().__init__(message)
        self.code = code


class RefreshLimitError(OAuthError):
    """We would exceed Zoho's 10 tokens per 10 minutes: refused locally, nothing sent.

    `retry_after` is how many seconds until the oldest refresh leaves the window."""

    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__(message, "refresh_limit")
        self.retry_after = retry_after


def token_url(accounts_base: str) -> str:
    return f"{accounts_base.rstrip('/')}/oauth/v2/token"


async def request_token(
    session: aiohttp.ClientSession, url: str, form: dict[str, str]
) -> dict[str, Any]:
    """POST a token request; the JSON answer, or OAuthError (including HTTP 200 errors)."""
    try:
        async with session.post(url, data=form) as response:
            try:
                body = await response.json(content_type=None)
            except ValueError as exc:
                raise OAuthError(
                    f"token endpoint answered HTTP {response.status}, not JSON"
                ) from exc
            status = response.status
    except aiohttp.ClientError as exc:
        raise OAuthError(f"token endpoint unreachable: {exc}") from exc
    if not isinstance(body, dict):
        raise OAuthError("token endpoint answered something other than an object")
    if "error" in body:
        raise OAuthError(f"token request refused: {body['error']}", str(body["error"]))
    if status >= 400 or "access_token" not in body:
        raise OAuthError(f"token endpoint answered HTTP {status} without a token")
    return body


class TokenManager:
    """Access tokens for one refresh token: cached, single-flight, rate-guarded."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        *,
        token_url: str,
        client_id: str,
        client_secret: str,
        refresh_token: str,
        clock: Clock,
        margin: timedelta = timedelta(minutes=5),
    ) -> None:
        self._session = session
        self._url = token_url
        self._form = {
            "grant_type": "refresh_token",
            "client_id": client_id,
            "client_secret": client_secret,
            "refresh_token": refresh_token,
        }
        self._clock = clock
        self._margin = margin
        self._margin_for = margin
        self._token: str | None = None
        self._expires: datetime | None = None
        self._inflight: asyncio.Future[str] | None = None
        self._recent: deque[datetime] = deque()
        self.refreshes = 0

    async def token(self) -> str:
        """The cached token, or a new one; concurrent callers share one refresh and its outcome."""
        if self._fresh():
            return self._token  # type: ignore[return-value]
        if self._inflight is None:
            self._inflight = asyncio.ensure_future(self._refresh())
            self._inflight.add_done_callback(self._landed)
        # shield: one caller giving up must not cancel the refresh the others are waiting for
        return await asyncio.shield(self._inflight)

    def _landed(self, refresh: asyncio.Future[str]) -> None:
        self._inflight = None
        if not refresh.cancelled():
            refresh.exception()  # retrieved here, so an unawaited failure is not logged as lost

    async def invalidate(self, token: str) -> None:
        """Forget `token` after Zoho called it invalid, unless a newer one already replaced it."""
        if token == self._token:
            self._token = None
            self._expires = None

    def _fresh(self) -> bool:
        return (
            self._token is not None
            and self._expires is not None
            and self._clock.now() < self._expires - self._margin_for
        )

    async def _refresh(self) -> str:
        now = self._clock.now()
        while self._recent and now - self._recent[0] >= REFRESH_WINDOW:
            self._recent.popleft()
        if len(self._recent) >= REFRESH_LIMIT:
            wait = (self._recent[0] + REFRESH_WINDOW - now).total_seconds()
            raise RefreshLimitError(
                f"{REFRESH_LIMIT} tokens minted in the last 10 minutes; not asking for more",
                retry_after=wait,
            )
        self._recent.append(now)
        body = await request_token(self._session, self._url, self._form)
        self.refreshes += 1
        lifetime = timedelta(seconds=_seconds(body.get("expires_in"), 3600))
        self._token = str(body["access_token"])
        self._expires = now + lifetime
        # A token living less than twice the margin would never count as fresh and every call
        # would refresh; keep at least half its life usable instead.
        self._margin_for = min(self._margin, lifetime / 2)
        return self._token


def _seconds(value: Any, default: int) -> int:
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        return default
