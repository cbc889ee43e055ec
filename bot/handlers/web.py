"""The framework's aiohttp application: the Cliq endpoint, health, and JSON errors."""

from __future__ import annotations

from collections.abc import Iterable

from aiohttp import web
from yarl import URL

from bot.cliq.replays import MemoryReplays
from bot.cliq.verify import Verifier
from bot.dispatch import Bot
from bot.handlers import cliq, health
from bot.handlers.errors import (
    EDGED,
    UNROUTED,
    as_json,
    edge,
    edge_middleware,
    unrouted,
)
from bot.handlers.serving import (
    EXPRESS,
    LIMITS,
    EdgeLimits,
    expect_judged,
    quiet_protocol_errors,
)
from bot.router import check_answered

VERIFIER_PARTS = ("check_headers", "verify", "handles")
"""What `make_web_app` needs of its verifier (`bot.cliq.verify.Verifier`)."""


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
    it (with `app.add_routes` or `app.router` directly), or a sub-application mounted around it
    (mount them with `add_subapp`). Raises TypeError for a `bot` that is no Bot or a `verifier`
    that is no Verifier (a bare secret, say), and ListenerError for a suggestion or dynamic
    select listener nothing else answers (`bot.router.check_answered`). What no route takes is
    404 or 405 JSON, whatever the request target (`OPTIONS *` too), refused before `100
    Continue` invites a body.
    """
    if not isinstance(bot, Bot):
        raise TypeError(f"make_web_app's first argument is the Bot, got {type(bot).__name__}")
    if not all(callable(getattr(verifier, part, None)) for part in VERIFIER_PARTS):
        raise TypeError(
            "make_web_app's verifier checks who signed each call, e.g. "
            f"HmacVerifier(secret, bot.clock) for the Deluge shims; got {type(verifier).__name__}"
        )
    check_answered(bot.router)
    limits = limits or EdgeLimits()
    quiet_protocol_errors()
    app = web.Application(client_max_size=limits.max_body_bytes)
    app[LIMITS] = limits
    app[cliq.BOT] = bot
    app[cliq.VERIFIER] = verifier
    app[cliq.REPLAYS] = MemoryReplays(bot.clock)
    app[cliq.DEADLINES] = cliq.DeadlineWatch()
    app[cliq.REFUSALS] = cliq.Refusals(bot.clock)
    app[health.SANDBOX_URLS] = {}
    app[health.HEALTH_PARTS] = {}
    app[health.HEALTH_CHECKS] = {}
    endpoint = cliq.CliqEndpoint()
    app[EXPRESS] = add_routes(app, cliq.routes(endpoint))  # (served before the router)
    add_routes(app, health.routes())
    app.router.register_resource(_Unrouted())
    app.on_startup.append(endpoint.bind)  # (after the cleanup contexts: their parts are set)
    app.on_startup.append(_close_routing)
    return app


def add_routes(
    app: web.Application, routes: Iterable[web.AbstractRouteDef]
) -> list[web.AbstractRoute]:
    """Add `routes` (`web.get(…)`, `web.post(…)`, `web.view(…)`, a `web.RouteTableDef`) to
    `app`, each handler inside the HTTP edge (`edge`); return the routes added (a `web.get`
    adds two: GET and HEAD). Static files (`web.static(prefix, path)`) are served by a
    sub-application of their own at `prefix`, inside the edge too (an `X-Request-Id`; a path
    outside the folder or a folder is 404 or 403 JSON; a missing file is aiohttp's empty 404).
    Raises TypeError for one route not in a list, ValueError for a method and path the app
    already answers (`/cliq`'s POST, say)."""
    if isinstance(routes, web.AbstractRouteDef):
        raise TypeError("add_routes takes a list of routes: add_routes(app, [web.get(path, h)])")
    added: list[web.AbstractRoute] = []
    for route in routes:
        if isinstance(route, web.RouteDef):
            _refuse_taken(app, route)
            edged = web.RouteDef(route.method, route.path, edge(route.handler), route.kwargs)
            added += edged.register(app.router)
        elif isinstance(route, web.StaticDef):
            files = web.Application()
            files.router.add_static("/", route.path, **route.kwargs)
            add_subapp(app, route.prefix, files)
        else:
            raise TypeError(f"{route!r} is neither a route nor static files")
    return added


def _refuse_taken(app: web.Application, route: web.RouteDef) -> None:
    """Raise ValueError if `app` already answers `route`'s method on its path (the first
    would answer every request, the new handler never)."""
    for resource in app.router.resources():
        if resource.canonical != route.path or resource.name == UNROUTED:
            continue  # (the catch-all answers only what no route takes)
        if isinstance(resource, web.PrefixedSubAppResource):
            continue  # (a sub-application's own routes are its own)
        for taken in resource:
            if taken.method in (route.method, "*") or route.method == "*":
                raise ValueError(
                    f"{route.method} {route.path} is already answered, by "
                    f"{getattr(taken.handler, '__qualname__', taken.handler)} (make_web_app's "
                    "own are POST /cliq and GET /healthz): give the route another path"
                )


def add_subapp(app: web.Application, prefix: str, subapp: web.Application) -> None:
    """Mount `subapp` at `prefix` in `app` with the HTTP edge first among its middlewares
    (`edge_middleware`: request ids, `BUSY`, JSON for what its own middlewares let through).
    Its own middlewares keep answering its errors their way (the console's are pages). A
    framework app (`make_web_app`'s) is mounted as it is: its routes are inside the edge."""
    if not _edged(subapp):
        subapp.middlewares.insert(0, edge_middleware)
    app.add_subapp(prefix, subapp)


def _edged(app: web.Application) -> bool:
    """Whether every answer of `app` goes through the edge: a framework app, or one mounted with
    `add_subapp`."""
    return UNROUTED in app.router or list(app.middlewares[:1]) == [edge_middleware]


async def _close_routing(app: web.Application) -> None:
    """At start-up, once every route is added: refuse a route or sub-application that bypasses
    the edge, and put the catch-all answering what no route takes last among the resources
    tried for its path, so it is tried last. (Also when `app` is itself mounted in another:
    its routes are final then.)"""
    for resource in app.router.resources():
        if isinstance(resource, web.PrefixedSubAppResource):  # (and those matched by domain)
            if not _edged(resource.get_info()["app"]):
                raise RuntimeError(
                    f"the sub-application at {resource.canonical or '/'} was mounted around the "
                    "HTTP edge: mount it with bot.handlers.web.add_subapp (bot.framework.add_subapp)"
                )
            continue
        if isinstance(resource, web.StaticResource):
            raise RuntimeError(
                f"the static files at {resource.canonical} were added around the HTTP edge: add "
                "them with bot.handlers.web.add_routes (bot.framework.add_routes)"
            )
        around = [route.method for route in resource if route.handler not in EDGED]
        if around:  # all of them: `app.router.add_get` adds HEAD before the GET it was asked for
            raise RuntimeError(
                f"{' and '.join(sorted(set(around)))} {resource.canonical} added around the HTTP "
                "edge (with app.router or app.add_routes): add routes with "
                "bot.framework.add_routes(app, [web.get(path, handler), ...]) instead"
            )
    catch_all = app.router[UNROUTED]
    app.router.unindex_resource(catch_all)  # (aiohttp's own way to move a resource)
    app.router.index_resource(catch_all)


async def _refuse_unrouted(request: web.Request) -> web.StreamResponse:
    try:
        return await unrouted(request)
    except web.HTTPException as exc:
        return as_json(exc)


class _Unrouted(web.AbstractResource):
    """The catch-all resource, tried after every other (indexed under `/`, or the prefix the app
    is mounted at, and moved last there at start-up): it takes any method and any path, including
    a request target no path pattern matches (`OPTIONS *`). `Expect: 100-continue` is refused at
    once (404 or 405, closing) rather than inviting a body no route reads."""

    def __init__(self) -> None:
        super().__init__(name=UNROUTED)
        self._prefix = ""
        self._route = web.ResourceRoute(
            "*", edge(unrouted), self, expect_handler=expect_judged(_refuse_unrouted)
        )

    @property
    def canonical(self) -> str:
        return self._prefix or "/"

    def url_for(self, **kwargs: str) -> URL:
        return URL.build(path=self.canonical)

    async def resolve(self, request: web.Request) -> tuple[web.UrlMappingMatchInfo, set[str]]:
        return web.UrlMappingMatchInfo({}, self._route), {"*"}

    def add_prefix(self, prefix: str) -> None:
        """(The app is mounted at `prefix` in another: its router is only asked about paths
        under `prefix`.)"""
        self._prefix = prefix + self._prefix

    def get_info(self) -> dict[str, object]:  # type: ignore[override]
        return {}

    def raw_match(self, path: str) -> bool:
        return path.startswith(self._prefix)

    def __len__(self) -> int:
        return 1

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter([self._route])
