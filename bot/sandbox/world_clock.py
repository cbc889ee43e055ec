"""The sandbox world's clock over HTTP, served by the sandbox Desk (README "The sandboxes").

    POST /sandbox/clock   {"minutes": 30}   move the clock forward (or "seconds", "hours", "days")
    GET  /sandbox/clock?after=<version>&follower=<id>
                          the clock now; with `after`, waits (≤ 25 s) until it moved past it

One movable clock (`bot.clock.MovableClock`) drives Desk, Cliq and Accounts. A bot running on
these sandboxes from another process follows it with the GET (`bot.sandbox.follow`): each
follower asks again only after its due work ran, so the POST answers once every follower seen
in the last minute has caught up (at most `CATCH_UP_SECONDS`), and what fell due is done. A
follower whose long poll lost its connection before the move (its process died) is not waited
for.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from aiohttp import web

from bot.clock import MovableClock

UNITS = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}
MAX_MOVE = timedelta(days=7)
"""The furthest one move may go: a week shows a digest a day and a 24-hour check-out, in about
a thousand strides of ten minutes (`MovableClock.STEP`), each running the due work; a larger
number is a typo."""
LONG_POLL_SECONDS = 25.0
CATCH_UP_SECONDS = 10.0
FOLLOWER_MEMORY = timedelta(minutes=1)
"""A follower that has not asked for this long (its process died) is no longer waited for."""


class BadMove(ValueError):
    """A clock move that cannot be made; the message says what to send instead."""


def parse_move(body: object) -> timedelta:
    """How far `{"minutes": 30}` (exactly one of seconds, minutes, hours, days; a number ≥ 0)
    moves the clock; BadMove for anything else, or for more than `MAX_MOVE`."""
    usage = (
        'send one of "seconds", "minutes", "hours", "days" with a number ≥ 0, e.g. {"minutes": 30}'
    )
    if not isinstance(body, dict) or len(body) != 1:
        raise BadMove(f"the body is a JSON object with one key: {usage}")
    ((unit, amount),) = body.items()
    if unit not in UNITS:
        raise BadMove(f"unknown key {unit!r}: {usage}")
    if isinstance(amount, bool) or not isinstance(amount, int | float):
        raise BadMove(f"{unit} must be a number: {usage}")
    if not math.isfinite(amount) or amount < 0:
        raise BadMove(f"{unit} must be a finite number ≥ 0 (the clock never goes back)")
    seconds = float(amount) * UNITS[unit]
    if seconds > MAX_MOVE.total_seconds():
        raise BadMove(f"at most {MAX_MOVE.days} days in one move; {unit} {amount} is more")
    return timedelta(seconds=seconds)


class Followers:
    """The bots following this clock from other processes, and the last version each saw."""

    def __init__(self, clock: MovableClock) -> None:
        self._clock = clock
        self._seen: dict[str, tuple[int, float]] = {}  # follower → (version seen, loop time)
        self._polling: dict[str, web.Request] = {}  # follower → its long poll, while it waits
        self._asked = asyncio.Condition()
        self._stopping = asyncio.Event()
        clock.on_move(self.catch_up)

    async def stop(self, app: web.Application | None = None) -> None:
        """End the long polls now (the server is stopping: it would wait for each to time out).
        An aiohttp `on_shutdown` handler."""
        self._stopping.set()

    async def moved_after(self, after: int) -> None:
        """Wait until the clock moved past version `after`, or the server stops."""
        moved = asyncio.ensure_future(self._clock.wait_moved(after))
        stopping = asyncio.ensure_future(self._stopping.wait())
        try:
            await asyncio.wait((moved, stopping), return_when=asyncio.FIRST_COMPLETED)
        finally:
            moved.cancel()
            stopping.cancel()

    @contextlib.contextmanager
    def polling(self, follower: str, request: web.Request) -> Iterator[None]:
        """While `follower` waits in its long poll `request`: if that connection is lost (its
        process died), the next move does not wait for it."""
        self._polling[follower] = request
        try:
            yield
        finally:
            if self._polling.get(follower) is request:
                del self._polling[follower]

    def _gone(self) -> None:
        """Forget the followers whose long poll lost its connection."""
        for name, request in list(self._polling.items()):
            if request.transport is None or request.transport.is_closing():
                self._seen.pop(name, None)
                del self._polling[name]

    async def asked(self, follower: str, version: int) -> None:
        """`follower` has run everything due up to `version` (it is asking for what follows)."""
        async with self._asked:
            self._seen[follower] = (version, asyncio.get_running_loop().time())
            self._asked.notify_all()

    async def catch_up(self) -> None:
        """Wait (at most CATCH_UP_SECONDS) until every live follower has seen this version."""
        target = self._clock.version
        self._gone()
        now = asyncio.get_running_loop().time()
        memory = FOLLOWER_MEMORY.total_seconds()
        for name, (_, at) in list(self._seen.items()):
            if now - at > memory:
                del self._seen[name]

        def caught_up() -> bool:
            return all(seen >= target for seen, _ in self._seen.values())

        async with self._asked:
            try:
                await asyncio.wait_for(self._asked.wait_for(caught_up), CATCH_UP_SECONDS)
            except TimeoutError:
                pass

    def __len__(self) -> int:
        return len(self._seen)


def _state(clock: MovableClock) -> dict[str, Any]:
    return {
        "now": clock.now().isoformat(),
        "offset_seconds": clock.offset.total_seconds(),
        "version": clock.version,
    }


def _refused(message: str) -> web.Response:
    return web.json_response(
        {"errorCode": "INVALID_DATA", "message": message, "error": "bad_clock_move"}, status=400
    )


def clock_routes(clock: MovableClock, followers: Followers) -> list[web.RouteDef]:
    async def move(request: web.Request) -> web.Response:
        try:
            body = await request.json()
        except ValueError:
            return _refused('the body is not JSON; send e.g. {"minutes": 30}')
        try:
            delta = parse_move(body)
        except BadMove as exc:
            return _refused(str(exc))
        await clock.move(delta)  # returns once the followers ran what fell due
        return web.json_response({**_state(clock), "followers": len(followers)})

    async def read(request: web.Request) -> web.Response:
        after_text = request.query.get("after")
        if after_text is not None and not (
            after_text.lstrip("-").isdigit() and len(after_text) < 12
        ):
            return _refused("after is the last version seen (an integer)")
        after = None if after_text is None else int(after_text)
        follower = request.query.get("follower", "")[:64]
        if follower:  # from now on, moves wait for it
            await followers.asked(follower, clock.version if after is None else after)
        if after is not None:
            waiting = followers.polling(follower, request) if follower else contextlib.nullcontext()
            with contextlib.suppress(TimeoutError), waiting:
                async with asyncio.timeout(LONG_POLL_SECONDS):
                    await followers.moved_after(after)
        return web.json_response(_state(clock))

    return [web.post("/sandbox/clock", move), web.get("/sandbox/clock", read)]
