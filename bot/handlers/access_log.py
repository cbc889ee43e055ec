"""The access log: one line per request, with no secret in it.

Query strings carry secrets on several routes (OAuth `code` and `state` on `/oauth/callback`,
the signed `t`/`s` of an attendance export link), so every query value is replaced by `…`:
the line keeps the path and the parameter names, never what was sent in them.
"""

from __future__ import annotations

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger
from aiohttp.web_request import BaseRequest

REDACTED = "…"


def redacted_target(request: BaseRequest) -> str:
    """The request's path, and its query with every value replaced by `…`."""
    names = dict.fromkeys(request.rel_url.query.keys())
    path = request.rel_url.path
    return f"{path}?" + "&".join(f"{name}={REDACTED}" for name in names) if names else path


class RedactingAccessLogger(AbstractAccessLogger):
    """`remote "METHOD path?name=…" status bytes seconds rid=<request id>`."""

    def log(self, request: BaseRequest, response: web.StreamResponse, time: float) -> None:
        self.logger.info(
            '%s "%s %s HTTP/%d.%d" %d %d %.6fs rid=%s',
            request.remote or "-",
            request.method,
            redacted_target(request),
            request.version.major,
            request.version.minor,
            response.status,
            response.body_length,
            time,
            response.headers.get("X-Request-Id", "-"),
        )
