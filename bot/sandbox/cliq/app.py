"""The sandbox Cliq's HTTP face: the v2 posting, channel and message-listing calls Deskbot makes,
held to Zoho's documents (`spec.py`), plus a `/sandbox/…` admin API for tests and demos."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler

from bot.sandbox.cliq import spec
from bot.sandbox.cliq.admin import add_admin_routes, json_object
from bot.sandbox.cliq.replies import check_reply
from bot.sandbox.cliq.spec import Refusal
from bot.sandbox.cliq.state import CliqSandbox

WHO = web.RequestKey("who", str)


def _error(status: int, code: str, message: str, **headers: str) -> web.Response:
    return web.json_response({"code": code, "message": message}, status=status, headers=headers)


def _refused(refusal: Refusal) -> web.Response:
    return _error(refusal.status, refusal.code, refusal.message)


def _synced(state: CliqSandbox, body: dict[str, Any], message: dict[str, Any]) -> web.Response:
    """204, or with `sync_message` the new message's ID (messages.yml)."""
    if not body.get("sync_message"):
        return web.Response(status=204)
    return web.json_response({"message_id": state.message_id(message)})


def _post_allowed(state: CliqSandbox, endpoint: str, who: str) -> web.Response | None:
    """None, or the throttle answer once `who` made 50 posts a minute to `endpoint`."""
    if not state.switches.posting_limit:
        return None
    wait = state.throttled(endpoint, who, spec.POSTS_PER_MINUTE, spec.POSTS_LOCK_SECONDS)
    return None if wait is None else _throttled(wait)


def create_cliq_app(state: CliqSandbox) -> web.Application:
    @web.middleware
    async def gate(request: web.Request, handler: Handler) -> web.StreamResponse:
        if not request.path.startswith("/api/"):
            try:
                return await handler(request)
            except Refusal as refusal:
                return _refused(refusal)
        header = request.headers.get("Authorization", "")
        who = state.identity(header.removeprefix("Zoho-oauthtoken ").strip()) if header else None
        if who is None:
            return _error(
                401, "oauthtoken_invalid", "Request was rejected because of invalid AuthToken."
            )
        fault = state.faults.popleft() if state.faults else None
        if fault is not None and fault.kind not in ("lost", "drop", "stall"):
            return _fault(fault)
        request[WHO] = who.casefold()
        try:
            response = await handler(request)
        except Refusal as refusal:
            return _refused(refusal)
        if fault is None or response.status >= 300:
            return response
        if fault.kind == "drop" and request.transport is not None:
            request.transport.close()  # accepted, then the connection goes before any answer
        if fault.kind == "stall":  # accepted, then no answer until released (a read timeout)
            await state.stalled.wait()
        return _error(504, "gateway_timeout", "The request timed out upstream")

    async def to_channel(request: web.Request) -> web.Response:
        body = await json_object(request)
        spec.check_post("channel", body, request.query)
        if (throttled := _post_allowed(state, "post:channel", request[WHO])) is not None:
            return throttled
        unique = request.match_info["unique"]
        channel = state.channels.get(unique)
        if channel is None:
            raise Refusal(404, "channel_not_exist", f"No channel named {unique}")
        bot = request.query.get("bot_unique_name")
        chat = state.chats[channel["chat_id"]]
        if bot:
            if not state.bot_in(bot, unique):
                raise Refusal(400, "bot_not_member", f"The bot {bot} is not a member of {unique}")
        elif request[WHO] not in chat.members:
            raise Refusal(403, "channel_member_not_found", f"You are not a member of {unique}")
        message = state.record("channel", unique, body, bot or request[WHO], chat_id=chat.id)
        # Posted as the bot, Cliq gives no message ID even with sync_message (messages.yml).
        return web.Response(status=204) if bot else _synced(state, body, message)

    async def to_bot_subscribers(request: web.Request) -> web.Response:
        body = await json_object(request)
        spec.check_post("bot", body, request.query)
        if (throttled := _post_allowed(state, "post:bot", request[WHO])) is not None:
            return throttled
        bot = request.match_info["bot"]
        users = [u.strip() for u in str(body.get("userids", "")).split(",") if u.strip()]
        if not users and not body.get("broadcast"):
            raise Refusal(400, "botmessage_no_valid_users", "No users to send the message to")
        content = {k: v for k, v in body.items() if k in spec.CONTENT_KEYS}
        if not users:
            state.record("user", "*subscribers*", content, bot)
            return web.Response(status=204)
        if state.switches.dm_subscribers_only:
            users = [u for u in users if state.subscribed(bot, u)]
            if not users:
                raise Refusal(
                    400, "botmessage_no_valid_users", "None of the users subscribe to the bot"
                )
        details = {}
        for user in users:
            chat = state.open_chat_for(bot, user)
            details[user] = (
                chat,
                state.record("user", user.casefold(), content, bot, chat_id=chat),
            )
        if not body.get("sync_message"):
            return web.Response(status=204)
        return web.json_response(
            {
                "user_ids": users,
                "message_details": {
                    user: {"chat_id": chat, "message_id": state.message_id(m)}
                    for user, (chat, m) in details.items()
                },
            }
        )

    async def to_buddy(request: web.Request) -> web.Response:
        body = await json_object(request)
        spec.check_post("buddy", body, request.query)
        if (throttled := _post_allowed(state, "post:buddy", request[WHO])) is not None:
            return throttled
        message = state.record("user", request.match_info["who"].casefold(), body, request[WHO])
        return _synced(state, body, message)

    async def to_chat(request: web.Request) -> web.Response:
        """As the token's user, and only into a chat that user is in (there is no bot
        parameter on this call, messages.yml)."""
        body = await json_object(request)
        spec.check_post("chat", body, request.query)
        if (throttled := _post_allowed(state, "post:chat", request[WHO])) is not None:
            return throttled
        chat = state.chats.get(request.match_info["chat"])
        if chat is None:
            raise Refusal(404, "chat_not_exist", "No such chat")
        if request[WHO] not in chat.members:
            raise Refusal(403, "chat_access_denied", "You are not a participant of this chat")
        message = state.record("chat", chat.id, body, request[WHO], chat_id=chat.id)
        return _synced(state, body, message)

    async def chat_messages(request: web.Request) -> web.Response:
        """Recent messages of a chat the token's user is in: `fromtime`, `totime` (epoch ms),
        `limit` ≤ 100 (messages.yml `GET /chats/{CHAT_ID}/messages`)."""
        spec.check_query(request.query, spec.MESSAGES_QUERY)
        wait = state.throttled(
            "messages", request[WHO], spec.MESSAGES_PER_MINUTE, spec.MESSAGES_LOCK_SECONDS
        )
        if wait is not None:
            return _throttled(wait)
        chat = state.chats.get(request.match_info["chat"])
        if chat is None:
            raise Refusal(404, "chat_not_exist", "No such chat")
        if request[WHO] not in chat.members:
            raise Refusal(403, "chat_access_denied", "You are not a participant of this chat")
        try:
            since = int(request.query.get("fromtime", "0"))
            until = int(request.query.get("totime", str(2**62)))
            limit = int(request.query.get("limit", str(spec.MESSAGES_LIMIT)))
        except ValueError:
            raise spec.mismatch("fromtime, totime and limit are numbers") from None
        if not 1 <= limit <= spec.MESSAGES_LIMIT:
            raise spec.mismatch(f"limit is at most {spec.MESSAGES_LIMIT}")
        found = [m for m in state.in_chat(chat.id) if since <= m["time"] <= until][-limit:]
        data = [
            {
                "sender": {"senderName": m["sender"], "senderID": m["sender"]},
                "id": state.message_id(m),
                "time": m["time"],
                "type": "text",
                "content": m["body"].get("text", ""),
            }
            for m in found
        ]
        return web.json_response({"data": data})

    async def to_response_url(request: web.Request) -> web.Response:
        body = await json_object(request)
        check_reply(body)
        state.record("response", request.match_info["token"], body, "bot")
        return web.Response(status=204)

    async def list_channels(request: web.Request) -> web.Response:
        """Pages of at most `limit` (≤ 100) channels, then `next_token` (channels.yml)."""
        spec.check_query(request.query, spec.CHANNEL_LIST_QUERY)
        try:
            limit = int(request.query.get("limit", "50"))
            start = int(request.query.get("next_token", "0") or "0")
        except ValueError:
            raise spec.mismatch(
                "limit is a number; next_token comes from a previous page"
            ) from None
        if not 1 <= limit <= spec.CHANNEL_LIST_LIMIT:
            raise spec.mismatch(f"limit: the maximum limit is {spec.CHANNEL_LIST_LIMIT}")
        every = list(state.channels.values())
        page = every[start : start + limit]
        answer: dict[str, Any] = {"channels": page, "has_more": start + limit < len(every)}
        if answer["has_more"]:
            answer["next_token"] = str(start + limit)
        return web.json_response(answer)

    async def create_channel(request: web.Request) -> web.Response:
        body = await json_object(request)
        spec.check_query(request.query, frozenset())
        spec.check_keys(body, spec.CHANNEL_CREATE_KEYS)
        name = str(body.get("name", "")).strip()
        if not name or len(name) > spec.CHANNEL_NAME_MAX:
            raise spec.mismatch(f"name is mandatory, at most {spec.CHANNEL_NAME_MAX} characters")
        if body.get("level") not in spec.CHANNEL_LEVELS:
            raise spec.mismatch(f"level is mandatory, one of {sorted(spec.CHANNEL_LEVELS)}")
        unique = "".join(ch for ch in name.casefold() if ch.isalnum())
        if unique in state.channels:
            raise Refusal(400, "channel_name_already_exists", f"{name} already exists")
        created = state.add_channel(
            name,
            creator=request[WHO],
            level=body["level"],
            description=str(body.get("description", "")),
        )
        return web.json_response(created)

    async def associate(request: web.Request) -> web.Response:
        """Add a bot to a channel: 5 calls a minute, then locked for 5 minutes (channels.yml)."""
        body = await json_object(request)
        spec.check_query(request.query, frozenset())
        spec.check_keys(body, spec.ASSOCIATE_KEYS)
        wait = state.throttled(
            "associate", request[WHO], spec.ASSOCIATE_PER_MINUTE, spec.ASSOCIATE_LOCK_SECONDS
        )
        if wait is not None:
            return _throttled(wait)
        unique = str(body.get("channel_unique_name", ""))
        bot = request.match_info["bot"]
        if unique not in state.channels:
            raise Refusal(404, "channel_not_exist", "No such channel")
        state.associations.append((bot, unique))
        if state.bot_in(bot, unique) and state.switches.repeat_associate == "error":
            raise Refusal(
                400, "bot_already_member", f"The bot {bot} is already a member of {unique}"
            )
        state.channel_bots[unique].add(bot)
        return web.Response(status=204)

    app = web.Application(middlewares=[gate])
    app.router.add_post("/api/v2/channelsbyname/{unique}/message", to_channel)
    app.router.add_post("/api/v2/bots/{bot}/message", to_bot_subscribers)
    app.router.add_post("/api/v2/bots/{bot}/associate", associate)
    app.router.add_post("/api/v2/buddies/{who}/message", to_buddy)
    app.router.add_post("/api/v2/chats/{chat}/message", to_chat)
    app.router.add_get("/api/v2/chats/{chat}/messages", chat_messages)
    app.router.add_get("/api/v2/channels", list_channels)
    app.router.add_post("/api/v2/channels", create_channel)
    app.router.add_post("/sandbox/response/{token}", to_response_url)
    add_admin_routes(app, state)
    return app


def _throttled(wait: float) -> web.Response:
    """Cliq's throttle answer, as seen live (reference/cliq.md §5.6), with the lock's end."""
    return _error(
        400,
        "request_limit_exceeded",
        "You have exceeded the URL throttle limits.",
        **{"Retry-After": f"{wait:g}"},
    )


def _fault(fault: Any) -> web.Response:
    if fault.kind == "503":
        return _error(503, "service_unavailable", "Cliq is unavailable")
    if fault.kind == "504":
        return _error(504, "gateway_timeout", "The request timed out upstream")
    headers = {"Retry-After": f"{fault.retry_after:g}"} if fault.retry_after is not None else {}
    if fault.kind == "429":
        return _error(429, "too_many_requests", "Too many requests", **headers)
    return _error(
        400, "request_limit_exceeded", "You have exceeded the URL throttle limits.", **headers
    )
