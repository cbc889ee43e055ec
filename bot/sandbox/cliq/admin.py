"""The sandbox Cliq's admin API, for tests and demos (never part of Zoho's): the recorded
messages, faults, the switches for what the documents leave open, and a person opening the
bot's chat (which subscribes them to the bot)."""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any

from aiohttp import web

from bot.sandbox.cliq import spec
from bot.sandbox.cliq.state import CliqSandbox

MAX_WAIT = 30.0
"""The longest `GET /sandbox/messages?wait=` holds the answer, in seconds."""


async def json_object(request: web.Request) -> dict[str, Any]:
    """The request's JSON object, or a Refusal as Cliq words it."""
    try:
        body = await request.json()
    except ValueError:
        raise spec.Refusal(400, "invalid_json", "The body is not JSON") from None
    if not isinstance(body, dict):
        raise spec.Refusal(400, "invalid_json", "The body must be an object")
    return body


def add_admin_routes(app: web.Application, state: CliqSandbox) -> None:
    async def messages(request: web.Request) -> web.Response:
        """Every recorded message, or those to one target (`?target_kind=channel&target=desk`),
        or those whose body contains a text (`contains=On Hold`); with `wait=<seconds>` (at
        most 30), waits until at least one matches: a demo or a walk-through sees a post the
        moment it lands, without guessing how long to sleep."""
        query = request.query
        kind, target, contains = (
            query.get("target_kind"),
            query.get("target"),
            query.get("contains"),
        )
        try:
            wait = float(query.get("wait", "0"))
        except ValueError:
            wait = -1.0
        if not 0 <= wait <= MAX_WAIT:  # NaN too
            raise spec.mismatch(f"wait is a number of seconds from 0 to {MAX_WAIT:g}")

        def matching() -> list[dict[str, Any]]:
            return [
                m
                for m in state.messages
                if (kind is None or m["target_kind"] == kind)
                and (target is None or m["target"] == target)
                and (contains is None or contains in json.dumps(m["body"], ensure_ascii=False))
            ]

        deadline = asyncio.get_running_loop().time() + wait
        while True:
            state.recorded.clear()
            found = matching()
            left = deadline - asyncio.get_running_loop().time()
            if found or left <= 0:
                return web.json_response({"messages": found})
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(state.recorded.wait(), timeout=left)

    async def clear(request: web.Request) -> web.Response:
        state.messages.clear()
        return web.Response(status=204)

    async def faults(request: web.Request) -> web.Response:
        body = await json_object(request)
        try:
            retry_after = body.get("retry_after")
            state.fail(
                str(body.get("kind", "")),
                int(body.get("count", 1)),
                None if retry_after is None else float(retry_after),
            )
        except (TypeError, ValueError) as exc:
            raise spec.mismatch(str(exc)) from None
        return web.json_response({"pending": len(state.faults)})

    async def clear_faults(request: web.Request) -> web.Response:
        state.faults.clear()
        return web.Response(status=204)

    async def switches(request: web.Request) -> web.Response:
        """`{"dm_subscribers_only": bool, "repeat_associate": "error"|"ok"}`, either or both."""
        body = await json_object(request)
        spec.check_keys(
            body, frozenset({"dm_subscribers_only", "repeat_associate", "posting_limit"})
        )
        if "posting_limit" in body:
            if not isinstance(body["posting_limit"], bool):
                raise spec.mismatch("posting_limit is true or false")
            state.switches.posting_limit = body["posting_limit"]
        if "dm_subscribers_only" in body:
            if not isinstance(body["dm_subscribers_only"], bool):
                raise spec.mismatch("dm_subscribers_only is true or false")
            state.switches.dm_subscribers_only = body["dm_subscribers_only"]
        if "repeat_associate" in body:
            if body["repeat_associate"] not in ("error", "ok"):
                raise spec.mismatch("repeat_associate is error or ok")
            state.switches.repeat_associate = body["repeat_associate"]
        return web.json_response(vars(state.switches))

    async def open_bot_chat(request: web.Request) -> web.Response:
        """`{"user": e-mail}`: that user opens the bot's chat and so subscribes to the bot."""
        body = await json_object(request)
        user = str(body.get("user", "")).strip()
        if "@" not in user:
            raise spec.mismatch("user is an e-mail address")
        return web.json_response(state.open_bot_chat(request.match_info["bot"], user))

    app.router.add_get("/sandbox/messages", messages)
    app.router.add_delete("/sandbox/messages", clear)
    app.router.add_post("/sandbox/faults", faults)
    app.router.add_delete("/sandbox/faults", clear_faults)
    app.router.add_post("/sandbox/switches", switches)
    app.router.add_post("/sandbox/bots/{bot}/chat", open_bot_chat)
