"""The framework's aiohttp application: the Cliq endpoint, health, and JSON errors."""

from __future__ import annotations

from collections.abc import Iterable

from aiohttp import web

from bot.cliq.replays import MemoryReplays
from bot.cliq.verify import Verifier
from bot.dispatch import Bot
from bot.handlers import cliq, health
from bot.handlers.errors import EDGED, UNROUTED, edge, unrouted
from bot.handlers.serving import LIMITS, EdgeLimits, quiet_protocol_errors


def make_web_app(
    bot: Bot, verifier: Verifier, *, limits: EdgeLimits | None = None
) -> web.Application:
    """An app serving `bot` at `POST /cliq`; add more routes with `add_routes`, and cleanup
    contexts as usual.

    `limits` (timeouts in seconds, body size in bytes) apply to every route; serve the app with
    `bot.handlers.serving.start_server` for the header timeout and the connection cap. Signed
    calls are remembered in memory against replays unless `app[cliq.REPLAYS]` is replaced.
    Every route goes through the HTTP edge (`bot.handlers.errors.edge`: request ids, JSON
    errors); starting the app raises RuntimeError, naming the route, if one was added around
    it (with `app.add_routes` or `app.router` directly). What no route takes is 404 or 405 JSON.
    """
    limits = limits or EdgeLimits()
    quiet_protocol_errors()
    app = web.Application(client_max_size=limits.max_body_bytes)
    app[LIMITS] = limits
    app[cliq.BOT] = bot
    app[cliq.VERIFIER] = verifier
    app[cliq.REPLAYS] = MemoryReplays(bot.clock)
    app[cliq.DEADLINES] = cliq.DeadlineWatch()
    app[health.SANDBOX_URLS] = {}
    app[health.HEALTH_PARTS] = {}
    app[health.HEALTH_CHECKS] = {}
    add_routes(app, cliq.routes() + health.routes())
    app.on_startup.append(_close_routing)
    return app


def add_routes(app: web.Application, routes: Iterable[web.AbstractRouteDef]) -> None:
    """Add `routes` (`web.get(…)`, `web.post(…)`, a `web.RouteTableDef`) to `app`, each handler
    inside the HTTP edge (`edge`); static routes (`web.static`) are added as they are."""
    app.add_routes(
        web.RouteDef(route.method, route.path, edge(route.handler), route.kwargs)
        if isinstance(route, web.RouteDef)
        else route
        for route in routes
    )


async def _close_routing(app: web.Application) -> None:
    """At start-up, once every route is added: refuse one that bypasses the edge, and add the
    catch-all answering what no route takes (last, so it is tried last)."""
    if UNROUTED in app.router:  # (started before)
        return
    for resource in app.router.resources():
        if not isinstance(resource, web.PlainResource | web.DynamicResource):
            continue  # a sub-application (it has its own rules), static files
        for route in resource:
            if route.handler not in EDGED:
                raise RuntimeError(
                    f"{route.method} {resource.canonical} was added around the HTTP edge: add "
                    "routes with bot.handlers.web.add_routes (bot.framework.add_routes)"
                )
    app.router.add_route("*", "/{path:.*}", edge(unrouted), name=UNROUTED)
