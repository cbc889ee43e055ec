"""The Cliq REST client: posts to channels, users, chats and response URLs (reference/cliq.md §5).

Rate limits arrive as 429 or as 400 `request_limit_exceeded`: we wait for `Retry-After`, else for
the lock period. 5xx and connection errors are retried with jittered exponential backoff. Any
other 4xx is permanent and surfaces Cliq's `{code, message}`. A wait longer than `max_wait` is
not slept here: the error carries it, so a durable caller (the outbox sender) can reschedule.
A token that cannot be had becomes one of these errors too, never a bare OAuthError.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any, Protocol
from urllib.parse import quote, urlsplit

import aiohttp

from bot.cliq.errors import (
    CliqAmbiguous,
    CliqCredentialsRefused,
    CliqError,
    CliqRateLimited,
    CliqRejected,
    CliqUnavailable,
)
from bot.cliq.outbound import Outbound
from bot.cliq.recheck import was_posted
from bot.clock import Clock, SystemClock, epoch_ms
from bot.oauth import CredentialsRefused, OAuthError, RefreshLimitError

Sleep = Callable[[float], Awaitable[Any]]
Payload = Outbound | Mapping[str, Any]

CLIQ_HOSTS: dict[str, str] = {
    "us": "https://cliq.zoho.com",
    "eu": "https://cliq.zoho.eu",
    "in": "https://cliq.zoho.in",
    "au": "https://cliq.zoho.com.au",
    "jp": "https://cliq.zoho.jp",
    "cn": "https://cliq.zoho.com.cn",
    "sa": "https://cliq.zoho.sa",
    "uk": "https://cliq.zoho.uk",
    "ca": "https://cliq.zohocloud.ca",
}
LOCK_PERIOD = 600.0  # "posting messages: 50 requests/min, lock period 10 min"
MAX_RECIPIENTS = 100  # userids per bot post (reference/cliq.md §1.6); longer lists are split
RECENT_REUSE = timedelta(seconds=30)  # a chat's listing serves other checks this long
CHANNEL_PAGE = 100  # GET /api/v2/channels `limit`, "Maximum limit will be 100" (channels.yml)


class TokenSource(Protocol):
    async def token(self) -> str: ...

    async def invalidate(self, token: str) -> None: ...


class CliqClient:
    """Cliq's REST API v2 as the bot (reference/cliq.md §5): posts to channels, users, chats and
      response URLs, channel listing and creation, a chat's recent messages.

      Parameters:
      - `session`: the one aiohttp session for Cliq; the client never closes it.
      - `base_url`: the API host, e.g. `cliq_base_url("us")` or the sandbox Cliq's URL.
      - `tokens`: a token source (`bot.oauth.TokenManager`, `FixedToken`): `token()` gives the
        access token sent as `Zoho-oauthtoken`, `invalidate()` drops one Cliq refused.
      - `bot_unique_name`: the bot posting (`bot_unique_name` query parameter of bot posts).
      - `clock`: for lost-answer checks; `sleep`: awaited between attempts (tests record it);
    `rng`: the backoff's jitter.
      - `attempts`: tries per call for 5xx and connection errors (4); `max_wait`: the longest
        rate-limit wait slept here, in seconds (60); a longer one raises CliqRateLimited.
      - `timeout`: seconds per HTTP call (30); a POST that times out is CliqAmbiguous.

      Methods raise the errors of `bot.cliq.errors`: CliqRejected (permanent 4xx), CliqRateLimited,
      CliqUnavailable (5xx, unreachable), CliqCredentialsRefused, CliqAmbiguous (answer lost).
    """

    def __init__(
        self,
        session: aiohttp.ClientSession,
        base_url: str,
        tokens: TokenSource,
        bot_unique_name: str,
        clock: Clock | None = None,
        *,
        sleep: Sleep = asyncio.sleep,
        rng: random.Random | None = None,
        attempts: int = 4,
        max_wait: float = 60.0,
        timeout: float = 30.0,
    ) -> None:
        self._session = session
        self._base = base_url.rstrip("/")
        self._tokens = tokens
        self.tokens = tokens
        self.bot = bot_unique_name
        self._clock: Clock = clock or SystemClock()
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._attempts = attempts
        self._max_wait = max_wait
        # Per call, seconds: a Cliq that took a post and stalls must not hold the sender for
        # aiohttp's default 5 minutes; a POST timing out is a lost answer (CliqAmbiguous).
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._chat_ids: dict[str, str] = {}  # channel unique name → its chat id
        # chat id → (fetched at, listed since, messages): see chat_messages
        self._recent: dict[str, tuple[datetime, datetime, list[dict[str, Any]]]] = {}

    # --- posting ----------------------------------------------------------------------------

    async def post_to_channel(self, unique_name: str, message: Payload) -> Any:
        """As the bot (it must be a member of the channel)."""
        path = f"/api/v2/channelsbyname/{quote(unique_name, safe='')}/message"
        return await self._call("POST", path, _body(message), params={"bot_unique_name": self.bot})

    async def post_to_bot_subscribers(
        self, message: Payload, *, userids: list[str] | None = None, broadcast: bool = False
    ) -> Any:
        """From the bot to some of its subscribers, or (`broadcast`) to all of them.

        Cliq takes at most 100 recipients a post, so a longer list goes out in several posts."""
        if not userids and not broadcast:
            raise ValueError("post_to_bot_subscribers needs userids or broadcast=True")
        path = f"/api/v2/bots/{quote(self.bot, safe='')}/message"
        if broadcast:
            return await self._call("POST", path, {**_body(message), "broadcast": True})
        assert userids is not None
        answer = None
        for start in range(0, len(userids), MAX_RECIPIENTS):
            chunk = ",".join(userids[start : start + MAX_RECIPIENTS])
            body = {**_body(message), "userids": chunk, "broadcast": False}
            answer = await self._call("POST", path, body)
        return answer

    async def post_to_user(self, email_or_id: str, message: Payload) -> Any:
        """A direct message from the bot to one person (by e-mail or Cliq user id).

        Uses the bot endpoint: `buddies/{user}/message` would send it as the token's owner."""
        return await self.post_to_bot_subscribers(message, userids=[email_or_id])

    async def post_to_buddy(self, email_or_id: str, message: Payload) -> Any:
        """A direct message from the token's owner (a person, not the bot) to a contact."""
        path = f"/api/v2/buddies/{quote(email_or_id, safe='@')}/message"
        return await self._call("POST", path, _body(message))

    async def post_to_chat(self, chat_id: str, message: Payload) -> Any:
        """To a chat by its id (`POST /api/v2/chats/{CHAT_ID}/message`), as the token's user."""
        return await self._call(
            "POST", f"/api/v2/chats/{quote(chat_id, safe='')}/message", _body(message)
        )

    async def post_to_response_url(self, url: str, message: Payload) -> Any:
        """A late reply to a handler call. The URL's own token authorises it; our OAuth token
        goes only to our Cliq host, never to wherever a response URL happens to point."""
        if not url.startswith(("http://", "https://")):
            raise CliqRejected(0, "bad_response_url", f"not an absolute URL: {url[:80]!r}")
        return await self._call("POST", url, _body(message), oauth=self._same_origin(url))

    def _same_origin(self, url: str) -> bool:
        mine, theirs = urlsplit(self._base), urlsplit(url)
        return (mine.scheme, mine.netloc.lower()) == (theirs.scheme, theirs.netloc.lower())

    async def deliver(self, target_kind: str, target: str, payload: Mapping[str, Any]) -> Any:
        """One outbox row: `channel`, `user`, `chat` or `response` (a response URL)."""
        post = {
            "channel": self.post_to_channel,
            "user": self.post_to_user,
            "chat": self.post_to_chat,
            "response": self.post_to_response_url,
        }.get(target_kind)
        if post is None:
            raise CliqRejected(0, "unknown_target", f"no way to post to a {target_kind!r}")
        return await post(target, payload)

    # --- channels -----------------------------------------------------------------------------

    async def channels(self) -> list[dict[str, Any]]:
        """Every channel the token's user can see: pages of at most 100, following `next_token`
        (channels.yml: "Maximum limit will be 100"). A channel object has no list of its bots."""
        found: list[dict[str, Any]] = []
        params = {"limit": str(CHANNEL_PAGE)}
        seen: set[str] = set()
        while True:
            body = await self._call("GET", "/api/v2/channels", None, params=params) or {}
            found.extend(body.get("channels") or [])
            token = body.get("next_token")
            if not token or body.get("has_more") is False or token in seen:
                return found
            seen.add(token)
            params = {"limit": str(CHANNEL_PAGE), "next_token": str(token)}

    async def channel_chat_id(self, unique_name: str) -> str | None:
        """The chat id of a channel (for reading its messages), from the channel list; cached,
        since a channel keeps its chat id. None if the token's user cannot see the channel."""
        if unique_name not in self._chat_ids:
            for channel in await self.channels():
                if channel.get("unique_name") and channel.get("chat_id"):
                    self._chat_ids[str(channel["unique_name"])] = str(channel["chat_id"])
        return self._chat_ids.get(unique_name)

    async def chat_messages(
        self, chat_id: str, *, since: datetime, fetched_after: datetime | None = None
    ) -> list[dict[str, Any]]:
        """The last (at most 100) messages of a chat the token's user is in, sent since `since`
        (messages.yml `GET /chats/{CHAT_ID}/messages`: `fromtime` in ms, `limit` ≤ 100).

        Cliq allows 15 of these a minute, so a listing is reused for RECENT_REUSE when it covers
        `since` and was fetched after `fetched_after` (so it can show what was sent by then)."""
        now = self._clock.now()
        cached = self._recent.get(chat_id)
        if (
            cached is not None
            and now - cached[0] <= RECENT_REUSE
            and cached[1] <= since
            and (fetched_after is None or cached[0] > fetched_after)
        ):
            return [m for m in cached[2] if int(m.get("time") or 0) >= epoch_ms(since)]
        path = f"/api/v2/chats/{quote(chat_id, safe='')}/messages"
        params = {"fromtime": str(epoch_ms(since)), "limit": "100"}
        body = await self._call("GET", path, None, params=params) or {}
        found = list(body.get("data") or [])
        # Keep only listings still young enough to reuse: one per chat checked lately, not one
        # per chat ever checked (chat ids come from the calls people make).
        for stale in [c for c, kept in self._recent.items() if now - kept[0] > RECENT_REUSE]:
            del self._recent[stale]
        self._recent[chat_id] = (now, since, found)
        return found

    async def was_posted(
        self, target_kind: str, target: str, payload: Mapping[str, Any], since: datetime
    ) -> bool | None:
        """After a lost answer: does the chat show this post? None when Cliq offers no way to
        look (bot DMs, channels the token's user is not in): see `bot/cliq/recheck.py`."""
        return await was_posted(self, target_kind, target, payload, since)

    async def create_channel(
        self, name: str, *, level: str = "organization", description: str = ""
    ) -> dict[str, Any]:
        """A channel (`POST /api/v2/channels`, channels.yml): `level` is `organization`, `team`,
        `private` or `external`; returns Cliq's answer (its `unique_name` among it).
        """
        body = {"name": name, "level": level, "description": description}
        return dict(await self._call("POST", "/api/v2/channels", body) or {})

    async def add_bot_to_channel(self, channel_unique_name: str) -> bool:
        """Make the bot a member of a channel: True if added, False if it already was one.

        What Cliq answers to a repeat call is not documented, so an answer saying "already"
        counts as success. Cliq allows 5 of these a minute, then locks for 5 minutes
        (channels.yml): callers should remember success rather than call again."""
        body = {"channel_unique_name": channel_unique_name}
        try:
            await self._call("POST", f"/api/v2/bots/{quote(self.bot, safe='')}/associate", body)
        except CliqRejected as exc:
            if "already" in f"{exc.code} {exc.message}".casefold():
                return False
            raise
        return True

    # --- the rules --------------------------------------------------------------------------

    async def _call(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None,
        params: Mapping[str, str] | None = None,
        *,
        oauth: bool = True,
    ) -> Any:
        url = path if path.startswith("http") else f"{self._base}{path}"
        retried_auth = False
        attempt = 0
        while True:
            attempt += 1
            error: CliqError
            try:
                token = await self._tokens.token() if oauth else None
            except OAuthError as exc:
                error = _token_error(exc)  # raises itself when retrying here cannot help
            else:
                answer = await self._exchange(method, url, body, params, token)
                if isinstance(answer, CliqAmbiguous) and method == "POST":
                    raise answer
                if isinstance(answer, CliqError):
                    error = answer
                else:
                    status, text, retry_after = answer
                    if status < 300:
                        return _json(text)
                    code, message = _cliq_error(text)
                    if (
                        token
                        and status == 401
                        and code in ("oauthtoken_invalid", "")
                        and not retried_auth
                    ):
                        retried_auth = True
                        attempt -= 1
                        await self._tokens.invalidate(token)
                        continue
                    if status == 429 or (status == 400 and code == "request_limit_exceeded"):
                        wait = self._retry_after(retry_after)
                        error = CliqRateLimited(status, code or "too_many_requests", message, wait)
                        if wait > self._max_wait or attempt >= self._attempts:
                            raise error
                        await self._sleep(wait)
                        continue
                    if status < 500:
                        raise CliqRejected(status, code or "rejected", message)
                    if status == 504 and method == "POST":
                        raise CliqAmbiguous(status, code or "gateway_timeout", message)
                    error = CliqUnavailable(status, code or "server_error", message)
            if attempt >= self._attempts:
                raise error
            await self._sleep(self._backoff(attempt))

    async def _exchange(
        self,
        method: str,
        url: str,
        body: dict[str, Any] | None,
        params: Mapping[str, str] | None,
        token: str | None,
    ) -> tuple[int, str, str | None] | CliqError:
        """One HTTP round trip: (status, body text, Retry-After), or why there was none."""
        headers = {"Authorization": f"Zoho-oauthtoken {token}"} if token else {}
        try:
            async with self._session.request(
                method, url, json=body, params=params, headers=headers, timeout=self._timeout
            ) as response:
                return response.status, await response.text(), response.headers.get("Retry-After")
        except aiohttp.ClientConnectorError as exc:  # never connected: Cliq has nothing
            return CliqUnavailable(0, "unreachable", str(exc) or type(exc).__name__)
        except (aiohttp.ClientError, TimeoutError) as exc:  # sent, but no (whole) answer
            return CliqAmbiguous(0, "answer_lost", str(exc) or type(exc).__name__)

    def _backoff(self, attempt: int) -> float:
        """Full jitter: anywhere up to 0.5 s, 1 s, 2 s… (capped at 30 s)."""
        return self._rng.uniform(0, min(30.0, 0.5 * 2 ** (attempt - 1)))

    def _retry_after(self, header: str | None) -> float:
        """`Retry-After` in seconds or as an HTTP date; without one, Cliq's lock period."""
        if header is None:
            return LOCK_PERIOD
        try:
            return max(0.0, float(header))
        except ValueError:
            pass
        try:
            when = parsedate_to_datetime(header)
        except (TypeError, ValueError):
            return LOCK_PERIOD
        if when.tzinfo is None:
            return LOCK_PERIOD
        return max(0.0, (when - self._clock.now()).total_seconds())


def cliq_base_url(datacenter: str) -> str:
    """The Cliq API host of a Zoho data centre (`us`, `eu`, `in`, `au`, `jp`, `cn`, `sa`, `uk`,
    `ca`; reference/cliq.md §5). Raises KeyError for any other name.
    """
    return CLIQ_HOSTS[datacenter]


def _body(message: Payload) -> dict[str, Any]:
    return message.to_wire() if isinstance(message, Outbound) else dict(message)


def _cliq_error(text: str) -> tuple[str, str]:
    """Cliq's `{code, message}`, or what can be said of a body without them."""
    data = _json(text)
    if isinstance(data, dict):
        return str(data.get("code", "")), str(data.get("message", text[:200]))
    return "", text[:200]


def _token_error(exc: OAuthError) -> CliqError:
    """A token we could not get, as this client's errors: the refresh limit is a rate limit,
    Zoho refusing our credentials is raised at once (retrying here cannot help, but it ends
    when an admin renews the token), an unreachable or throttling Accounts is transient."""
    if isinstance(exc, RefreshLimitError):
        raise CliqRateLimited(0, "token_refresh_limit", str(exc), exc.retry_after) from exc
    if isinstance(exc, CredentialsRefused):
        raise CliqCredentialsRefused(f"oauth_{exc.code}", str(exc), exc.renew) from exc
    return CliqUnavailable(0, "accounts_unavailable", str(exc))


def _json(text: str) -> Any:
    if not text.strip():
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None
