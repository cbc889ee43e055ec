"""Every route of a framework app answers through the HTTP edge (request ids, JSON errors), with
no aiohttp middleware: added with `add_routes`, checked at start-up, and what no route takes is
404 or 405 in JSON whatever the path, method or nesting."""

from __future__ import annotations

import pytest
from aiohttp import web

from bot.clock import FrozenClock
from bot.framework import Bot, HmacVerifier, add_routes, make_web_app
from bot.handlers.errors import REQUEST_ID


def framework_app() -> web.Application:
    clock = FrozenClock()
    return make_web_app(Bot(clock=clock), HmacVerifier("s", clock))


async def json_answer(response, status: int) -> dict:  # type: ignore[no-untyped-def]
    assert response.status == status
    assert response.content_type == "application/json"
    assert response.headers["X-Request-Id"]
    return await response.json()  # type: ignore[no-any-return]


async def test_a_route_added_with_add_routes_gets_an_id_and_json_errors(aiohttp_client) -> None:  # type: ignore[no-untyped-def]
    app = framework_app()
    seen: list[str] = []

    async def fine(request: web.Request) -> web.Response:
        seen.append(request[REQUEST_ID])
        return web.json_response({"ok": True})

    async def broken(request: web.Request) -> web.Response:
        raise KeyError("a bug")

    async def refused(request: web.Request) -> web.Response:
        raise web.HTTPForbidden(text="not yours")

    async def moved(request: web.Request) -> web.Response:
        raise web.HTTPFound("/fine")

    routes = web.RouteTableDef()
    routes.get("/fine")(fine)
    routes.post("/broken/{n}")(broken)
    add_routes(app, routes)
    add_routes(app, [web.get("/refused", refused), web.get("/moved", moved)])
    client = await aiohttp_client(app)

    answer = await client.get("/fine")
    assert answer.status == 200 and answer.headers["X-Request-Id"] == seen[0]
    head = await client.head("/fine")  # (a GET route takes HEAD too, through the edge)
    assert head.status == 200 and head.headers["X-Request-Id"] == seen[1]
    body = await json_answer(await client.post("/broken/7"), 500)
    assert body["error"] == "internal_error" and body["reference"]
    body = await json_answer(await client.get("/refused"), 403)
    assert body == {"error": "forbidden", "reason": "not yours"}
    moved_answer = await client.get("/moved", allow_redirects=False)
    assert moved_answer.status == 302 and moved_answer.headers["Location"] == "/fine"


@pytest.mark.parametrize(
    ("method", "path", "status", "allow"),
    [
        ("GET", "/nowhere", 404, None),
        ("POST", "/", 404, None),
        ("DELETE", "/deep/er/than/any/route", 404, None),
        ("PUT", "/cliq/more", 404, None),
        ("GET", "/cliq", 405, {"POST"}),
        ("DELETE", "/cliq", 405, {"POST"}),
        ("POST", "/healthz", 405, {"GET", "HEAD"}),
        ("PATCH", "/things/12", 405, {"GET", "HEAD", "PUT"}),
    ],
)
async def test_what_no_route_takes_is_404_or_405_json(  # type: ignore[no-untyped-def]
    aiohttp_client, method: str, path: str, status: int, allow: set[str] | None
) -> None:
    app = framework_app()

    async def thing(request: web.Request) -> web.Response:
        return web.json_response({})

    add_routes(app, [web.get("/things/{n}", thing), web.put("/things/{n}", thing)])
    client = await aiohttp_client(app)
    response = await client.request(method, path)
    body = await json_answer(response, status)
    assert body["error"] == ("not_found" if status == 404 else "method_not_allowed")
    if allow is None:
        assert "Allow" not in response.headers
    else:
        assert set(response.headers["Allow"].split(",")) == allow


@pytest.mark.parametrize(
    "add",
    [
        lambda app, handler: app.router.add_get("/plain", handler),
        lambda app, handler: app.add_routes([web.post("/plain/{n}", handler)]),
        lambda app, handler: app.router.add_route("*", "/any", handler),
    ],
)
async def test_a_route_added_around_the_edge_stops_the_app_from_starting(add) -> None:  # type: ignore[no-untyped-def]
    app = framework_app()

    async def handler(request: web.Request) -> web.Response:
        return web.json_response({})

    add(app, handler)
    runner = web.AppRunner(app)
    with pytest.raises(RuntimeError, match="around the HTTP edge: add routes with"):
        await runner.setup()
    await runner.cleanup()


async def test_sub_applications_and_static_files_keep_their_own_rules(
    aiohttp_client, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    app = framework_app()
    (tmp_path / "a.txt").write_text("static")
    sub = web.Application()

    async def page(request: web.Request) -> web.Response:
        return web.Response(text="<p>page</p>", content_type="text/html")

    sub.router.add_get("/page", page)
    app.add_subapp("/sub", sub)
    add_routes(app, [web.static("/files", tmp_path)])
    client = await aiohttp_client(app)
    assert await (await client.get("/sub/page")).text() == "<p>page</p>"
    assert await (await client.get("/files/a.txt")).text() == "static"
    await json_answer(await client.get("/elsewhere"), 404)


async def test_an_app_started_again_is_routed_the_same(aiohttp_client) -> None:  # type: ignore[no-untyped-def]
    app = framework_app()
    first = web.AppRunner(app)
    await first.setup()
    await first.cleanup()
    client = await aiohttp_client(app)
    await json_answer(await client.get("/nowhere"), 404)
    await json_answer(await client.get("/cliq"), 405)
