"""`POST /cliq`: verify, parse and dispatch one Cliq handler call; answer `{"output": …}`."""

from __future__ import annotations

from aiohttp import web

from bot.cliq.envelope import EnvelopeError, parse_envelope
from bot.cliq.verify import VerificationError, Verifier
from bot.dispatch import Bot
from bot.handlers.errors import REQUEST_ID, json_error

BOT = web.AppKey("bot", Bot)
VERIFIER = web.AppKey("verifier", Verifier)  # type: ignore[type-abstract]


async def handle_cliq(request: web.Request) -> web.Response:
    body = await request.read()  # the app's client_max_size answers 413 above the limit
    try:
        request.app[VERIFIER].verify(request.headers, body)
    except VerificationError as exc:
        return json_error(401, "unauthorized", str(exc))
    try:
        envelope = parse_envelope(body)
    except EnvelopeError as exc:
        return json_error(400, "bad_request", str(exc))
    output = await request.app[BOT].dispatch(envelope, request[REQUEST_ID])
    return web.json_response({"output": output})


def routes() -> list[web.RouteDef]:
    return [web.post("/cliq", handle_cliq)]
