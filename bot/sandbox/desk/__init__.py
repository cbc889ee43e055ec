"""The sandbox Zoho Desk: seeded data, Desk's API shapes, signed webhooks and an admin API."""

from __future__ import annotations

from collections.abc import AsyncIterator

from aiohttp import web

from bot.clock import MovableClock
from bot.sandbox.desk import admin, api, tickets_api
from bot.sandbox.desk.state import DeskSandbox
from bot.sandbox.world_clock import Followers, clock_routes


def create_desk_app(sandbox: DeskSandbox) -> web.Application:
    async def jwks(request: web.Request) -> web.Response:
        return web.json_response(sandbox.deliverer.signer.jwks())

    async def close(app: web.Application) -> AsyncIterator[None]:
        yield
        await sandbox.deliverer.close()

    app = web.Application(middlewares=[api.desk_rules])
    app[api.STATE] = sandbox
    app.add_routes(
        [
            *api.routes(),
            *tickets_api.routes(),
            *admin.routes(),
            web.get("/.well-known/jwks.json", jwks),
        ]
    )
    if isinstance(sandbox.clock, MovableClock):
        followers = Followers(sandbox.clock)
        app.add_routes(clock_routes(sandbox.clock, followers))
        app.on_shutdown.append(followers.stop)  # its long polls end at once

    async def release_stalled(app: web.Application) -> None:
        sandbox.stalled.set()  # before the server waits for its handlers to finish

    app.on_shutdown.append(release_stalled)
    app.cleanup_ctx.append(close)
    return app


__all__ = ["DeskSandbox", "create_desk_app"]
