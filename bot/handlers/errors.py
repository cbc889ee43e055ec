"""Every error leaves as JSON with a reason; nothing leaves as a traceback (DESIGN §4)."""

from __future__ import annotations

import itertools
import logging
import os
from collections.abc import Awaitable, Callable

from aiohttp import web

from bot.store.db import StoreUnavailable

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

_PREFIX = os.urandom(3).hex()
_counter = itertools.count(1)
REQUEST_ID = web.RequestKey("request_id", str)
BUSY: set[object] = set()
"""Connections (aiohttp request handlers) running a request right now, removed when it ends:
the connection cap (`bot.handlers.serving.ConnectionCap`) never closes one of these."""


def json_error(status: int, error: str, reason: str, **extra: str) -> web.Response:
    return web.json_response({"error": error, "reason": reason, **extra}, status=status)


@web.middleware
async def errors_as_json(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Give every request an id (`REQUEST_ID`, and the `X-Request-Id` header of its answer),
    note its connection as running a request meanwhile (`BUSY`), and turn every failure into a
    JSON body. (One middleware for all three: each layer costs aiohttp a coroutine per request.)
    """
    request_id = f"{_PREFIX}-{next(_counter)}"  # unique in the process, distinct across restarts
    request[REQUEST_ID] = request_id
    protocol = request.protocol
    BUSY.add(protocol)
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        if exc.content_type == "application/json":
            response = exc
        else:
            reason = exc.text or exc.reason
            if exc.status == 413:
                reason = "request body too large"
            response = json_error(exc.status, _slug(exc.reason), reason or exc.reason)
    except StoreUnavailable as exc:  # disk full, read-only: the caller may try again later
        log.warning("store unavailable [ref %s]: %s", request_id, exc.reason)
        response = json_error(503, "store_unavailable", exc.reason, reference=request_id)
    except Exception:
        log.exception("unhandled error [ref %s]", request_id)
        response = json_error(500, "internal_error", "unexpected error", reference=request_id)
    finally:
        BUSY.discard(protocol)
    if not response.prepared:  # an overrun answer went out early, with its id already set
        response.headers["X-Request-Id"] = request_id
        if request.body_exists and not request.content.is_eof():
            response.force_close()  # unread body: the connection closes, so say so (serving.py)
    return response


def _slug(reason: str) -> str:
    return reason.lower().replace(" ", "_")
