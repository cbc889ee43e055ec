"""`/desk/events`: Desk's webhook deliveries (DESIGN §4, reference/desk.md §5.4-5.5).

GET answers 200 (Desk validates a URL that way). POST checks the `X-ZDesk-JWT` before reading
the body, reads the body within the edge's timeout, stores each event in the inbox under its
dedupe key, and answers 200 at once; the notifier does the rest.

Each delivery is judged alone: a batch with one malformed event still stores the good ones, and
a bad delivery never fails another arriving at the same time. A token is accepted with one body
only: the same token with another body is 401 (the JWT does not cover the body, so this stops
a captured token from carrying forged events); with the same body it is a redelivery, which the
inbox deduplicates.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from pydantic import ValidationError

from bot import jsonsafe
from bot.clock import epoch_ms
from bot.desk.events import DeskEvent
from bot.desk.webhook_jwt import Claims, JWTError
from bot.handlers.errors import json_error
from bot.handlers.serving import BodyTimeout, body_timeout_answer, expect_judged, read_body
from bot.store.db import StoreUnavailable
from bot.store.inbox import Inbox
from bot.store.seen import Binding, UsedWithAnotherBody

VerifyJwt = Callable[[str], Awaitable[Claims]]
MAX_TOKEN_CHARS = 8192
CLAIMS = web.RequestKey("desk_jwt_claims", Claims)
"""The claims verified before `100 Continue`, so the handler does not verify the JWT again."""


def routes(
    inbox: Callable[[], Inbox],
    verify: Callable[[], VerifyJwt],
    stored: Callable[[], None],
) -> list[web.RouteDef]:
    async def validate(request: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    async def token_claims(request: web.Request) -> Claims | web.Response:
        """The verified X-ZDesk-JWT's claims, or the 401 to answer (headers alone); verified
        once per request (the expect handler's verdict is kept for the handler)."""
        if CLAIMS in request:
            return request[CLAIMS]
        token = request.headers.get("X-ZDesk-JWT", "")
        if not token:
            return json_error(401, "unauthorized", "missing X-ZDesk-JWT")
        if len(token) > MAX_TOKEN_CHARS:
            return json_error(401, "unauthorized", "bad X-ZDesk-JWT: too long")
        try:
            claims = await verify()(token)
        except JWTError as exc:
            return json_error(401, "unauthorized", f"bad X-ZDesk-JWT: {exc}")
        request[CLAIMS] = claims
        return claims

    async def judge_headers(request: web.Request) -> web.Response | None:
        found = await token_claims(request)
        return found if isinstance(found, web.Response) else None

    async def receive(request: web.Request) -> web.Response:
        claims = await token_claims(request)
        if isinstance(claims, web.Response):
            return claims
        try:
            raw_body = await read_body(request)
        except BodyTimeout as exc:
            return body_timeout_answer(exc)
        try:
            body = jsonsafe.loads(raw_body)
        except jsonsafe.JsonBodyError as exc:
            return json_error(400, "bad_request", f"the body is not JSON we accept: {exc}")
        raw = body if isinstance(body, list) else [body]
        if not raw or not all(isinstance(item, dict) for item in raw):
            return json_error(400, "bad_request", "expected an array of event objects")
        good, rejected = judge(raw)
        if not good:
            return json_error(400, "bad_request", "; ".join(rejected)[:500])
        binding = Binding(
            f"desk-jwt:{claims.token_id}",
            hashlib.sha256(raw_body).hexdigest(),
            epoch_ms(claims.accepted_until or claims.expires_at),
        )
        try:
            accepted, duplicates = await inbox().add(good, binding=binding)
        except UsedWithAnotherBody:
            return json_error(
                401, "unauthorized", "bad X-ZDesk-JWT: already used with another body"
            )
        except StoreUnavailable as exc:  # Desk delivers again later
            return json_error(503, "store_unavailable", exc.reason)
        if accepted:
            stored()
        return web.json_response(
            {"accepted": accepted, "duplicates": duplicates, "rejected": rejected}
        )

    return [
        web.get("/desk/events", validate),
        web.post("/desk/events", receive, expect_handler=expect_judged(judge_headers)),
    ]


def judge(raw: list[dict[str, Any]]) -> tuple[list[tuple[str, str, dict[str, Any]]], list[str]]:
    """The events worth storing, as `(dedupe key, event type, event)`, and a reason for each
    one refused (`event <index>: <field>: <why>`)."""
    good: list[tuple[str, str, dict[str, Any]]] = []
    rejected: list[str] = []
    for index, item in enumerate(raw):
        try:
            event = DeskEvent.model_validate(item)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = "".join(f"{p}: " for p in [".".join(str(p) for p in first["loc"])] if p)
            rejected.append(f"event {index}: {where}{first['msg'][:200]}")
            continue
        good.append((event.dedupe_key, event.event_type, item))
    return good, rejected
