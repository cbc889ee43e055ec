"""`/desk/events`: Desk's webhook deliveries (DESIGN §4, reference/desk.md §5.4-5.5).

GET answers 200 (Desk validates a URL that way). POST checks the `X-ZDesk-JWT`, stores each
event in the inbox under its dedupe key, and answers 200 at once; the notifier does the rest.
A batch with one malformed event still stores the good ones.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from pydantic import ValidationError

from bot.desk.events import DeskEvent
from bot.desk.webhook_jwt import JWTError
from bot.handlers.errors import json_error
from bot.store.inbox import Inbox

VerifyJwt = Callable[[str], Awaitable[Any]]


def routes(
    inbox: Callable[[], Inbox], verify: Callable[[], VerifyJwt], stored: Callable[[], None]
) -> list[web.RouteDef]:
    async def validate(request: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    async def receive(request: web.Request) -> web.Response:
        token = request.headers.get("X-ZDesk-JWT", "")
        if not token:
            return json_error(401, "unauthorized", "missing X-ZDesk-JWT")
        try:
            await verify()(token)
        except JWTError as exc:
            return json_error(401, "unauthorized", f"bad X-ZDesk-JWT: {exc}")
        try:
            body = json.loads(await request.read())
        except ValueError:
            return json_error(400, "bad_request", "the body is not JSON")
        raw = body if isinstance(body, list) else [body]
        if not raw or not all(isinstance(item, dict) for item in raw):
            return json_error(400, "bad_request", "expected an array of event objects")
        good: list[tuple[str, str, dict[str, Any]]] = []
        rejected: list[str] = []
        for index, item in enumerate(raw):
            try:
                event = DeskEvent.model_validate(item)
            except ValidationError as exc:
                first = exc.errors()[0]
                where = ".".join(str(p) for p in first["loc"])
                rejected.append(f"event {index}: {where}: {first['msg']}")
                continue
            good.append((event.dedupe_key, event.event_type, item))
        if not good:
            return json_error(400, "bad_request", "; ".join(rejected)[:500])
        accepted, duplicates = await inbox().add(good)
        if accepted:
            stored()
        return web.json_response(
            {"accepted": accepted, "duplicates": duplicates, "rejected": rejected}
        )

    return [web.get("/desk/events", validate), web.post("/desk/events", receive)]
