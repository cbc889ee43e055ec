"""The framework's aiohttp application: the Cliq endpoint, health, and JSON errors."""

from __future__ import annotations

from aiohttp import web

from bot.cliq.verify import Verifier
from bot.dispatch import Bot
from bot.handlers import cliq, health
from bot.handlers.errors import errors_as_json


def make_web_app(
    bot: Bot, verifier: Verifier, *, max_body_bytes: int = 1024 * 1024
) -> web.Application:
    """An app serving `bot` at `POST /cliq`; add more routes and cleanup contexts to it."""
    app = web.Application(middlewares=[errors_as_json], client_max_size=max_body_bytes)
    app[cliq.BOT] = bot
    app[cliq.VERIFIER] = verifier
    app[health.SANDBOX_URLS] = {}
    app[health.HEALTH_PARTS] = {}
    app.add_routes(cliq.routes() + health.routes())
    return app
