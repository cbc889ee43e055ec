"""The framework's aiohttp application: the Cliq endpoint, health, and JSON errors."""

from __future__ import annotations

from aiohttp import web

from bot.cliq.replays import MemoryReplays
from bot.cliq.verify import Verifier
from bot.dispatch import Bot
from bot.handlers import cliq, health
from bot.handlers.errors import errors_as_json
from bot.handlers.serving import LIMITS, EdgeLimits, quiet_protocol_errors


def make_web_app(
    bot: Bot, verifier: Verifier, *, limits: EdgeLimits | None = None
) -> web.Application:
    """An app serving `bot` at `POST /cliq`; add more routes and cleanup contexts to it.

    `limits` (timeouts in seconds, body size in bytes) apply to every route; serve the app with
    `bot.handlers.serving.start_server` for the header timeout and the connection cap. Signed
    calls are remembered in memory against replays unless `app[cliq.REPLAYS]` is replaced.
    """
    limits = limits or EdgeLimits()
    quiet_protocol_errors()
    app = web.Application(middlewares=[errors_as_json], client_max_size=limits.max_body_bytes)
    app[LIMITS] = limits
    app[cliq.BOT] = bot
    app[cliq.VERIFIER] = verifier
    app[cliq.REPLAYS] = MemoryReplays(bot.clock)
    app[cliq.DEADLINES] = cliq.DeadlineWatch()
    app[health.SANDBOX_URLS] = {}
    app[health.HEALTH_PARTS] = {}
    app[health.HEALTH_CHECKS] = {}
    app.add_routes(cliq.routes() + health.routes())
    return app
