"""The sender: delivers the outbox through the Cliq client (DESIGN §4).

Retries are durable: a failed post gets a `next_attempt_at` in the table, not a sleeping task, so
a restart resumes where it stopped. Rate limits wait for `Retry-After` (or the lock period);
5xx and connection errors back off exponentially with jitter; other 4xx become dead letters.
Posts are paced under Cliq's limit of 50 calls a minute per user on each posting endpoint
(channel posts, bot messages, chat posts; then a 10-minute lock, messages.yml): every call counts,
whatever Cliq answers (accepted, refused, failed, lost), so the pace counts each call as it is
made, and a post over the pace waits its turn, whatever its target, since every post is made with
the same token. If Cliq locks an endpoint anyway, nothing more is sent there until the lock ends.
Real-time posts (priority URGENT) go first, and bulk posts (reminders, digests) leave part of each
minute's budget to them, so an event notification never waits behind a burst of reminders.

Never posted what it cannot record: each post is marked in flight in the store *before* it is
handed to Cliq. If that mark cannot be written (read-only file, full disk) nothing is sent; if
the outcome cannot be written, it is kept in memory and nothing else is sent until the store
takes it. The sender pauses meanwhile (`paused` says why) and resumes by itself. A post still
marked in flight at start-up (the process stopped mid-send) is checked in the chat before it is
posted again, as a lost answer is.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections import Counter, defaultdict, deque
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, timedelta
from functools import partial
from typing import Any, Protocol

from bot.cliq.errors import (
    CliqAmbiguous,
    CliqError,
    CliqRateLimited,
    CliqRejected,
    CliqUnavailable,
)
from bot.clock import Clock
from bot.notify.fallback import refused_dm, with_mention
from bot.store.db import StoreUnavailable
from bot.store.outbox import URGENT, Outbox, Post
from bot.workers.rounds import retry_pause, run_rounds

log = logging.getLogger(__name__)
MINUTE = timedelta(minutes=1)
RETRY_CAP = 600.0  # seconds: the longest a post waits between tries


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
        # Bulk posts may use this many calls a minute; the rest is kept for real-time posts.
        self._bulk_pace = max(1, per_target_per_minute - max(1, per_target_per_minute // 5))
        self._locked: dict[str, tuple[datetime, str]] = {}  # endpoint → Cliq's lock end, why
        self._rng = rng or random.Random()
        self._sent: dict[tuple[str, str], deque[datetime]] = defaultdict(deque)
        self._wake = asyncio.Event()
        self._round = asyncio.Lock()  # one delivery round at a time: a post is never sent twice
        self.stats: Counter[str] = Counter()  # since start: rerouted DMs, lost answers (/healthz)
        self._unrecorded: dict[int, Callable[[], Awaitable[bool]]] = {}  # outcomes to write
        self.paused = ""  # why nothing is sent right now ("" when sending)

    def wake(self) -> None:
        """Something was enqueued: look again now."""
        self._wake.set()

    async def queue(
        self, target_kind: str, target: str, payload: dict[str, Any], *, dedupe_key: str
    ) -> bool:
        """Store a post in the outbox and wake the sender (DESIGN §3: never lost, it is stored
        before anything is sent); False if a post with `dedupe_key` was already queued."""
        queued = await self._outbox.enqueue(None, target_kind, target, payload, dedupe_key)
        self.wake()
        return queued

    async def run_once(self, limit: int = 100) -> int:
        """Deliver what is due now; the number of posts delivered."""
        delivered = 0
        async with self._round:
            try:
                await self._catch_up()
                self._forget_quiet_targets()
                # Each claimed post's outcome gives it back; a round cut short leaves the rest
                # claimed by this process, which takes them again next round (others if it dies).
                for post in await self._outbox.claim(limit):
                    if await self._send(post):
                        delivered += 1
            except StoreUnavailable as exc:
                if not self.paused:
                    log.error("sender paused: the store cannot be written (%s)", exc.reason)
                self.paused = exc.reason
                return delivered
        if self.paused:
            log.warning("sender resumed: the store can be written again")
            self.paused = ""
        return delivered

    async def _catch_up(self) -> None:
        """Before sending anything: take back the posts of processes that are gone (this one's
        earlier run, or another on a shared store; those in flight become unsure), and write
        the outcomes the store refused earlier (StoreUnavailable while it still refuses)."""
        found = await self._outbox.recover()
        if found:
            log.warning(
                "%d post(s) were in flight when their process stopped: checked first", found
            )
        for post_id, record in list(self._unrecorded.items()):
            await record()
            del self._unrecorded[post_id]

    async def send_now(self, dedupe_key: str) -> Post | None:
        """Make one attempt at a queued post now, for a person waiting on the outcome (Post
        here); the post as it then stands (`state` delivered, dead, or waiting with the reason
        in `last_error`). A post that already has an outcome, or that another process is
        sending, is not sent again."""
        async with self._round:
            post = await self._outbox.take(dedupe_key)
            if post is not None:
                await self._send(post)
        return await self._outbox.find(dedupe_key)

    async def _send(self, post: Post) -> bool:
        now = self._clock.now()
        endpoint = post.target_kind  # one posting endpoint per kind of target (client.deliver)
        window = self._sent[(endpoint, "")]  # Cliq counts per endpoint, not target
        while window and now - window[0] >= MINUTE:
            window.popleft()
        locked = self._locked.get(endpoint)
        if locked is not None and now < locked[0]:
            await self._outbox.retry_later(post, locked[0], locked[1], count=False)
            return False
        budget = self._pace if post.priority <= URGENT else self._bulk_pace
        if len(window) >= budget:
            # The oldest call that must leave the window before this post may go.
            turn = window[len(window) - budget] + MINUTE
            await self._outbox.retry_later(post, turn, "paced", count=False)
            return False
        if post.unsure_since is not None:
            settled = await self._settle_unsure(post, now)
            if settled is not None:
                return settled
        if not await self._outbox.sending(post):  # durably in flight first, and still ours
            return False  # another process took it over: it is not sent twice
        window.append(now)  # Cliq counts the call whatever it answers, so count it now
        outcome: Callable[[], Awaitable[bool]]
        try:
            await self._poster.deliver(post.target_kind, post.target, post.payload)
        except CliqAmbiguous as exc:
            self.stats["answers_lost"] += 1
            log.warning("post %s: %s; checking the chat before posting again", post.id, exc)
            retry = now + retry_pause(self._rng, post.attempts, RETRY_CAP)
            outcome = partial(self._outbox.unsure, post, retry, str(exc))
        except CliqRateLimited as exc:
            at = now + timedelta(seconds=exc.retry_after)
            why = f"rate limited: {exc.code}"
            self._locked[endpoint] = (at, why)  # the whole endpoint waits, not just this post
            log.warning(
                "Cliq limits the bot's %s posts (%s): nothing more is posted there until %s",
                endpoint,
                exc.code,
                at.isoformat(timespec="seconds"),
            )
            outcome = partial(self._outbox.retry_later, post, at, why)
        except CliqRejected as exc:
            if post.target_kind == "user" and post.fallback and refused_dm(exc.code):
                return await self._reroute(post, exc)
            why = f"{exc.status} {exc.code}: {exc.message}"  # (logged where it is parked)
            outcome = partial(self._outbox.dead, post, why)
        except CliqUnavailable as exc:
            retry = now + retry_pause(self._rng, post.attempts, RETRY_CAP)
            outcome = partial(self._outbox.retry_later, post, retry, str(exc))
        else:
            return await self._record(post.id, partial(self._outbox.delivered, post))
        await self._record(post.id, outcome)
        return False

    async def _record(self, post_id: int, outcome: Callable[[], Awaitable[bool]]) -> bool:
        """Write an attempt's outcome: whether it was written (False: the post's claim was
        taken over meanwhile, so the outcome is dropped, logged by the outbox, and the new
        holder decides). If the store refuses, keep it to write later (the post stays marked in
        flight, so it is never sent again meanwhile) and stop sending."""
        try:
            return await outcome()
        except StoreUnavailable:
            self._unrecorded[post_id] = outcome
            raise

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
                else retry_pause(self._rng, post.attempts, RETRY_CAP)
            )
            await self._outbox.retry_later(post, now + wait, f"checking a lost answer: {exc}")
            return False
        if found:
            self.stats["lost_answers_found_posted"] += 1
            return await self._outbox.delivered(post)
        if not await self._outbox.sure(post):
            return False  # another process took it over meanwhile: it decides
        self.stats["reposted_after_check" if found is False else "reposted_unverifiable"] += 1
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
        if moved is None:
            return False  # another process took it over meanwhile: it decides
        self.stats["rerouted_dms"] += 1
        return await self._send(moved)

    def _forget_quiet_targets(self) -> None:
        """Drop the pacing window of every endpoint with nothing sent in the last minute."""
        now = self._clock.now()
        quiet = [k for k, window in self._sent.items() if not window or now - window[-1] >= MINUTE]
        for key in quiet:
            del self._sent[key]
        for endpoint in [e for e, (until, _) in self._locked.items() if until <= now]:
            del self._locked[endpoint]

    async def run_forever(self) -> None:
        """Deliver while anything is due, then wait for a wake-up or the next due time (the
        app's background task). While the store refuses writes, look again every few seconds."""
        await run_rounds(
            "sender",
            self.run_once,
            self._outbox.next_attempt,
            lambda: bool(self.paused),
            self._wake,
            self._clock,
            log,
        )
