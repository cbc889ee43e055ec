"""The listening socket and its limits against slow or crowding clients (DESIGN §4).

- **Header timeout**: a connection must deliver a request's complete headers within
  `header_timeout` seconds of opening (or of its previous answer); an idle keep-alive
  connection is closed after the same time. (aiohttp's keep-alive timer, which also runs
  before the first request.)
- **Body timeout**: a handler reads its body with `read_body`, which gives up after
  `body_timeout` seconds with `408` and closes the connection.
- **Connection cap**: at most `max_connections` open at once (kept below the process's file
  limit). A new connection over the cap closes the oldest one that is not running a request
  (one stalled in its headers or idle), so a crowd of stalled clients cannot lock others out;
  when every connection is busy, the new one is closed at once.
- **Not HTTP**: what aiohttp cannot parse (a request line or header over 8 KB, a broken chunk)
  is answered 400 JSON like every other error, and logged as one line, not a traceback.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import logging
import resource
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import hdrs, web
from aiohttp.http_exceptions import HttpProcessingError
from aiohttp.web_protocol import RequestHandler
from aiohttp.web_request import BaseRequest
from aiohttp.web_urldispatcher import MatchedSubAppResource

from bot.handlers.errors import (
    BUSY,
    UNROUTED,
    json_error,
    new_request_id,
    parser_message,
    unread_encoding,
)

log = logging.getLogger(__name__)

FILE_RESERVE = 64
"""File descriptors kept free for the database, outbound HTTP and the sandboxes."""
ACCEPT_BATCH = 64
"""The listen backlog, which is also how many connections asyncio accepts at once before any
is handed to the cap: kept free too, so accepting never runs out of files (EMFILE)."""


@dataclass(frozen=True)
class EdgeLimits:
    """`[server]` limits; seconds and counts."""

    header_timeout: float = 10.0
    body_timeout: float = 10.0
    max_connections: int = 512
    max_body_bytes: int = 1024 * 1024


LIMITS = web.AppKey("edge_limits", EdgeLimits)


class BodyTimeout(Exception):
    """The client did not send its whole body within `body_timeout`."""


async def read_body(request: web.Request) -> bytes:
    """The request body, read within the app's `body_timeout` (BodyTimeout otherwise); a
    declared Content-Length over the app's size limit is refused before anything is read.
    A body already received whole (the usual case: it came with the headers) is read without
    arming the timer, since reading it cannot wait, and taken from aiohttp's buffer in one call.
    The body is consumed: read it once, through this."""
    limit = request.app._client_max_size
    body = received_body(request, limit)
    if body is not None:
        return body
    length = request.content_length
    if length is not None and length > limit:
        raise web.HTTPRequestEntityTooLarge(max_size=limit, actual_size=length)
    limits = request.app.get(LIMITS) or EdgeLimits()
    try:
        async with asyncio.timeout(limits.body_timeout):
            return await request.read()
    except TimeoutError as exc:
        raise BodyTimeout(f"the body did not arrive within {limits.body_timeout:g} s") from exc
    finally:
        if (length or 0) > LARGE_BODY:
            ALLOCATOR.trim_soon()


def received_body(request: web.Request, limit: int) -> bytes | None:
    """The body, if it was received whole (the usual case: it came with the headers), taken
    from aiohttp's buffer in one call; else None (read it with `read_body`). A body over `limit`
    bytes is refused (`HTTPRequestEntityTooLarge`), judged by its size whatever its
    Content-Length or chunks said."""
    content = request.content
    if not content.is_eof():
        return None
    body = content.read_nowait()
    if len(body) > limit:
        raise web.HTTPRequestEntityTooLarge(max_size=limit, actual_size=len(body))
    return body


Judge = Callable[[web.Request], Awaitable[web.StreamResponse | None]]
"""Judges a request by its headers alone: the refusal to answer, or None to let it in."""


def expect_judged(judge: Judge) -> Callable[[web.Request], Awaitable[web.StreamResponse | None]]:
    """A route's `expect_handler`: a request with `Expect: 100-continue` is judged by its headers
    (`judge`, then a declared Content-Length over the app's size limit is 413) before `100
    Continue` invites its body, so a refused client uploads nothing (RFC 9110 §10.1.1). A refusal
    closes the connection, saying `Connection: close`, since the body was never read; another
    Expect value is 417. The refusal skips the app's middlewares and the route's edge (aiohttp
    answers it directly), so it is given its request id (`X-Request-Id`) here."""

    async def expect(request: web.Request) -> web.StreamResponse | None:
        refusal = await judge(request)
        unread = unread_encoding(request)
        if refusal is None and unread:
            refusal = json_error(415, "unsupported_media_type", unread)
        length = request.content_length
        if refusal is None and length is not None and length > request.app._client_max_size:
            refusal = json_error(413, "request_entity_too_large", "request body too large")
        if refusal is None and request.headers.get("Expect", "").lower() != "100-continue":
            refusal = json_error(417, "expectation_failed", "only Expect: 100-continue is known")
        if refusal is not None:
            refusal.headers["X-Request-Id"] = new_request_id()
            refusal.force_close()
            return refusal
        if request.version >= (1, 1):
            await request.writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
            request.writer.output_size = 0  # the answer proper has not started
        return None

    return expect


def body_timeout_answer(error: BodyTimeout) -> web.Response:
    """408, and the connection is closed after it (the rest of the body is not waited for)."""
    response = json_error(408, "request_timeout", str(error))
    response.force_close()
    return response


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class _QuietProtocolErrors(logging.Filter):
    """Bytes that are not HTTP (a request line or header over aiohttp's 8 KB limit, a broken
    chunk) are answered 400 by aiohttp itself, which also logs a traceback at ERROR for each:
    a stranger could fill the log. One short INFO line instead."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, HttpProcessingError):
            record.msg, record.args = (
                "not HTTP we accept (answered %s): %.120s",
                (
                    error.code,
                    parser_message(error),
                ),
            )
            record.exc_info = record.exc_text = None
            record.levelno, record.levelname = logging.INFO, "INFO"
        return True


def quiet_protocol_errors() -> None:
    """Install the filter on aiohttp's server logger (once)."""
    server_log = logging.getLogger("aiohttp.server")
    if not any(isinstance(f, _QuietProtocolErrors) for f in server_log.filters):
        server_log.addFilter(_QuietProtocolErrors())


class _JsonErrors(RequestHandler):
    """aiohttp's connection handler, answering what is not HTTP we accept (a request line or
    header over 8 KB, a bad chunk) with JSON like every other error, in one log line, with a
    request id (`X-Request-Id`) like every other answer."""

    __slots__ = ()

    def handle_error(
        self,
        request: BaseRequest,
        status: int = 500,
        exc: BaseException | None = None,
        message: str | None = None,
    ) -> web.StreamResponse:
        if request.writer.output_size > 0:
            raise ConnectionError("an answer was already sent on this connection")
        request_id = new_request_id()
        if isinstance(exc, HttpProcessingError):
            reason = f"not HTTP we accept: {parser_message(exc)}"[:200]
            log.info(
                "%s from %s (answered %s) [ref %s]", reason, request.remote, status, request_id
            )
        else:
            reason = "unexpected error"
            log.error("unhandled error from %s [ref %s]", request.remote, request_id, exc_info=exc)
        response = json_error(status, "bad_request" if status < 500 else "internal_error", reason)
        response.headers["X-Request-Id"] = request_id
        response.force_close()
        return response


class _Refused(asyncio.Protocol):
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        transport.close()


class ConnectionCap:
    """A protocol factory in front of aiohttp's, holding open connections under `limit`."""

    def __init__(self, server: web.Server, limit: int) -> None:
        self._server = server
        self.limit = limit
        self.evicted = 0
        self.refused = 0

    def __call__(self) -> asyncio.BaseProtocol:
        open_now = self._server.connections  # oldest first
        if len(open_now) >= self.limit:
            idle = next((c for c in open_now if c not in BUSY), None)
            if idle is None:
                self.refused += 1
                return _Refused()
            self.evicted += 1
            idle.force_close()
        handler = self._server()
        handler.__class__ = _JsonErrors  # same layout: it only replaces handle_error
        return handler


class GuardedSite(web.TCPSite):
    """A TCP site whose connections pass through a ConnectionCap."""

    def __init__(self, runner: web.AppRunner, host: str, port: int, max_connections: int):
        super().__init__(runner, host, port)
        self.max_connections = max_connections
        self.cap: ConnectionCap | None = None

    async def start(self) -> None:
        await web.BaseSite.start(self)
        server = self._runner.server
        assert isinstance(server, web.Server)
        self.cap = ConnectionCap(server, self.max_connections)
        loop = asyncio.get_running_loop()
        quiet_accept_errors(loop)
        self._server = await loop.create_server(
            self.cap, self._host, self._port, backlog=ACCEPT_BATCH, reuse_address=True
        )
        self._bound_port = self._server.sockets[0].getsockname()[1]


def quiet_accept_errors(loop: asyncio.AbstractEventLoop) -> None:
    """Should accepting still run out of files, asyncio logs a traceback per failed accept
    (tens of thousands a minute): one warning line every 10 seconds instead."""
    previous = loop.get_exception_handler()
    last = [-1e9]

    def handler(loop: asyncio.AbstractEventLoop, context: dict[str, object]) -> None:
        if str(context.get("message", "")).startswith("socket.accept() out of system resource"):
            if loop.time() - last[0] >= 10:
                last[0] = loop.time()
                log.warning("out of files accepting connections: %s", context.get("exception"))
            return
        if previous is not None:
            previous(loop, context)
        else:
            loop.default_exception_handler(context)

    if not getattr(previous, "quiet_accept", False):
        # A marker on the function itself, so a second install sees the first; mypy does not
        # know functions take attributes.
        handler.quiet_accept = True  # type: ignore[attr-defined]
        loop.set_exception_handler(handler)


def connection_limit(wanted: int) -> int:
    """`wanted`, lowered to what the file limit allows (raising the soft limit if it can)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    need = wanted + FILE_RESERVE + ACCEPT_BATCH
    if soft != resource.RLIM_INFINITY and soft < need:
        target = need if hard == resource.RLIM_INFINITY else min(need, hard)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):
            pass
    if soft == resource.RLIM_INFINITY:
        return wanted
    allowed = max(1, soft - FILE_RESERVE - ACCEPT_BATCH)
    if allowed < wanted:
        log.warning("file limit %d: serving at most %d connections, not %d", soft, allowed, wanted)
    return min(wanted, allowed)


class _Glibc:
    """glibc's allocator, when this process has it: large buffers strangers make us hold (bodies
    up to `max_body_bytes`) are given back to the system once freed. Measured with 300 stalled
    1 MB uploads against `deskbot serve`: +57 MB kept with glibc's default; with this, back to
    where it was (−3 MB) a second after the last one ends, when the trim runs
    (tests/edge/test_slow_clients.py)."""

    M_MMAP_THRESHOLD = -3

    def __init__(self) -> None:
        self._libc = None
        if sys.platform.startswith("linux"):
            with contextlib.suppress(OSError, AttributeError):
                libc = ctypes.CDLL("libc.so.6")
                self._libc = libc if hasattr(libc, "malloc_trim") else None
        self._trim: asyncio.TimerHandle | None = None

    def fixed_mmap_threshold(self, size: int) -> None:
        """Allocations from `size` bytes up get their own mapping, returned when freed (a fixed
        threshold also stops glibc from raising it after each large free)."""
        if self._libc is not None:
            self._libc.mallopt(self.M_MMAP_THRESHOLD, size)

    def trim_soon(self) -> None:
        """Give free heap pages back a second from now (at most one pending): the smaller
        buffers a large upload was read into are freed when its connection closes."""
        if self._libc is None or self._trim is not None:
            return
        self._trim = asyncio.get_running_loop().call_later(1.0, self._trim_now)

    def _trim_now(self) -> None:
        self._trim = None
        if self._libc is not None:
            self._libc.malloc_trim(0)


ALLOCATOR = _Glibc()
LARGE_BODY = 128 * 1024
"""Bytes: a body from this size up has the heap trimmed after it (`ALLOCATOR.trim_soon`)."""
OWN_MAPPING = 512 * 1024
"""Bytes: an allocation from this size up gets its own mapping. Above the 256 KiB buffer
asyncio allocates for every socket read (and shrinks to what arrived): at 128 KiB each read was
a `mmap` and `munmap` of its own, 14 µs of a `/cliq` call's 60 under load
(bench/cliq_endpoint.py, `deskbot serve`'s way)."""


EXPRESS = web.AppKey("express_routes", list[web.AbstractRoute])
"""Routes of the app served by `start_server` that are looked up before aiohttp's router: the
few a bot is called at in volume (`make_web_app` puts `POST /cliq` here). Each must be a plain
path (no variables), added to that app itself, that the app's router answers a request for with
that very route (not an earlier route for the same path, and a path a request target says as it
is: no percent-escape, query or fragment in it)."""


def express(server: web.Server, app: web.Application) -> None:
    """Let `server`, which serves `app`, answer `app[EXPRESS]`'s routes before asking `app`'s
    router: a request whose method and raw target are exactly a route's (`POST /cliq`, no query)
    and that carries no `Expect` goes straight to its handler, with the match aiohttp's router
    would have made (`request.match_info`, `request.app`, `on_response_prepare` as usual).
    Everything else (another path, a query, a percent-escape, `Expect: 100-continue`) is routed
    by `app` as before, to the same answer. Nothing changes for an app with middlewares (an
    express route would skip them) or with a sub-application matched by domain (`add_domain`:
    aiohttp's router asks those first, by the request's `Host`, which the lane does not read).
    Raises ValueError for a route that is not as `EXPRESS` says.

    aiohttp's router builds the request's URL, resolves it and makes and freezes a match for
    every request: about 2.5 µs of a `/cliq` call's 45 in process (bench/cliq_account.py).
    Call before `server` takes its first connection (each connection keeps the handler it was
    made with)."""
    routes = app.get(EXPRESS)
    if not routes or app.middlewares or _routes_by_host(app):
        return
    lanes: dict[tuple[str, str], tuple[Handler, web.UrlMappingMatchInfo]] = {}
    for route in routes:
        resource = route.resource
        if not isinstance(resource, web.PlainResource) or resource not in app.router.resources():
            raise ValueError(f"{route!r} is not a plain-path route of this app")
        if _routed_to(app, route.method, resource.canonical) is not route:
            raise ValueError(
                f"{route.method} {resource.canonical} is routed to another route: an earlier "
                "one for its path, or a path a request target does not say as it is"
            )
        lanes[(route.method, resource.canonical)] = (route.handler, _match(route, app))
    routed = server.request_handler

    def handle(request: BaseRequest) -> Awaitable[web.StreamResponse]:
        # (A plain function handing on the handler's coroutine: aiohttp awaits what it returns,
        # and a coroutine of our own around it would cost more than the lookup.)
        lane = lanes.get((request.method, request.raw_path))
        if lane is None or hdrs.EXPECT in request.headers:
            return routed(request)
        handler, match = lane
        # (`request` is the app's `web.Request`: the runner made it with the app's factory.)
        request._match_info = match  # type: ignore[attr-defined]  # as the app's router does
        return handler(request)  # type: ignore[arg-type]

    server.request_handler = handle


def answer_pathless(server: web.Server, app: web.Application) -> None:
    """Let `server`, which serves `app`, answer a request whose target has no path (the
    authority form, `CONNECT host:port`, or an absolute URL without one, `GET http://host`)
    with `app`'s catch-all for what no route takes (`make_web_app`'s: 404 JSON through the
    edge, with its request id). aiohttp's router asks no resource about an empty path, and
    answers it with its own plain-text 404, outside the edge. Nothing changes for an app
    without the catch-all or with middlewares (they would see aiohttp's 404 and may answer it
    their way). A request with a path costs one more plain call (`POST /cliq` on the express
    lane, none)."""
    resource = app.router.get(UNROUTED)
    if resource is None or app.middlewares:
        return
    [route] = list(resource)
    match = _match(route, app)
    routed, unrouted = server.request_handler, route.handler

    def handle(request: BaseRequest) -> Awaitable[web.StreamResponse]:
        if request.path:
            return routed(request)
        request._match_info = match  # type: ignore[attr-defined]  # as `express` does
        return unrouted(request)  # type: ignore[arg-type]

    server.request_handler = handle


def _match(route: web.AbstractRoute, app: web.Application) -> web.UrlMappingMatchInfo:
    """The match `app`'s router makes for a request it answers with `route` (no path variables),
    made once and frozen: shared by every request a lane hands to `route`."""
    match = web.UrlMappingMatchInfo({}, route)
    match.add_app(app)
    match.freeze()
    return match


def _routes_by_host(app: web.Application) -> bool:
    """Whether `app` has a sub-application matched by domain (`add_domain`): its router asks
    those before any path. (One mounted deeper is asked only under its parent's prefix, an
    earlier route for the path, which `_routed_to` finds.)"""
    return any(isinstance(r, MatchedSubAppResource) for r in app.router.resources())


def _routed_to(app: web.Application, method: str, target: str) -> web.AbstractRoute | None:
    """The route `app`'s router answers `method target` with (a request with only a `Host`
    header), or None when the router waits for something to tell. aiohttp's resources resolve
    without waiting, so the router's coroutine is run to its end here, at once."""
    from aiohttp.test_utils import make_mocked_request  # (a real request; at start-up only)

    request = make_mocked_request(method, target, headers={hdrs.HOST: "localhost"}, app=app)
    resolving = app.router.resolve(request)
    try:
        resolving.send(None)
    except StopIteration as resolved:
        return resolved.value.route  # type: ignore[no-any-return]
    resolving.close()
    return None


async def start_server(
    app: web.Application, host: str, port: int, **runner_options: Any
) -> tuple[web.AppRunner, GuardedSite]:
    """Run `app` on host:port under its `LIMITS`; the caller cleans up the runner. `POST /cliq`
    (`app[EXPRESS]`) is answered before aiohttp's router (`express`), and a request target
    without a path by the app's catch-all (`answer_pathless`). Raises ValueError as `express`
    does, and OSError when the address cannot be listened on (in use), once the app's cleanup
    contexts have run."""
    limits = app.get(LIMITS) or EdgeLimits()
    ALLOCATOR.fixed_mmap_threshold(OWN_MAPPING)
    runner = web.AppRunner(
        app,
        keepalive_timeout=limits.header_timeout,
        lingering_time=0,  # a client that stops mid-body is not waited for after our answer
        **runner_options,
    )
    await runner.setup()
    assert runner.server is not None
    answer_pathless(runner.server, app)
    try:
        express(runner.server, app)
    except ValueError:
        await runner.cleanup()
        raise
    site = GuardedSite(runner, host, port, connection_limit(limits.max_connections))
    try:
        await site.start()
    except BaseException:  # (the port in use, say): the app's parts are closed, then it is raised
        await runner.cleanup()
        raise
    return runner, site


__all__ = [
    "EXPRESS",
    "LIMITS",
    "BodyTimeout",
    "ConnectionCap",
    "EdgeLimits",
    "GuardedSite",
    "answer_pathless",
    "body_timeout_answer",
    "expect_judged",
    "express",
    "read_body",
    "received_body",
    "start_server",
]
