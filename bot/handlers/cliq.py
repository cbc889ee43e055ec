"""`POST /cliq`: verify, parse and dispatch one Cliq handler call; answer `{"output": …}`.

The signature headers are judged before the body is read (a stranger is refused without being
buffered), the body is read within the edge's body timeout, and a signed call is executed at
most once: the same signed call again inside its window is answered `409 {"error": "replayed"}`.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Callable

from aiohttp import web

from bot import answers
from bot.cliq.envelope import Envelope, EnvelopeError, parse_envelope
from bot.cliq.replays import ReplayGuard
from bot.cliq.verify import UnusableBody, VerificationError, Verifier
from bot.clock import Clock, now_ms
from bot.dispatch import EMPTY, NO_SUGGESTIONS, Bot
from bot.handlers.errors import REQUEST_ID, json_error
from bot.handlers.serving import (
    BodyTimeout,
    body_timeout_answer,
    expect_judged,
    read_body,
    received_body,
)
from bot.i18n import Words

log = logging.getLogger(__name__)

BOT = web.AppKey("bot", Bot)
VERIFIER = web.AppKey("verifier", Verifier)
REPLAYS = web.AppKey("replays", ReplayGuard)


class CliqEndpoint:
    """`POST /cliq`, bound at start-up to its app's parts (`VERIFIER`, `REPLAYS`, `BOT`,
    `DEADLINES`, read once the app's cleanup contexts have set them up: replace them before the
    app starts), so a call looks none of them up."""

    _verifier: Verifier
    _replays: ReplayGuard
    _bot: Bot
    _watch: DeadlineWatch
    _refusals: Refusals
    _limit: int  # bytes

    async def bind(self, app: web.Application) -> None:
        """An `on_startup` handler: take `app`'s parts."""
        self._verifier, self._replays = app[VERIFIER], app[REPLAYS]
        self._bot, self._watch = app[BOT], app[DEADLINES]
        self._refusals = app[REFUSALS]
        self._watch.bind(asyncio.get_running_loop())
        self._limit = app._client_max_size

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """One Cliq handler call in, `{"output": …}` out (reference/cliq.md §3).

        Answers 401 (signature headers missing, malformed, stale or wrong; logged, `Refusals`),
        409 (a replay), 400 (a body that is not a handler envelope, `EnvelopeError`), 408/413
        from the edge's limits, else 200 with the listener's output; past `bot.deadline` seconds 200 "working
        on it" at once and the real output to `bot.deliver_late`. Never raises for bad input.
        """
        verifier, replays, bot, watch = self._verifier, self._replays, self._bot, self._watch
        body = received_body(request, self._limit)  # 413 above the app's client_max_size
        if body is None:
            # The body is still on its way: a stranger is refused before it is buffered. (A
            # body that came whole with the headers is judged with them by `verify` below.)
            refusal = await judge_headers(request)
            if refusal is not None:
                return refusal
            try:
                body = await read_body(request)
            except BodyTimeout as exc:
                return body_timeout_answer(exc)
        try:
            verified = verifier.verify(request.headers, body)
        except UnusableBody as exc:
            return json_error(400, "bad_request", str(exc))
        except VerificationError as exc:
            return self._refusals.answer(request, exc)
        fresh = replays.first_use(verified.credential, verified.expires_at_ms)
        if not isinstance(fresh, bool):  # (a store's answer is awaited; the memory's is at hand)
            fresh = await fresh
        if not fresh:
            return json_error(409, "replayed", "this signed call was already received")
        try:
            envelope = parse_envelope(body)
        except EnvelopeError as exc:
            return json_error(400, "bad_request", str(exc))
        overrun = _Overrun(request, envelope)
        watch.start(overrun, bot.deadline)
        try:
            output = await bot.dispatch(envelope, request[REQUEST_ID])
        finally:
            watch.finish(overrun)
        if overrun.sending is None:
            return _output_response(output)
        response = await overrun.sending
        await bot.deliver_late(envelope, output)
        return response


class _Overrun:
    """Past the deadline Cliq gets "working on it" at once; the listener goes on undisturbed.

    The listener runs in the request's own task, so calls that finish in time (nearly all) cost
    no extra task; only an overrun spawns one, to write the banner while the listener works.
    """

    __slots__ = ("due", "envelope", "request", "sending")

    def __init__(self, request: web.Request, envelope: Envelope) -> None:
        self.request = request
        self.envelope = envelope
        self.sending: asyncio.Task[web.StreamResponse] | None = None
        self.due = 0.0  # loop time (seconds) of the deadline, set by `DeadlineWatch.start`

    def answer_working(self) -> None:
        self.sending = asyncio.ensure_future(self._send())

    async def _send(self) -> web.StreamResponse:
        words = self.request.app[BOT].languages.words(self.envelope.params.user.language)
        response = _output_response(_working_answer(self.envelope, words))  # built when needed
        response.headers["X-Request-Id"] = self.request[REQUEST_ID]
        await response.prepare(self.request)
        await response.write_eof()
        return response


class DeadlineWatch:
    """The calls in flight and one timer, at the earliest of their deadlines, for all of them.

    A timer per call (armed, then nearly always cancelled) costs a heap push and a later pop per
    request; here a call in time costs a set insert and removal, and the timer fires about once
    per deadline while calls keep coming. Deadlines are exact (each call's own), whatever order
    they fall in (a bot's `deadline` may change while calls run).
    """

    SLACK = 0.001
    """Seconds a timer may fire early (asyncio runs timers within its clock resolution)."""

    def __init__(self) -> None:
        self._calls: set[_Overrun] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._timer_at = math.inf
        self._now: Callable[[], float] = time.monotonic  # (the bound loop's clock: `bind`)

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        """Watch calls on `loop`: the endpoint binds the watch when its app starts (again, when
        the app is served again on another loop); calls still watched on the loop before are
        forgotten. (Looking the running loop up on every call is a system call each time:
        `asyncio.get_running_loop()` checks `getpid()`.)"""
        self._calls.clear()
        self._loop, self._timer, self._timer_at = loop, None, math.inf
        # asyncio's own loops tell time with `time.monotonic()`: read it without the method.
        own = type(loop).time is asyncio.BaseEventLoop.time
        self._now = time.monotonic if own else loop.time

    def start(self, call: _Overrun, seconds: float) -> None:
        """Watch `call`: `call.answer_working()` runs `seconds` from now unless it finished.
        Called from a coroutine on the loop the watch is bound to (a watch never bound is bound
        to the loop it is first started on)."""
        if self._loop is None:
            self.bind(asyncio.get_running_loop())
        call.due = due = self._now() + seconds
        self._calls.add(call)
        if due < self._timer_at:
            self._arm(due)

    def finish(self, call: _Overrun) -> None:
        """`call` is done: it is no longer watched (its timer, if shared, stays for the rest)."""
        self._calls.discard(call)

    def _arm(self, when: float) -> None:
        assert self._loop is not None
        if self._timer is not None:
            self._timer.cancel()
        self._timer = self._loop.call_at(when, self._fire)
        self._timer_at = when

    def _fire(self) -> None:
        assert self._loop is not None
        self._timer, self._timer_at = None, math.inf
        now = self._loop.time() + self.SLACK
        due = [call for call in self._calls if call.due <= now]
        for call in due:
            self._calls.discard(call)
            call.answer_working()
        if self._calls:
            self._arm(min(call.due for call in self._calls))


DEADLINES = web.AppKey("deadlines", DeadlineWatch)


def _working_answer(envelope: Envelope, words: Words) -> bytes:
    """ "Working on it" (in the caller's language, `words`) only where Cliq shows banners
    (cliq-banner.html); elsewhere an empty answer of the handler's kind (a list for a
    suggestion handler)."""
    if envelope.shows_banners:
        return answers.working(words).to_json()
    if envelope.type == "command" and envelope.handler.type == "suggestion_handler":
        return NO_SUGGESTIONS
    return EMPTY


def _output_response(output: bytes) -> web.Response:
    return web.Response(body=b'{"output":' + output + b"}", content_type="application/json")


async def judge_headers(request: web.Request) -> web.StreamResponse | None:
    """401 when the signature headers alone already fail, else None: asked before `100
    Continue`, so an unsigned or stale call is refused before its body is sent."""
    try:
        request.app[VERIFIER].check_headers(request.headers)
    except VerificationError as exc:
        return request.app[REFUSALS].answer(request, exc)
    return None


class Refusals:
    """Calls refused as unauthorized, told in the log without flooding it: the first in full,
    then at most one line a `interval_ms` (60 s), counting those refused since the last line.

    A 401 says why in its body, but the caller is Cliq, which shows it to no one: without these
    lines a bot whose shims sign with another secret, or whose clock is off, only ever answers
    nothing. Each line names the caller's address, the reason and what to check (the error's
    `hint`). A flood of unsigned calls costs a clock reading each and a line a minute.
    """

    def __init__(self, clock: Clock, interval_ms: int = 60_000) -> None:
        self._clock = clock
        self._interval_ms = interval_ms
        self._next_line_ms = 0  # epoch ms before which refusals are counted, not told
        self._untold = 0

    def answer(self, request: web.BaseRequest, exc: VerificationError) -> web.Response:
        """`401 {"error": "unauthorized", "reason": str(exc)}` for `request`, the refusal noted."""
        self.refused(exc, request.remote)
        return json_error(401, "unauthorized", str(exc))

    def refused(self, exc: VerificationError, remote: str | None) -> None:
        """Note one refusal (`exc`, from the address `remote`): logged now, or counted into the
        next line if a line went out less than the interval ago."""
        now = now_ms(self._clock)
        if now < self._next_line_ms:
            self._untold += 1
            return
        untold, self._untold = self._untold, 0
        self._next_line_ms = now + self._interval_ms
        since = f" ({untold} more refused since the last such line)" if untold else ""
        log.warning(
            "refused a call from %s as unauthorized: %s; %s%s", remote or "-", exc, exc.hint, since
        )


REFUSALS = web.AppKey("refusals", Refusals)


def routes(endpoint: CliqEndpoint) -> list[web.RouteDef]:
    """`POST /cliq`, answered by `endpoint` (bind it to the app at start-up)."""
    return [web.post("/cliq", endpoint.handle, expect_handler=expect_judged(judge_headers))]
