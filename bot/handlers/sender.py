"""The sender: delivers the outbox through the Cliq client (DESIGN §4).

Retries are durable: a failed post gets a `next_attempt_at` in the table, not a sleeping task, so
a restart resumes where it stopped. Rate limits wait for `Retry-After` (or the lock period);
5xx and connection errors back off exponentially with jitter; other 4xx become dead letters.
Each target is paced under Cliq's 50 posts a minute: a post over the pace waits its turn.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections import Counter, defaultdict, deque
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any, Protocol

from bot.cliq.client import (
    CliqAmbiguous,
    CliqError,
    CliqRateLimited,
    CliqRejected,
    CliqUnavailable,
)
from bot.clock import Clock
from bot.notify.fallback import refused_dm, with_mention
from bot.store.outbox import Outbox, Post

log = logging.getLogger("deskbot.sender")
MINUTE = timedelta(minutes=1)


class Poster(Protocol):
    async def deliver(self, target_kind: str, target: str, payload: Mapping[str, Any]) -> Any: ...

    async def was_posted(
        self, target_kind: str, target: str, payload: Mapping[str, Any], since: datetime
    ) -> bool | None: ...


class Sender:
    def __init__(
        self,
        outbox: Outbox,
        poster: Poster,
        clock: Clock,
        *,
        per_target_per_minute: int = 45,
        rng: random.Random | None = None,
    ) -> None:
        self._outbox = outbox
        self._poster = poster
        self._clock = clock
        self._pace = per_target_per_minute
        self._rng = rng or random.Random()
        self._sent: dict[tuple[str, str], deque[datetime]] = defaultdict(deque)
        self._wake = asyncio.Event()
        self._round = asyncio.Lock()  # one delivery round at a time: a post is never sent twice
        self.stats: Counter[str] = Counter()  # since start: rerouted DMs, lost answers (/healthz)

    def wake(self) -> None:
        """Something was enqueued: look again now."""
        self._wake.set()

    async def run_once(self, limit: int = 100) -> int:
        """Deliver what is due now; the number of posts delivered."""
        delivered = 0
        async with self._round:
            self._forget_quiet_targets()
            for post in await self._outbox.due(limit):
                if await self._send(post):
                    delivered += 1
        return delivered

    async def send_now(self, dedupe_key: str) -> Post | None:
        """Make one attempt at a queued post now, for a person waiting on the outcome (Post
        here); the post as it then stands (`state` delivered, dead, or waiting with the reason
        in `last_error`). A post that already has an outcome is not sent again."""
        async with self._round:
            post = await self._outbox.find(dedupe_key)
            if post is not None and post.state == "waiting":
                await self._send(post)
        return await self._outbox.find(dedupe_key)

    async def _send(self, post: Post) -> bool:
        now = self._clock.now()
        window = self._sent[(post.target_kind, post.target)]
        while window and now - window[0] >= MINUTE:
            window.popleft()
        if len(window) >= self._pace:
            await self._outbox.retry_later(post.id, window[0] + MINUTE, "paced", count=False)
            return False
        if post.unsure_since is not None:
            settled = await self._settle_unsure(post, now)
            if settled is not None:
                if settled:
                    window.append(now)
                return settled
        try:
            await self._poster.deliver(post.target_kind, post.target, post.payload)
        except CliqAmbiguous as exc:
            self.stats["answers_lost"] += 1
            log.warning("post %s: %s; checking the chat before posting again", post.id, exc)
            await self._outbox.unsure(post, now + self._backoff(post.attempts), str(exc))
        except CliqRateLimited as exc:
            at = now + timedelta(seconds=exc.retry_after)
            await self._outbox.retry_later(post.id, at, f"rate limited: {exc.code}")
        except CliqRejected as exc:
            if post.target_kind == "user" and post.fallback and refused_dm(exc.code):
                return await self._reroute(post, exc)
            log.error("dead letter %s: %s", post.id, exc)
            await self._outbox.dead(post.id, f"{exc.status} {exc.code}: {exc.message}")
        except CliqUnavailable as exc:
            await self._outbox.retry_later(post.id, now + self._backoff(post.attempts), str(exc))
        else:
            window.append(now)
            await self._outbox.delivered(post.id)
            return True
        return False

    async def _settle_unsure(self, post: Post, now: datetime) -> bool | None:
        """An earlier attempt's answer was lost: look in the chat first (bot/cliq/recheck.py).
        True: it is there, so it counts as delivered; False: the check failed, try later;
        None: not there, or no way to look, so post it now (the latter counted)."""
        assert post.unsure_since is not None
        try:
            found = await self._poster.was_posted(
                post.target_kind, post.target, post.payload, post.unsure_since
            )
        except CliqError as exc:
            wait = (
                timedelta(seconds=exc.retry_after)
                if isinstance(exc, CliqRateLimited)
                else self._backoff(post.attempts)
            )
            await self._outbox.retry_later(post.id, now + wait, f"checking a lost answer: {exc}")
            return False
        if found:
            self.stats["lost_answers_found_posted"] += 1
            await self._outbox.delivered(post.id)
            return True
        self.stats["reposted_after_check" if found is False else "reposted_unverifiable"] += 1
        await self._outbox.sure(post.id)
        return None

    async def _reroute(self, post: Post, refusal: CliqRejected) -> bool:
        """A DM Cliq refused (not a subscriber): post it in its fallback channel instead, with
        an @mention, at once; counted in `stats` and in the outbox (`rerouted`)."""
        assert post.fallback is not None
        why = f"DM refused ({refusal.code}); posted to #{post.fallback} with a mention"
        log.warning("post %s to %s: %s", post.id, post.target, why)
        moved = await self._outbox.reroute(
            post, "channel", post.fallback, with_mention(post.payload, post.target), why
        )
        self.stats["rerouted_dms"] += 1
        return await self._send(moved)

    def _forget_quiet_targets(self) -> None:
        """Drop the pacing window of every target with nothing sent in the last minute, so the
        windows kept are bounded by the targets posted to lately, not by all targets ever."""
        now = self._clock.now()
        quiet = [k for k, window in self._sent.items() if not window or now - window[-1] >= MINUTE]
        for key in quiet:
            del self._sent[key]

    def _backoff(self, attempts: int) -> timedelta:
        """Full jitter up to 2, 4, 8 … seconds, capped at 10 minutes."""
        ceiling = min(600.0, 2.0 * 2**attempts)
        return timedelta(seconds=self._rng.uniform(ceiling / 2, ceiling))

    async def run_forever(self) -> None:
        """Deliver, then wait for a wake-up or the next due time (the app's background task)."""
        while True:
            try:
                await self.run_once()
            except Exception:
                log.exception("sender round failed")
            self._wake.clear()
            upcoming = await self._outbox.next_attempt()
            wait = 30.0 if upcoming is None else (upcoming - self._clock.now()).total_seconds()
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=max(0.05, min(wait, 30.0)))
            except TimeoutError:
                pass
