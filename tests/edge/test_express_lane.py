"""`start_server` answers `POST /cliq` before aiohttp's router (the express lane,
`bot.handlers.serving.express`): what it answers is what the router's way answers, request by
request, with the same match (`request.app`, `on_response_prepare`). Against real servers and a
real client, the lane's (`start_server`) beside the router's (a plain `web.AppRunner`)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from yarl import URL

from bot.cliq.message import Message
from bot.cliq.verify import HmacVerifier
from bot.clock import SystemClock
from bot.context import Context
from bot.dispatch import Bot
from bot.handlers.serving import EXPRESS, OWN_MAPPING, express, start_server
from bot.handlers.web import add_routes, make_web_app
from bot.router import Router
from bot.testing.signing import SignedRequests, envelope

SECRET = "s"
CLOCK = SystemClock()


def bot_app() -> web.Application:
    router = Router()

    @router.command("ticket", usage="/ticket [number]")
    async def ticket(ctx: Context, args: str) -> Message:
        return Message(text=f"Ticket #{args}")

    bot = Bot(name="t", clock=CLOCK).include(router)
    return make_web_app(bot, HmacVerifier(SECRET, CLOCK))


Seen = list[tuple[web.Request, web.StreamResponse]]


def watched(app: web.Application) -> Seen:
    """The requests `app` answers, seen by its `on_response_prepare` signal."""
    seen: Seen = []

    async def prepared(request: web.Request, response: web.StreamResponse) -> None:
        seen.append((request, response))

    app.on_response_prepare.append(prepared)
    return seen


async def serve_routed(app: web.Application) -> tuple[web.AppRunner, int]:
    """`app` served the plain aiohttp way: every request through its router."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]


@pytest.fixture
async def servers() -> AsyncIterator[tuple[str, str, Seen]]:
    """The lane's server and the router's, each with an app of its own; what the lane's saw."""
    lane_app, routed_app = bot_app(), bot_app()
    seen = watched(lane_app)
    lane_runner, lane_site = await start_server(lane_app, "127.0.0.1", 0, access_log=None)
    routed_runner, routed_port = await serve_routed(routed_app)
    try:
        yield f"http://127.0.0.1:{lane_site.port}", f"http://127.0.0.1:{routed_port}", seen
    finally:
        await lane_runner.cleanup()
        await routed_runner.cleanup()


def command(text: str) -> bytes:
    env = envelope("command", "execution_handler", name="ticket", params={"arguments": text})
    env["params"]["user"] = {"id": "1", "first_name": "A", "email": "a@example.com"}
    return json.dumps(env).encode()


Call = Callable[[SignedRequests], tuple[str, str, bytes, dict[str, str]]]

CALLS: dict[str, Call] = {
    "signed command": lambda s: ("POST", "/cliq", command("115"), s.headers(command("115"))),
    "unsigned": lambda s: ("POST", "/cliq", command("1"), {}),
    "wrong signature": lambda s: (
        "POST",
        "/cliq",
        command("1"),
        {**s.headers(command("1")), "X-Deskbot-Signature": "0" * 64},
    ),
    "not an envelope": lambda s: ("POST", "/cliq", b"[1, 2]", s.headers(b"[1, 2]")),
    "not JSON": lambda s: ("POST", "/cliq", b"{nope", s.headers(b"{nope")),
    "empty body": lambda s: ("POST", "/cliq", b"", s.headers(b"")),
    "with a query": lambda s: ("POST", "/cliq?x=1", command("7"), s.headers(command("7"))),
    "percent-escaped path": lambda s: ("POST", "/cl%69q", command("8"), s.headers(command("8"))),
    "trailing slash": lambda s: ("POST", "/cliq/", command("9"), s.headers(command("9"))),
    "other case": lambda s: ("POST", "/CLIQ", command("9"), s.headers(command("9"))),
    "GET": lambda s: ("GET", "/cliq", b"", {}),
    "PUT": lambda s: ("PUT", "/cliq", command("9"), s.headers(command("9"))),
    "health": lambda s: ("GET", "/healthz", b"", {}),
}


async def answer(
    session: aiohttp.ClientSession,
    base: str,
    method: str,
    target: str,
    body: bytes,
    headers: dict[str, str],
    **options: Any,
) -> tuple[int, dict[str, str], Any]:
    """Status, headers (but the date and the request id) and JSON body; `target` sent as it is
    written (`%69` not unescaped)."""
    url = URL(base + target, encoded=True)
    async with session.request(method, url, data=body, headers=headers, **options) as response:
        text = await response.text()
        assert response.headers.get("X-Request-Id")  # (every answer has one, lane or not)
        kept = {
            name: value
            for name, value in response.headers.items()
            if name.lower() not in ("date", "x-request-id")
        }
        return response.status, kept, json.loads(text) if text else None


@pytest.mark.parametrize("name", list(CALLS))
async def test_the_lane_answers_as_the_router_does(servers, name) -> None:  # type: ignore[no-untyped-def]
    lane, routed, _ = servers
    method, target, body, headers = CALLS[name](SignedRequests(SECRET, CLOCK))
    async with aiohttp.ClientSession() as session:
        through_lane = await answer(session, lane, method, target, body, headers)
        through_router = await answer(session, routed, method, target, body, headers)
    assert through_lane == through_router
    if name == "signed command":
        assert through_lane[0] == 200 and through_lane[2]["output"]["text"] == "Ticket #115"


async def test_a_replay_is_refused_on_the_lane_as_on_the_router(servers) -> None:  # type: ignore[no-untyped-def]
    lane, routed, _ = servers
    body = command("3")
    headers = SignedRequests(SECRET, CLOCK).headers(body)
    async with aiohttp.ClientSession() as session:
        for base in (lane, routed):
            assert (await answer(session, base, "POST", "/cliq", body, headers))[0] == 200
            status, _, refusal = await answer(session, base, "POST", "/cliq", body, headers)
            assert (status, refusal["error"]) == (409, "replayed")


async def test_the_lane_makes_the_match_the_router_would(servers) -> None:  # type: ignore[no-untyped-def]
    lane, _, seen = servers
    signer = SignedRequests(SECRET, CLOCK)
    async with aiohttp.ClientSession() as session:
        for text in ("1", "2"):
            body = command(text)
            assert (await answer(session, lane, "POST", "/cliq", body, signer.headers(body)))[
                0
            ] == 200
        body = command("3")
        assert (await answer(session, lane, "POST", "/cliq?q", body, signer.headers(body)))[
            0
        ] == 200
    (first, _), (second, _), (queried, _) = seen
    # the lane's: one match made at start-up, shared; the router's: a match per request
    assert first.match_info is second.match_info and queried.match_info is not first.match_info
    for request in (first, queried):
        assert request.app is queried.app and request.app[EXPRESS][0] is request.match_info.route
        assert request.match_info.route.resource.canonical == "/cliq"  # type: ignore[union-attr]


async def test_expect_100_continue_goes_through_the_routers_judge(servers) -> None:  # type: ignore[no-untyped-def]
    lane, _, _ = servers
    body = command("4")
    async with aiohttp.ClientSession() as session:
        status, _, refusal = await answer(
            session, lane, "POST", "/cliq", b"{}" * 50_000, {}, expect100=True
        )
        assert (status, refusal["error"]) == (401, "unauthorized")  # refused on its headers
        headers = SignedRequests(SECRET, CLOCK).headers(body)
        status, _, output = await answer(
            session, lane, "POST", "/cliq", body, headers, expect100=True
        )
        assert status == 200 and output["output"]["text"] == "Ticket #4"


async def test_an_app_with_middlewares_has_no_lane() -> None:
    app = bot_app()
    passed: list[str] = []

    @web.middleware
    async def noting(request: web.Request, handler: Any) -> web.StreamResponse:
        passed.append(request.path)
        return await handler(request)  # type: ignore[no-any-return]

    app.middlewares.append(noting)
    runner, site = await start_server(app, "127.0.0.1", 0, access_log=None)
    try:
        body = command("5")
        async with aiohttp.ClientSession() as session:
            headers = SignedRequests(SECRET, CLOCK).headers(body)
            assert (
                await answer(
                    session, f"http://127.0.0.1:{site.port}", "POST", "/cliq", body, headers
                )
            )[0] == 200
    finally:
        await runner.cleanup()
    assert passed == ["/cliq"]


async def test_an_express_route_must_be_a_plain_path_of_the_app() -> None:
    async def echo(request: web.Request) -> web.Response:
        return web.json_response({})

    app = bot_app()
    app[EXPRESS] = add_routes(app, [web.post("/things/{n}", echo)])
    with pytest.raises(ValueError, match="plain-path route"):
        await start_server(app, "127.0.0.1", 0)

    other = bot_app()
    stray = web.Application().router.add_post("/elsewhere", echo)
    other[EXPRESS] = [stray]
    runner = web.AppRunner(other)
    await runner.setup()
    try:
        assert runner.server is not None
        with pytest.raises(ValueError, match="plain-path route"):
            express(runner.server, other)
    finally:
        await runner.cleanup()


def test_large_allocations_get_their_own_mapping_only_above_a_socket_reads_buffer() -> None:
    """Every socket read allocates asyncio's read buffer: at a mapping threshold below it, each
    read was a `mmap` and a `munmap` (bench/cliq_endpoint.py measured 14 µs of 60 a call)."""
    from asyncio import selector_events

    assert OWN_MAPPING > selector_events._SelectorSocketTransport.max_size
