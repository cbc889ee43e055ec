"""`POST /cliq`: verify, parse and dispatch one Cliq handler call; answer `{"output": …}`."""

from __future__ import annotations

import asyncio

from aiohttp import web

from bot import answers
from bot.cliq.envelope import Envelope, EnvelopeError, parse_envelope
from bot.cliq.verify import VerificationError, Verifier
from bot.dispatch import EMPTY, NO_SUGGESTIONS, Bot
from bot.handlers.errors import REQUEST_ID, json_error

BOT = web.AppKey("bot", Bot)
VERIFIER = web.AppKey("verifier", Verifier)  # type: ignore[type-abstract]


async def handle_cliq(request: web.Request) -> web.StreamResponse:
    body = await request.read()  # the app's client_max_size answers 413 above the limit
    try:
        request.app[VERIFIER].verify(request.headers, body)
    except VerificationError as exc:
        return json_error(401, "unauthorized", str(exc))
    try:
        envelope = parse_envelope(body)
    except EnvelopeError as exc:
        return json_error(400, "bad_request", str(exc))
    bot = request.app[BOT]
    overrun = _Overrun(request, _working_answer(envelope))
    timer = asyncio.get_running_loop().call_later(bot.deadline, overrun.answer_working)
    try:
        output = await bot.dispatch(envelope, request[REQUEST_ID])
    finally:
        timer.cancel()
    if overrun.sending is None:
        return _output_response(output)
    response = await overrun.sending
    await bot.deliver_late(envelope, output)
    return response


class _Overrun:
    """Past the deadline Cliq gets "working on it" at once; the listener goes on undisturbed.

    The listener runs in the request's own task, so calls that finish in time (nearly all) cost
    no extra task; only an overrun spawns one, to write the banner while the listener works.
    """

    def __init__(self, request: web.Request, working: bytes) -> None:
        self.request = request
        self.working = working
        self.sending: asyncio.Task[web.StreamResponse] | None = None

    def answer_working(self) -> None:
        self.sending = asyncio.ensure_future(self._send())

    async def _send(self) -> web.StreamResponse:
        response = _output_response(self.working)
        response.headers["X-Request-Id"] = self.request[REQUEST_ID]
        await response.prepare(self.request)
        await response.write_eof()
        return response


def _working_answer(envelope: Envelope) -> bytes:
    """ "Working on it" only where Cliq shows banners (cliq-banner.html); elsewhere an empty
    answer of the handler's kind (a list for a suggestion handler)."""
    if envelope.shows_banners:
        return answers.working().to_json()
    if envelope.type == "command" and envelope.handler.type == "suggestion_handler":
        return NO_SUGGESTIONS
    return EMPTY


def _output_response(output: bytes) -> web.Response:
    return web.Response(body=b'{"output":' + output + b"}", content_type="application/json")


def routes() -> list[web.RouteDef]:
    return [web.post("/cliq", handle_cliq)]
