"""Sandbox Cliq: the posting API of reference/cliq.md §5.2, recording every message.

It checks the token and Cliq's message rules with the same models the bot builds messages with
(an extra key is `400 extra_key_found`), keeps channels and their bot members, and can be told
to fail for a while: 503, 429 with `Retry-After`, or 400 `request_limit_exceeded`.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from aiohttp import web
from pydantic import ValidationError

from bot.cliq.message import parse_reply
from bot.clock import Clock, epoch_ms

WHO = web.RequestKey("who", str)
TRANSPORT_KEYS = ("userids", "broadcast", "sync_message", "reply_to", "mark_as_read")
FAULT_KINDS = {
    "503": "503",
    "429": "429",
    "limit": "limit",
    "400": "limit",
    "request_limit_exceeded": "limit",
}
"""Names a test or a demo may give a fault, and the kind each one means."""


@dataclass
class Fault:
    kind: str  # "503", "429" or "limit" (400 request_limit_exceeded)
    retry_after: float | None = None


@dataclass
class CliqSandbox:
    identity: Callable[[str], str | None]
    clock: Clock
    messages: list[dict[str, Any]] = field(default_factory=list)
    channels: dict[str, dict[str, Any]] = field(default_factory=dict)
    faults: deque[Fault] = field(default_factory=deque)
    _ids: Any = field(default_factory=lambda: itertools.count(1))

    def fail(self, kind: str | int, count: int = 1, retry_after: float | None = None) -> None:
        """The next `count` API calls fail this way (tests and demos of outages).

        `kind` is 503, 429 or "limit" (also "400" or "request_limit_exceeded"); `retry_after`
        becomes the `Retry-After` header (none when left out)."""
        known = FAULT_KINDS.get(str(kind))
        if known is None:
            raise ValueError(f"unknown fault kind {kind!r}; one of {sorted(FAULT_KINDS)}")
        if count < 0 or (retry_after is not None and retry_after < 0):
            raise ValueError("count and retry_after cannot be negative")
        self.faults.extend(Fault(known, retry_after) for _ in range(count))

    def record(
        self, target_kind: str, target: str, body: dict[str, Any], sender: str
    ) -> dict[str, Any]:
        message = {
            "id": next(self._ids),
            "target_kind": target_kind,
            "target": target,
            "sender": sender,
            "at": self.clock.now().isoformat(),
            "body": body,
        }
        self.messages.append(message)
        return message

    def message_id(self, message: dict[str, Any]) -> str:
        """Cliq's form of a message ID (`<epoch ms> <number>`), URL-encoded as Cliq returns it."""
        return quote(f"{epoch_ms(self.clock.now())} {224416859547 + message['id']}")

    def to(self, target_kind: str, target: str) -> list[dict[str, Any]]:
        return [
            m for m in self.messages if (m["target_kind"], m["target"]) == (target_kind, target)
        ]

    def add_channel(self, name: str, *, bots: tuple[str, ...] = ()) -> dict[str, Any]:
        unique = "".join(ch for ch in name.casefold() if ch.isalnum())
        channel = self.channels.setdefault(
            unique,
            {
                "name": name,
                "unique_name": unique,
                "chat_id": f"CT_{len(self.channels) + 1}",
                "channel_id": f"O{len(self.channels) + 1}",
                "level": "organization",
                "bots": [],
            },
        )
        channel["bots"] = sorted(set(channel["bots"]) | set(bots))
        return channel


def _posted(state: CliqSandbox, body: dict[str, Any], message: dict[str, Any]) -> web.Response:
    """204, or with `sync_message` the new message's ID (reference/cliq.md §5.2)."""
    if not body.get("sync_message"):
        return web.Response(status=204)
    return web.json_response({"message_id": state.message_id(message)})


def _error(status: int, code: str, message: str, **headers: str) -> web.Response:
    return web.json_response({"code": code, "message": message}, status=status, headers=headers)


async def _json_object(request: web.Request) -> dict[str, Any] | web.Response:
    try:
        body = await request.json()
    except ValueError:
        return _error(400, "invalid_json", "The body is not JSON")
    if not isinstance(body, dict):
        return _error(400, "invalid_json", "The body must be an object")
    return body


def create_cliq_app(state: CliqSandbox) -> web.Application:
    @web.middleware
    async def gate(request: web.Request, handler: Any) -> web.StreamResponse:
        if not request.path.startswith("/api/"):
            return await handler(request)
        header = request.headers.get("Authorization", "")
        who = state.identity(header.removeprefix("Zoho-oauthtoken ").strip()) if header else None
        if who is None:
            return _error(
                401, "oauthtoken_invalid", "Request was rejected because of invalid AuthToken."
            )
        if state.faults:
            fault = state.faults.popleft()
            if fault.kind == "503":
                return _error(503, "service_unavailable", "Cliq is unavailable")
            headers = (
                {"Retry-After": f"{fault.retry_after:g}"} if fault.retry_after is not None else {}
            )
            if fault.kind == "429":
                return _error(429, "too_many_requests", "Too many requests", **headers)
            return _error(
                400,
                "request_limit_exceeded",
                "You have exceeded the URL throttle limits.",
                **headers,
            )
        request[WHO] = who
        return await handler(request)

    async def message_body(request: web.Request) -> dict[str, Any] | web.Response:
        body = await _json_object(request)
        if isinstance(body, web.Response):
            return body
        content = {k: v for k, v in body.items() if k not in TRANSPORT_KEYS}
        try:
            parse_reply(content)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            if first["type"] == "extra_forbidden":
                return _error(
                    400, "extra_key_found", f"'{where}' is an extra key in the JSON Object."
                )
            return _error(400, "input_pattern_mismatch", f"{where}: {first['msg']}")
        except ValueError as exc:
            return _error(400, "input_pattern_mismatch", str(exc))
        return body

    async def to_channel(request: web.Request) -> web.Response:
        body = await message_body(request)
        if isinstance(body, web.Response):
            return body
        unique = request.match_info["unique"]
        channel = state.channels.get(unique)
        if channel is None:
            return _error(404, "channel_not_exist", f"No channel named {unique}")
        bot = request.query.get("bot_unique_name")
        if bot and bot not in channel["bots"]:
            return _error(400, "bot_not_member", f"The bot {bot} is not a member of {unique}")
        message = state.record("channel", unique, body, bot or request[WHO])
        # Posted as the bot, Cliq gives no message ID even with sync_message.
        return web.Response(status=204) if bot else _posted(state, body, message)

    async def to_bot_subscribers(request: web.Request) -> web.Response:
        body = await message_body(request)
        if isinstance(body, web.Response):
            return body
        users = [u.strip() for u in str(body.get("userids", "")).split(",") if u.strip()]
        if not users and not body.get("broadcast"):
            return _error(400, "botmessage_no_valid_users", "No users to send the message to")
        sender = request.match_info["bot"]
        content = {k: v for k, v in body.items() if k not in TRANSPORT_KEYS}
        details = {
            user: state.record("user", user.casefold(), content, sender)
            for user in users or ["*subscribers*"]
        }
        if not body.get("sync_message") or not users:
            return web.Response(status=204)
        return web.json_response(
            {
                "user_ids": users,
                "message_details": {
                    user: {"chat_id": f"CT_{sender}_{user}", "message_id": state.message_id(m)}
                    for user, m in details.items()
                },
            }
        )

    async def to_buddy(request: web.Request) -> web.Response:
        body = await message_body(request)
        if isinstance(body, web.Response):
            return body
        message = state.record("user", request.match_info["who"].casefold(), body, request[WHO])
        return _posted(state, body, message)

    async def to_chat(request: web.Request) -> web.Response:
        body = await message_body(request)
        if isinstance(body, web.Response):
            return body
        message = state.record("chat", request.match_info["chat"], body, request[WHO])
        return _posted(state, body, message)

    async def to_response_url(request: web.Request) -> web.Response:
        body = await message_body(request)
        if isinstance(body, web.Response):
            return body
        state.record("response", request.match_info["token"], body, "bot")
        return web.Response(status=204)

    async def list_channels(request: web.Request) -> web.Response:
        return web.json_response({"channels": list(state.channels.values())})

    async def create_channel(request: web.Request) -> web.Response:
        body = await _json_object(request)
        if isinstance(body, web.Response):
            return body
        name = str(body.get("name", "")).strip()
        if (
            not name
            or len(name) > 50
            or body.get("level") not in ("organization", "team", "private", "external")
        ):
            return _error(400, "input_pattern_mismatch", "name (≤ 50) and level are required")
        unique = "".join(ch for ch in name.casefold() if ch.isalnum())
        if unique in state.channels:
            return _error(400, "channel_name_already_exists", f"{name} already exists")
        return web.json_response(state.add_channel(name))

    async def associate(request: web.Request) -> web.Response:
        body = await _json_object(request)
        if isinstance(body, web.Response):
            return body
        channel = state.channels.get(str(body.get("channel_unique_name", "")))
        if channel is None:
            return _error(404, "channel_not_exist", "No such channel")
        channel["bots"] = sorted(set(channel["bots"]) | {request.match_info["bot"]})
        return web.Response(status=204)

    async def messages(request: web.Request) -> web.Response:
        """Every recorded message, or those to one target (`?target_kind=channel&target=desk`)."""
        kind, target = request.query.get("target_kind"), request.query.get("target")
        found = [
            m
            for m in state.messages
            if (kind is None or m["target_kind"] == kind)
            and (target is None or m["target"] == target)
        ]
        return web.json_response({"messages": found})

    async def clear(request: web.Request) -> web.Response:
        state.messages.clear()
        return web.Response(status=204)

    async def faults(request: web.Request) -> web.Response:
        body = await _json_object(request)
        if isinstance(body, web.Response):
            return body
        try:
            retry_after = body.get("retry_after")
            state.fail(
                str(body.get("kind", "")),
                int(body.get("count", 1)),
                None if retry_after is None else float(retry_after),
            )
        except (TypeError, ValueError) as exc:
            return _error(400, "input_pattern_mismatch", str(exc))
        return web.json_response({"pending": len(state.faults)})

    async def clear_faults(request: web.Request) -> web.Response:
        state.faults.clear()
        return web.Response(status=204)

    app = web.Application(middlewares=[gate])
    app.router.add_post("/api/v2/channelsbyname/{unique}/message", to_channel)
    app.router.add_post("/api/v2/bots/{bot}/message", to_bot_subscribers)
    app.router.add_post("/api/v2/bots/{bot}/associate", associate)
    app.router.add_post("/api/v2/buddies/{who}/message", to_buddy)
    app.router.add_post("/api/v2/chats/{chat}/message", to_chat)
    app.router.add_get("/api/v2/channels", list_channels)
    app.router.add_post("/api/v2/channels", create_channel)
    app.router.add_post("/sandbox/response/{token}", to_response_url)
    app.router.add_get("/sandbox/messages", messages)
    app.router.add_delete("/sandbox/messages", clear)
    app.router.add_post("/sandbox/faults", faults)
    app.router.add_delete("/sandbox/faults", clear_faults)
    return app
