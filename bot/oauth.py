"""Zoho OAuth access tokens from a refresh token (reference/desk.md §1.3, cliq.md §5.1).

A refresh token may mint at most 10 access tokens per 10 minutes, so the token is cached until
shortly before it expires, a refresh is single-flight however many calls wait at the same moment,
and this manager refuses to refresh an eleventh time within any 10 minutes rather than get the
client locked out. Zoho reports some failures as HTTP 200 with `{"error": …}`: checked too.

When Accounts refuses our own credentials (`invalid_code`: the refresh token was revoked, pushed
out by the 20-refresh-tokens-per-client cap, or belongs to another data centre; `invalid_client`:
the client id or secret), that is a known state, not a crash: `CredentialsRefused` names the
setting an admin must renew, the manager logs it once, asks Accounts again at most once a
`recheck` (a minute) and recovers by itself as soon as the token is accepted again.
"""

from __future__ import annotations

import asyncio
import logging
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
RECHECK = timedelta(minutes=1)
CLIENT_CODES = frozenset({"invalid_client", "invalid_client_secret", "unauthorized_client"})
"""Zoho's answers about the OAuth client itself rather than the refresh token."""
THROTTLED_CODES = frozenset({"access denied"})
"""Zoho's "too many requests continuously" answer: a pause, not a refusal of the token."""
CLIENT_SETTINGS = "DESKBOT_OAUTH_CLIENT_SECRET and [oauth] client_id"  # config.CLIENT_SECRET_ENV

log = logging.getLogger(__name__)


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


class CredentialsRefused(OAuthError):
    """Zoho Accounts refused our own credentials; `renew` names what an admin must renew (an
    environment variable, or the OAuth client's settings), `since` when it was first refused."""

    def __init__(self, message: str, code: str, renew: str, since: datetime) -> None:
        super().__init__(message, code)
        self.renew = renew
        self.since = since


def token_url(accounts_base: str) -> str:
    """Zoho Accounts' token endpoint under `accounts_base` (e.g. `https://accounts.zoho.com`):
    `/oauth/v2/token`, as Zoho's OAuth guide names it.
    """
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
        variable: str = "",
        recheck: timedelta = RECHECK,
    ) -> None:
        """`variable` is where the refresh token comes from (e.g. `DESKBOT_DESK_REFRESH_TOKEN`;
        empty for an agent's own connection), named when Zoho refuses it; after a refusal
        Accounts is asked again at most once per `recheck`."""
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
        self.variable = variable
        self._recheck = recheck
        self.refused: CredentialsRefused | None = None
        self._refused_checked: datetime | None = None

    async def token(self) -> str:
        """The cached token, or a new one; concurrent callers share one refresh and its outcome."""
        if self._token is not None and self._fresh():
            return self._token
        if self.refused is not None and self._refused_checked is not None:
            if self._clock.now() - self._refused_checked < self._recheck:
                # still refused: do not ask Accounts on every call (a clean traceback each time,
                # so one refusal raised for days does not grow)
                raise self.refused.with_traceback(None)
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
        try:
            body = await request_token(self._session, self._url, self._form)
        except OAuthError as error:
            self._recent.pop()  # a failed request minted no token
            if error.code and error.code.casefold() not in THROTTLED_CODES:
                raise self._refused_now(error, now) from error
            raise
        if self.refused is not None:
            log.warning("Zoho Accounts accepts %s again", self._what())
            self.refused = None
        self.refreshes += 1
        lifetime = timedelta(seconds=_seconds(body.get("expires_in"), 3600))
        self._token = str(body["access_token"])
        self._expires = now + lifetime
        # A token living less than twice the margin would never count as fresh and every call
        # would refresh; keep at least half its life usable instead.
        self._margin_for = min(self._margin, lifetime / 2)
        return self._token

    def _what(self) -> str:
        return self.variable or "an agent's Desk connection"

    def _refused_now(self, error: OAuthError, now: datetime) -> CredentialsRefused:
        """Record a refusal (logged once per episode, with what an admin must renew)."""
        renew = CLIENT_SETTINGS if error.code in CLIENT_CODES else self.variable
        first = self.refused is None
        since = now if self.refused is None else self.refused.since
        self.refused = CredentialsRefused(
            f"Zoho Accounts refused {self._what()} ({error.code})", error.code, renew, since
        )
        self._refused_checked = now
        if first and self.variable:
            log.error(
                "Zoho Accounts refused %s (%s): renew %s (revoked, over the 20 refresh tokens"
                " per client, or another data centre); retrying every %ds until it works",
                self.variable,
                error.code,
                renew,
                int(self._recheck.total_seconds()),
            )
        return self.refused

    def status(self) -> dict[str, str]:
        """For `/healthz`: `state` is `ok`, `refused` (with `error`, `since`, `renew`) or
        `unknown` (no token asked for yet)."""
        if self.refused is not None:
            return {
                "state": "refused",
                "error": self.refused.code,
                "since": self.refused.since.isoformat(),
                "renew": self.refused.renew,
            }
        return {"state": "ok" if self._token is not None else "unknown"}


def _seconds(value: Any, default: int) -> int:
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        return default


class Accounts:
    """Zoho Accounts at `base_url` (e.g. `https://accounts.zoho.com`) for one OAuth client:
    the one place that makes a `TokenManager`, and the code exchange of the consent flow. All
    calls go through `session`."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        base_url: str,
        *,
        client_id: str,
        client_secret: str,
        clock: Clock,
    ) -> None:
        self.session = session
        self.token_url = token_url(base_url)
        self.client_id = client_id
        self._client_secret = client_secret
        self._clock = clock

    def tokens(self, refresh_token: str, variable: str = "") -> TokenManager:
        """A TokenManager for `refresh_token`; `variable` names where it comes from (see
        `TokenManager`), empty for an agent's own connection."""
        return TokenManager(
            self.session,
            token_url=self.token_url,
            client_id=self.client_id,
            client_secret=self._client_secret,
            refresh_token=refresh_token,
            clock=self._clock,
            variable=variable,
        )

    async def redeem_code(self, code: str, redirect_uri: str) -> dict[str, Any]:
        """Exchange an authorization code (`grant_type=authorization_code`) for tokens: Zoho's
        JSON answer (`access_token`, and `refresh_token` when a consent page was shown), or
        OAuthError."""
        form = {
            "grant_type": "authorization_code",
            "client_id": self.client_id,
            "client_secret": self._client_secret,
            "redirect_uri": redirect_uri,
            "code": code,
        }
        return await request_token(self.session, self.token_url, form)


class FixedToken:
    """One access token as a token source (e.g. the one a code exchange just gave): it cannot
    be refreshed, so a refusal stays a refusal."""

    def __init__(self, access_token: str) -> None:
        """`access_token` is sent as `Zoho-oauthtoken <access_token>` as it is."""
        self._token = access_token

    async def token(self) -> str:
        """The access token given at construction."""
        return self._token

    async def invalidate(self, token: str) -> None:
        """Raises OAuthError: a fixed token cannot be replaced."""
        raise OAuthError("the access token from the code exchange was refused", "invalid_token")
