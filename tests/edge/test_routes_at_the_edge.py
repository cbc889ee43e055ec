"""Every route of a framework app answers through the HTTP edge (request ids, JSON errors), with
no aiohttp middleware: added with `add_routes`, checked at start-up, and what no route takes is
404 or 405 in JSON whatever the path, method or nesting."""

from __future__ import annotations

import asyncio
import gc
import json
import re
import weakref

import pytest
from aiohttp import web

from bot.clock import FrozenClock
from bot.framework import Bot, HmacVerifier, add_routes, make_web_app
from bot.handlers.errors import BUSY, REQUEST_ID
from bot.handlers.web import add_subapp


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

    async def forgot(request: web.Request) -> web.Response:
        return None  # type: ignore[return-value]

    async def wrong(request: web.Request) -> web.Response:
        return {"ok": True}  # type: ignore[return-value]

    def plain(request: web.Request) -> web.Response:  # (aiohttp takes plain functions too)
        return web.json_response({"plain": True})

    class Things(web.View):
        async def get(self) -> web.Response:
            return web.json_response({"view": True})

    routes = web.RouteTableDef()
    routes.get("/fine")(fine)
    routes.post("/broken/{n}")(broken)
    add_routes(app, routes)
    add_routes(app, [web.get("/refused", refused), web.get("/moved", moved)])
    add_routes(app, [web.get("/forgot", forgot), web.post("/wrong", wrong)])
    add_routes(app, [web.get("/plain", plain), web.view("/things", Things)])
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
    assert moved_answer.headers["X-Request-Id"]  # (a redirect carries its id too)
    for path, said in (("/plain", {"plain": True}), ("/things", {"view": True})):
        answer = await client.get(path)
        assert await answer.json() == said and answer.headers["X-Request-Id"]
    await json_answer(await client.delete("/things"), 405)
    for no_response in (await client.get("/forgot"), await client.post("/wrong")):
        body = await json_answer(no_response, 500)  # a handler that returned no response
        assert body["reference"] == no_response.headers["X-Request-Id"]


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
        assert body["reason"] == f"nothing is answered at {path.partition('?')[0]}"
    else:
        assert set(response.headers["Allow"].split(",")) == allow
        takes = ", ".join(sorted(allow))
        assert body["reason"] == f"{method} is not answered at {path}, which takes {takes}"


ADD_ROUTES = re.escape("add routes with bot.framework.add_routes(app, [web.get(path, handler)")


@pytest.mark.parametrize(
    ("add", "named"),
    [  # every method the route answers, as asked (aiohttp adds a GET's HEAD first)
        (lambda app, handler: app.router.add_get("/plain", handler), "^GET and HEAD /plain "),
        (
            lambda app, handler: app.add_routes([web.post("/plain/{n}", handler)]),
            re.escape("POST /plain/{n} "),
        ),
        (lambda app, handler: app.router.add_route("*", "/any", handler), re.escape("* /any ")),
        (lambda app, handler: app.router.add_static("/files", "."), "the static files at /files"),
    ],
)
async def test_a_route_added_around_the_edge_stops_the_app_from_starting(add, named) -> None:  # type: ignore[no-untyped-def]
    app = framework_app()

    async def handler(request: web.Request) -> web.Response:
        return web.json_response({})

    add(app, handler)
    runner = web.AppRunner(app)
    with pytest.raises(RuntimeError, match=named) as raised:
        await runner.setup()
    assert re.search(ADD_ROUTES, str(raised.value)) or "add them with" in str(raised.value)
    await runner.cleanup()


async def test_sub_applications_and_static_files_answer_through_the_edge(
    aiohttp_client, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    """A sub-application mounted with add_subapp: its answers carry ids, its connection is busy
    meanwhile, its own middlewares answer its errors their way, and what they let through is
    JSON; static files are served by a sub-application of their own."""
    app = framework_app()
    (tmp_path / "a.txt").write_text("static")
    busy: list[bool] = []

    async def page(request: web.Request) -> web.Response:
        busy.append(request.protocol in BUSY and bool(request[REQUEST_ID]))
        return web.Response(text="<p>page</p>", content_type="text/html")

    async def away(request: web.Request) -> web.Response:
        raise web.HTTPFound("/sub/page")

    @web.middleware
    async def as_pages(request: web.Request, handler):  # type: ignore[no-untyped-def]
        try:
            return await handler(request)
        except web.HTTPNotFound:
            return web.Response(text="<p>no page</p>", content_type="text/html", status=404)

    plain, paged = web.Application(), web.Application(middlewares=[as_pages])
    for sub in (plain, paged):
        sub.router.add_get("/page", page)
        sub.router.add_get("/away", away)
    add_subapp(app, "/sub", plain)
    add_subapp(app, "/paged", paged)
    add_routes(app, [web.static("/files", tmp_path)])
    client = await aiohttp_client(app)
    for prefix in ("/sub", "/paged"):
        answer = await client.get(f"{prefix}/page")
        assert await answer.text() == "<p>page</p>" and answer.headers["X-Request-Id"]
        away_answer = await client.get(f"{prefix}/away", allow_redirects=False)
        assert away_answer.status == 302 and away_answer.headers["X-Request-Id"]
    assert busy == [True, True]
    await json_answer(await client.get("/sub/missing"), 404)  # (no middleware of its own)
    await json_answer(await client.post("/sub/page"), 405)
    await json_answer(await client.get("/sub"), 404)
    missing = await client.get("/paged/missing")
    assert missing.status == 404 and await missing.text() == "<p>no page</p>"
    assert missing.headers["X-Request-Id"]
    served = await client.get("/files/a.txt")
    assert await served.text() == "static" and served.headers["X-Request-Id"]
    (tmp_path / "folder").mkdir()
    await json_answer(await client.get("/files/folder"), 403)
    await json_answer(await client.get("/files/%2e%2e/%2e%2e/etc/passwd"), 404)
    refused = await json_answer(await client.post("/files/a.txt"), 405)
    assert refused["error"] == "method_not_allowed"
    await json_answer(await client.get("/elsewhere"), 404)
    await json_answer(await client.get("/subx"), 404)


async def test_a_sub_application_mounted_around_the_edge_stops_the_app_from_starting() -> None:
    app = framework_app()
    app.add_subapp("/sub", web.Application())
    runner = web.AppRunner(app)
    with pytest.raises(RuntimeError, match="/sub was mounted around the HTTP edge: mount it"):
        await runner.setup()
    await runner.cleanup()


@pytest.mark.parametrize(
    ("request_line", "status"),
    [
        (b"OPTIONS * HTTP/1.1", b"404"),
        (b"GET http://elsewhere.example/cliq HTTP/1.1", b"405"),
        (b"GET http://elsewhere.example/nowhere HTTP/1.1", b"404"),
        (b"GET /a%00b/%2F%2e%2e//x HTTP/1.1", b"404"),
        (b"GET /" + b"x" * 8000 + b" HTTP/1.1", b"404"),
    ],
    ids=["asterisk", "absolute-405", "absolute-404", "encoded", "long"],
)
async def test_any_request_target_no_route_takes_is_json(  # type: ignore[no-untyped-def]
    aiohttp_client, request_line: bytes, status: bytes
) -> None:
    """Request targets that are not a plain path (`*`, an absolute URL) or odd ones reach the
    catch-all too."""
    client = await aiohttp_client(framework_app())
    reader, writer = await asyncio.open_connection("127.0.0.1", client.port)
    writer.write(request_line + b"\r\nHost: x\r\nConnection: close\r\n\r\n")
    answer = await asyncio.wait_for(reader.read(), timeout=10)
    writer.close()
    top, _, body = answer.partition(b"\r\n\r\n")
    assert top.split(b" ")[1] == status, answer[:300]
    assert b"content-type: application/json" in top.lower()
    assert b"\r\nx-request-id: " in top.lower()
    refusal = json.loads(body)
    assert refusal["error"]
    target = request_line.split(b" ")[1].decode()
    assert target.partition("?")[0][:100] in refusal["reason"]  # what was not found, said
    assert len(refusal["reason"]) < 200


async def test_an_app_started_again_is_routed_the_same(aiohttp_client) -> None:  # type: ignore[no-untyped-def]
    app = framework_app()
    first = web.AppRunner(app)
    await first.setup()
    await first.cleanup()
    client = await aiohttp_client(app)
    await json_answer(await client.get("/nowhere"), 404)
    await json_answer(await client.get("/cliq"), 405)


async def test_an_app_dropped_after_serving_is_not_kept_by_the_edge() -> None:
    """The edge's record of its handlers holds none of them: an app served and dropped goes,
    with what its handlers' closures hold (Deskbot's hold the app itself)."""

    class Held:
        pass

    gone: list[weakref.ref[object]] = []
    for _ in range(3):
        app, held = framework_app(), Held()

        async def handler(request: web.Request, held: Held = held) -> web.Response:
            return web.json_response({})

        add_routes(app, [web.get("/held", handler)])
        add_subapp(app, "/sub", web.Application())
        runner = web.AppRunner(app)
        await runner.setup()
        await runner.cleanup()
        gone += [weakref.ref(app), weakref.ref(held)]
        del app, held, handler, runner
    gc.collect()
    assert [ref() for ref in gone] == [None] * len(gone)


async def test_routes_at_the_root_are_tried_before_the_catch_all(aiohttp_client) -> None:  # type: ignore[no-untyped-def]
    app = framework_app()

    async def home(request: web.Request) -> web.Response:
        return web.json_response({"home": True})

    async def named(request: web.Request) -> web.Response:
        return web.json_response({"name": request.match_info["name"]})

    add_routes(app, [web.get("/", home), web.get("/{name}", named)])
    client = await aiohttp_client(app)
    assert await (await client.get("/")).json() == {"home": True}
    assert await (await client.get("/ada")).json() == {"name": "ada"}
    await json_answer(await client.post("/ada"), 405)
    await json_answer(await client.get("/ada/more"), 404)


async def test_a_framework_app_mounted_in_another_app_is_routed_under_its_prefix(  # type: ignore[no-untyped-def]
    aiohttp_client,
) -> None:
    """A framework app is an aiohttp app: mounted in an author's own, its routes, 404 and 405
    answer under the prefix through its edge (its routes are final once mounted)."""
    outer = web.Application()
    outer.add_subapp("/bot", framework_app())
    client = await aiohttp_client(outer)
    assert (await (await client.get("/bot/healthz")).json())["ok"] is True
    await json_answer(await client.get("/bot/cliq"), 405)
    await json_answer(await client.get("/bot/nowhere"), 404)


@pytest.mark.parametrize(
    "mount", [add_subapp, lambda app, prefix, sub: app.add_subapp(prefix, sub)]
)
async def test_a_framework_app_mounted_in_another_answers_through_one_edge(  # type: ignore[no-untyped-def]
    aiohttp_client, mount
) -> None:
    """Two bots in one app: the second's routes are inside its own edge already, so one id
    names each answer (the header and a 500's reference agree)."""
    outer, inner = framework_app(), framework_app()

    async def broken(request: web.Request) -> web.Response:
        raise KeyError("a bug")

    add_routes(inner, [web.get("/broken", broken)])
    mount(outer, "/second", inner)
    client = await aiohttp_client(outer)
    answer = await client.get("/second/broken")
    body = await json_answer(answer, 500)
    assert body["reference"] == answer.headers["X-Request-Id"]
    await json_answer(await client.get("/second/nowhere"), 404)
    assert (await (await client.get("/second/healthz")).json())["ok"] is True


@pytest.mark.parametrize(
    ("error", "header"),
    [
        (web.HTTPTooManyRequests(headers={"Retry-After": "30"}), ("Retry-After", "30")),
        (web.HTTPServiceUnavailable(headers={"retry-after": "5"}), ("Retry-After", "5")),
        (
            web.HTTPUnauthorized(headers={"WWW-Authenticate": "Bearer"}),
            ("WWW-Authenticate", "Bearer"),
        ),
        (web.HTTPMethodNotAllowed("GET", ["POST"]), ("Allow", "POST")),
        (
            web.HTTPRequestRangeNotSatisfiable(headers={"Content-Range": "bytes */9"}),
            ("Content-Range", "bytes */9"),
        ),
    ],
    ids=["429", "503", "401", "405", "416"],
)
async def test_an_http_error_keeps_the_headers_it_was_raised_with(  # type: ignore[no-untyped-def]
    aiohttp_client, error: web.HTTPException, header: tuple[str, str]
) -> None:
    """The edge replaces an error's body with JSON, not the headers that tell the client what
    to do next (RFC 9110: a 401's challenge, a 405's Allow, a 416's Content-Range; Retry-After)."""
    app = framework_app()

    async def refusing(request: web.Request) -> web.Response:
        raise error

    add_routes(app, [web.get("/refusing", refusing)])
    client = await aiohttp_client(app)
    answer = await client.get("/refusing")
    await json_answer(answer, error.status)
    name, value = header
    assert answer.headers.getall(name) == [value]


@pytest.mark.parametrize(
    ("bot", "verifier", "message"),
    [
        (Bot(), "s3cret", "HmacVerifier(secret, bot.clock) for the Deluge shims; got str"),
        (Bot(), None, "got NoneType"),
        ("s3cret", HmacVerifier("s", FrozenClock()), "the Bot, got str"),
    ],
)
def test_make_web_app_says_what_it_takes(bot, verifier, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(TypeError, match=re.escape(message)):
        make_web_app(bot, verifier)


async def _answer(request: web.Request) -> web.Response:
    return web.json_response({})


@pytest.mark.parametrize(
    ("routes", "refused"),
    [
        ([web.post("/cliq", _answer)], "POST /cliq is already answered"),
        ([web.get("/healthz", _answer)], "GET /healthz is already answered"),
        ([web.route("*", "/cliq", _answer)], "* /cliq is already answered"),
        ([web.get("/mine", _answer), web.get("/mine", _answer)], "GET /mine is already"),
    ],
)
def test_a_route_the_app_already_answers_is_refused_when_added(routes, refused) -> None:  # type: ignore[no-untyped-def]
    app = framework_app()
    with pytest.raises(ValueError, match=re.escape(refused)):
        add_routes(app, routes)


def test_another_method_on_a_taken_path_and_one_route_alone() -> None:
    app = framework_app()
    add_routes(app, [web.get("/cliq", _answer), web.post("/mine", _answer)])
    add_routes(app, [web.get("/mine", _answer)])
    with pytest.raises(TypeError, match=re.escape("add_routes(app, [web.get(path, h)])")):
        add_routes(app, web.get("/alone", _answer))  # type: ignore[arg-type]
