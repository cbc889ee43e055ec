"""A scripted stand-in for Desk on loopback: replays fixtures, injects errors, records requests.

Outside our HTTP boundary, so the client is tested through real HTTP without the sandbox.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.desk_client.fixtures import load

ORG_ID = "700000001"


@dataclass
class Reply:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)

    def response(self) -> web.Response:
        if self.body is None:
            return web.Response(status=self.status, headers=self.headers)
        return web.Response(
            status=self.status,
            body=json.dumps(self.body).encode(),
            content_type="application/json",
            headers=self.headers,
        )


def ok(body: Any, **headers: str) -> Reply:
    return Reply(200, body, headers)


def fixture(name: str, **headers: str) -> Reply:
    return Reply(200, load(name), headers)


def empty() -> Reply:
    return Reply(204)


def error(code: str) -> Reply:
    sample = load("errors")[code]
    return Reply(sample["status"], sample["body"], dict(sample.get("headers", {})))


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    json: Any


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class FakeDesk:
    """Answers `(method, path)` with scripted replies, the last one repeating."""

    PREFIX = "/api/v1"

    def __init__(self) -> None:
        self.requests: list[Seen] = []
        self._scripts: dict[tuple[str, str], list[Reply]] = {}
        self._handlers: dict[tuple[str, str], Handler] = {}
        self.app = web.Application()
        self.app.router.add_route("*", "/{tail:.*}", self._dispatch)

    def on(self, method: str, path: str, *replies: Reply) -> FakeDesk:
        self._scripts[(method, self.PREFIX + path)] = list(replies)
        return self

    def handle(self, method: str, path: str, handler: Handler) -> FakeDesk:
        self._handlers[(method, self.PREFIX + path)] = handler
        return self

    def calls(self, method: str | None = None, path: str | None = None) -> list[Seen]:
        return [
            r
            for r in self.requests
            if (method is None or r.method == method)
            and (path is None or r.path == self.PREFIX + path)
        ]

    @property
    def last(self) -> Seen:
        return self.requests[-1]

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        raw = await request.read()
        self.requests.append(
            Seen(
                request.method,
                request.path,
                dict(request.query),
                dict(request.headers),
                json.loads(raw) if raw else None,
            )
        )
        key = (request.method, request.path)
        if key in self._handlers:
            return await self._handlers[key](request)
        script = self._scripts.get(key)
        if not script:
            return error("URL_NOT_FOUND").response()
        reply = script.pop(0) if len(script) > 1 else script[0]
        return reply.response()
