"""The HTTP edge around every route: an id per request, and every error leaves as JSON with a
reason, never as a traceback (DESIGN §4).

The edge wraps each route's handler (`edge`), rather than being an aiohttp middleware: aiohttp's
middleware layer alone (its cached chain, a `partial` and one more coroutine per middleware, plus
the one that sets `current_app`) cost about 2.5 µs a request, a twentieth of a whole `/cliq` call
(bench/cliq_account.py). `bot.handlers.web.add_routes` adds routes through it, and
`bot.handlers.web.make_web_app` refuses to start an app with a route that bypasses it; what no
route takes is answered 404 or 405 in JSON by `unrouted`, added last.
"""

from __future__ import annotations

import functools
import inspect
import itertools
import logging
import os
import weakref
from collections.abc import Awaitable, Callable

from aiohttp import hdrs, web
from aiohttp.http_exceptions import HttpProcessingError

from bot.store.db import StoreUnavailable

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

_PREFIX = os.urandom(3).hex()
_counter = itertools.count(1)
REQUEST_ID = web.RequestKey("request_id", str)
BUSY: set[object] = set()
"""Connections (aiohttp request handlers) running a request right now, removed when it ends:
the connection cap (`bot.handlers.serving.ConnectionCap`) never closes one of these."""
EDGED: weakref.WeakSet[Handler] = weakref.WeakSet()
"""The handlers `edge` made: how `make_web_app` tells a route that bypasses the edge. (Weak: a
handler, and the app its closure may hold, goes when its app goes.)"""


def json_error(status: int, error: str, reason: str, **extra: str) -> web.Response:
    """`{"error": error, "reason": reason, **extra}` with `status`."""
    return web.json_response({"error": error, "reason": reason, **extra}, status=status)


def edge(handler: Handler) -> Handler:
    """`handler` inside the edge. Each request gets an id (`request[REQUEST_ID]`, and the
    `X-Request-Id` header of its answer, redirects included); its connection is noted as running
    a request meanwhile (`BUSY`); and every failure becomes a JSON body: an `HTTPException` from
    400 up keeps its status (`{"error": "not_found", …}`), a body that cannot be read as sent
    (`RequestPayloadError`: a `Content-Encoding` its bytes are not in) is 400 and closes the
    connection, logged in one line, a `Content-Encoding` aiohttp would not decode is 415
    (`unread_encoding`) before the handler runs, `StoreUnavailable` is 503 and anything else 500 (a handler
    returning no response too), both with the id as `reference` and logged. A client that
    closes its connection mid-answer (a download given up) is logged in one INFO line and its
    answer counted as 499 in the access log. (Redirects and other statuses under 400 pass, with
    the id.) `handler` is an async function, a plain one
    (as aiohttp takes them; an awaitable it returns is awaited) or an `AbstractView` class."""
    if not inspect.iscoroutinefunction(handler) and not isinstance(handler, type):
        handler = _awaited(handler)  # a plain function, as aiohttp takes them (a view: awaited)
    at_edge = _wrap(handler)
    functools.update_wrapper(at_edge, handler, updated=())  # (its name, doc, `__wrapped__`)
    EDGED.add(at_edge)
    return at_edge


@web.middleware
async def edge_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """The edge for a sub-application's requests (`bot.handlers.web.add_subapp` puts it first
    among its middlewares): the same id, `BUSY` and JSON for what its own middlewares let
    through (the console answers its errors as pages itself, a body it cannot read included)."""
    return await _wrap(handler, check_encoding=False)(request)


def new_request_id() -> str:
    """A request id for an answer given outside `edge` (an `Expect` refusal)."""
    return f"{_PREFIX}-{next(_counter)}"


def _awaited(plain: Callable[[web.Request], object]) -> Handler:
    async def awaited(request: web.Request) -> web.StreamResponse:
        answer = plain(request)
        return await answer if inspect.isawaitable(answer) else answer  # type: ignore[return-value]

    awaited.__name__ = getattr(plain, "__name__", "handler")
    return awaited


def _wrap(handler: Handler, *, check_encoding: bool = True) -> Handler:
    async def at_edge(request: web.Request) -> web.StreamResponse:
        # `new_request_id()`, written out (one call less a request): unique in the process,
        # distinct across restarts.
        request_id = f"{_PREFIX}-{next(_counter)}"
        request[REQUEST_ID] = request_id
        protocol = request.protocol
        BUSY.add(protocol)
        try:
            if check_encoding and hdrs.CONTENT_ENCODING in request.headers:
                unread = unread_encoding(request)
                if unread:  # its bytes would reach the handler undecoded
                    raise web.HTTPUnsupportedMediaType(text=unread)
            response = await handler(request)
            try:
                prepared = response.prepared
            except AttributeError:
                raise TypeError(
                    f"{getattr(handler, '__name__', 'the handler')} returned "
                    f"{type(response).__name__}, not a web.StreamResponse"
                ) from None
        except web.HTTPException as exc:
            if exc.status < 400:
                exc.headers["X-Request-Id"] = request_id
                raise
            response, prepared = as_json(exc), False
        except web.RequestPayloadError as exc:  # the body as sent cannot be read (bad gzip)
            reason = unreadable_body(exc)
            log.info("%s from %s (answered 400) [ref %s]", reason, request.remote, request_id)
            response, prepared = json_error(400, "bad_request", reason), False
            response.force_close()  # what follows the broken body on the connection is not read
        except ConnectionError as exc:  # (a reset, a broken pipe, aiohttp's "connection lost")
            if not client_gone(request):
                log.exception("unhandled error [ref %s]", request_id)  # ours: e.g. Desk reset
                response = json_error(
                    500, "internal_error", "unexpected error", reference=request_id
                )
            else:  # the client went away mid-answer (a download closed): nothing to answer
                log.info(
                    "%s closed the connection before the answer was sent whole [ref %s]: %s",
                    request.remote,
                    request_id,
                    exc,
                )
                response = web.Response(status=499, reason="Client Closed Request")
            prepared = False
        except StoreUnavailable as exc:  # disk full, read-only: the caller may try again later
            log.warning("store unavailable [ref %s]: %s", request_id, exc.reason)
            response = json_error(503, "store_unavailable", exc.reason, reference=request_id)
            prepared = False
        except Exception:
            log.exception("unhandled error [ref %s]", request_id)
            response = json_error(500, "internal_error", "unexpected error", reference=request_id)
            prepared = False
        finally:
            BUSY.discard(protocol)
        if not prepared:  # an overrun answer went out early, with its id already set
            response.headers["X-Request-Id"] = request_id
            if not request.content.is_eof():  # (a request without a body is at its end)
                response.force_close()  # unread body: the connection closes, so say so
        return response

    return at_edge


DECODED = frozenset({"", "identity", "gzip", "deflate", "br", "zstd"})
"""The `Content-Encoding` values aiohttp's parser decodes (`br` and `zstd` only with their
libraries installed; it refuses them with 400 otherwise) or that need none. It passes any other
value's bytes on undecoded, which would then be read as a bad signature or bad JSON."""


def unread_encoding(request: web.BaseRequest) -> str:
    """Why the request's body would reach its handler in a `Content-Encoding` aiohttp does not
    decode (`x-gzip`, stacked codings, `compress`, a header given twice), or "" when it would
    not (RFC 9110 §8.4: 415 names the codings taken)."""
    said = request.headers.getall(hdrs.CONTENT_ENCODING, [])
    if not said or (len(said) == 1 and said[0].strip().lower() in DECODED and said[0].isascii()):
        return ""
    shown = ", ".join(said)[:60]
    return f"Content-Encoding {shown} is not one this server reads: gzip, deflate or none"


def client_gone(request: web.Request) -> bool:
    """Whether the client closed `request`'s connection (or it was closed under it)."""
    transport = request.transport
    return transport is None or transport.is_closing()


def unreadable_body(error: web.RequestPayloadError) -> str:
    """The reason a body could not be read, in one line: aiohttp's parser could not decode it as
    its headers said (a `Content-Encoding` its bytes are not in, a broken chunk)."""
    cause = error.__cause__
    detail = parser_message(cause) if isinstance(cause, HttpProcessingError) else str(error)
    return f"the body could not be read: {' '.join(detail.split())}"[:200]


def parser_message(error: HttpProcessingError) -> str:
    """aiohttp's parser error on one line: what is wrong and the bytes it quotes, without the
    line breaks and the caret line pointing at the fault (its messages span several lines, and
    a log line or a reason must not)."""
    lines = (line.strip() for line in str(error.message).splitlines())
    return " ".join(line for line in lines if line.strip("^~ "))


def as_json(exc: web.HTTPException) -> web.StreamResponse:
    """An HTTP error (400 up) as the edge's JSON body, keeping its status and headers."""
    if exc.content_type == "application/json":
        return exc
    reason = exc.text or exc.reason
    if exc.status == 413:
        reason = "request body too large"
    response = json_error(exc.status, _slug(exc.reason), reason or exc.reason)
    keep_headers(exc, response)
    return response


_BODY_HEADERS = frozenset({"content-type", "content-length", "content-encoding"})


def keep_headers(exc: web.HTTPException, answer: web.StreamResponse) -> None:
    """Give `answer`, which replaces `exc`'s body, the headers `exc` was raised with (`Allow` of
    a 405, `WWW-Authenticate` of a 401, `Retry-After` of a 429 or 503), all but those describing
    its body."""
    for name, value in exc.headers.items():
        if name.lower() not in _BODY_HEADERS:
            answer.headers.add(name, value)


async def unrouted(request: web.Request) -> web.StreamResponse:
    """What no route takes: 405 naming the methods the path takes (its `Allow` header), else
    404. (A catch-all route, added after every other: aiohttp's own 404 and 405 are plain text
    and only a middleware could reach them.)"""
    allowed: set[str] = set()
    for resource in request.app.router.resources():
        if resource.name == UNROUTED:
            continue
        _, methods = await resource.resolve(request)
        allowed |= methods
    allowed.discard("*")
    where = _quoted_path(request)
    if allowed:
        takes = ", ".join(sorted(allowed))
        raise web.HTTPMethodNotAllowed(
            request.method,
            allowed,
            text=f"{request.method[:20]} is not answered at {where}, which takes {takes}",
        )
    raise web.HTTPNotFound(text=f"nothing is answered at {where}")


def _quoted_path(request: web.Request) -> str:
    """The request's path as a reason quotes it (its query left out), or its whole target when
    it has no path (`*`, `host:port`), cut to 100 characters."""
    said = request.raw_path.partition("?")[0] or request.raw_path or "/"
    return said if len(said) <= 100 else f"{said[:100]}…"


UNROUTED = "unrouted"
"""The name of the catch-all route's resource."""


def _slug(reason: str) -> str:
    return reason.lower().replace(" ", "_")
