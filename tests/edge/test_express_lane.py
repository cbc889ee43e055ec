"""`start_server` answers `POST /cliq` before aiohttp's router (the express lane,
`bot.handlers.serving.express`): what it answers is what the router's way answers, request by
request, with the same match (`request.app`, `on_response_prepare`). Against real servers and a
real client, the lane's (`start_server`) beside the router's (a plain `web.AppRunner`, or
`start_server` with the app's `EXPRESS` removed, byte for byte over raw connections); and what
the lane must leave to the router (a sub-application matched by Host, a route the router would
not answer its own path with)."""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.web_request import BaseRequest
from yarl import URL

from bot.app import create_app
from bot.cli import ACCESS_LOG
from bot.cliq.message import Message
from bot.cliq.verify import HmacVerifier
from bot.clock import FrozenClock, SystemClock, epoch_ms
from bot.config import Config
from bot.context import Context
from bot.dispatch import Bot
from bot.handlers.cliq import BOT
from bot.handlers.errors import edge, edge_middleware
from bot.handlers.serving import EXPRESS, OWN_MAPPING, express, start_server
from bot.handlers.web import add_routes, add_subapp, make_web_app
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


# Byte for byte: the same raw requests to two `start_server` servers, one with the lane and one
# without (its app's `EXPRESS` removed), so both have the connection cap and the JSON errors of
# what is not HTTP; each exchange ends with the server closing the connection.


@dataclass
class Served:
    """A server's port, and an event set each time it starts handling a request (its headers
    arrived; the body may be on its way)."""

    port: int
    handling: asyncio.Event


async def serve_noting(app: web.Application) -> tuple[web.AppRunner, Served]:
    """`app` served by `start_server`, each request noted as it starts (`Served.handling`)."""
    runner, site = await start_server(app, "127.0.0.1", 0, access_log=None)
    assert runner.server is not None
    served = Served(site.port, asyncio.Event())
    handle = runner.server.request_handler

    async def noted(request: BaseRequest) -> web.StreamResponse:
        served.handling.set()
        return await handle(request)

    runner.server.request_handler = noted  # (before the first connection: each keeps its own)
    return runner, served


@pytest.fixture
async def lane_and_not() -> AsyncIterator[tuple[Served, Served]]:
    """Two servers of `bot_app`, the first with the lane, the second without."""
    lane_app, routed_app = bot_app(), bot_app()
    del routed_app[EXPRESS]
    lane_runner, lane = await serve_noting(lane_app)
    routed_runner, routed = await serve_noting(routed_app)
    try:
        yield lane, routed
    finally:
        await lane_runner.cleanup()
        await routed_runner.cleanup()


def raw(
    body: bytes,
    target: str = "/cliq",
    method: str = "POST",
    version: str = "1.1",
    headers: tuple[str, ...] = (),
    chunked: bool = False,
    signer: SignedRequests = SignedRequests(SECRET, CLOCK),
) -> bytes:
    """A request signed for `body` as bytes on the wire, `target` and `method` as they are."""
    lines = [f"{method} {target} HTTP/{version}", "Host: 127.0.0.1"]
    lines += [f"{name}: {value}" for name, value in signer.headers(body).items()]
    if chunked:
        lines.append("Transfer-Encoding: chunked")
        payload = (b"%x\r\n%s\r\n" % (len(body), body) if body else b"") + b"0\r\n\r\n"
    else:
        lines.append(f"Content-Length: {len(body)}")
        payload = body
    return "\r\n".join([*lines, *headers]).encode() + b"\r\n\r\n" + payload


CLOSE = "Connection: close"
HEALTH = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"

RAW: dict[str, Callable[[], bytes]] = {
    "plain": lambda: raw(command("1"), headers=(CLOSE,)),
    "HTTP/1.0": lambda: raw(command("1"), version="1.0"),
    "HTTP/1.0 keep-alive, then one to close": lambda: (
        raw(command("1"), version="1.0", headers=("Connection: keep-alive",))
        + raw(command("2"), version="1.0")
    ),
    "lowercase method": lambda: raw(command("1"), method="post", headers=(CLOSE,)),
    "HEAD": lambda: raw(b"", method="HEAD", headers=(CLOSE,)),
    "OPTIONS": lambda: raw(b"", method="OPTIONS", headers=(CLOSE,)),
    "absolute-form target": lambda: raw(command("1"), "http://127.0.0.1/cliq", headers=(CLOSE,)),
    "//cliq": lambda: raw(command("1"), "//cliq", headers=(CLOSE,)),
    "/cliq#frag": lambda: raw(command("1"), "/cliq#frag", headers=(CLOSE,)),
    "/cliq;x": lambda: raw(command("1"), "/cliq;x", headers=(CLOSE,)),
    "/cliq?": lambda: raw(command("1"), "/cliq?", headers=(CLOSE,)),
    "chunked": lambda: raw(command("1"), chunked=True, headers=(CLOSE,)),
    "chunked, empty": lambda: raw(b"", chunked=True, headers=(CLOSE,)),
    "chunked and a length": lambda: raw(command("1"), chunked=True, headers=("Content-Length: 3",)),
    "oversize, declared only": lambda: raw(b"", headers=("Content-Length: 2000000",)).replace(
        b"Content-Length: 0\r\n", b""
    ),
    "Expect: 100-continue, odd case": lambda: raw(
        command("1"), headers=("eXpEcT: 100-CONTINUE", CLOSE)
    ),
    "Expect, empty": lambda: raw(command("1"), headers=("Expect: ", CLOSE)),
    "Expect, another value": lambda: raw(command("1"), headers=("Expect: 200-ok",)),
    "pipelined, lane and router mixed": lambda: (
        raw(command("1"))
        + raw(command("2"), "/cliq?x")
        + HEALTH
        + raw(b"{nope")
        + raw(command("3"), "/CLIQ")
        + raw(command("1"))  # (a replay: 409)
        + raw(command("4"), headers=(CLOSE,))
    ),
    "pipelined, after an unread body": lambda: (
        raw(b"", headers=("Content-Length: 5",)).replace(b"Content-Length: 0\r\n", b"")
        + b"12345"
        + raw(command("5"), headers=(CLOSE,))
    ),
}


def normalized(answer: bytes) -> bytes:
    """`answer` without what differs by server or by request: dates and request ids."""
    answer = re.sub(rb"(?im)^(date|x-request-id): .*\r\n", b"", answer)
    return re.sub(rb"reference\W+[0-9a-f]+-\d+", b"reference R", answer)


async def exchange(served: Served, pieces: list[bytes]) -> bytes:
    """All the server answers `pieces`, sent one by one (each after the first once the server
    is handling the request), until it closes the connection."""
    reader, writer = await asyncio.open_connection("127.0.0.1", served.port)
    served.handling.clear()
    try:
        for n, piece in enumerate(pieces):
            if n:
                await asyncio.wait_for(served.handling.wait(), 5)
            writer.write(piece)
            await writer.drain()
        return await asyncio.wait_for(reader.read(), 10)
    finally:
        writer.close()


@pytest.mark.parametrize("name", list(RAW))
async def test_the_lane_answers_the_same_bytes_as_the_router(lane_and_not, name) -> None:  # type: ignore[no-untyped-def]
    lane, routed = lane_and_not
    request = RAW[name]()
    through_lane = await exchange(lane, [request])
    through_router = await exchange(routed, [request])
    assert normalized(through_lane) == normalized(through_router)
    assert through_lane.startswith(b"HTTP/1.")


async def test_a_body_arriving_in_pieces_is_answered_as_by_the_router(lane_and_not) -> None:  # type: ignore[no-untyped-def]
    request = raw(command("6"), headers=(CLOSE,))
    head = request.index(b"\r\n\r\n") + 4
    pieces = [request[: head + 10], request[head + 10 : head + 40], request[head + 40 :]]
    lane, routed = lane_and_not
    through_lane = await exchange(lane, pieces)
    assert normalized(through_lane) == normalized(await exchange(routed, pieces))
    assert b'"Ticket #6"' in through_lane


async def mine(request: web.Request) -> web.Response:
    return web.json_response({"answered_by": "the sub-application"})


@pytest.mark.parametrize("domain", ["bots.example", "*.example"])
async def test_a_sub_application_matched_by_host_answers_its_requests_as_on_the_router(
    domain: str,
) -> None:
    """aiohttp's router asks sub-applications matched by domain (`add_domain`) first, by the
    request's Host: with one in the app, `POST /cliq` for its host is its own, and the lane
    (which does not read the Host) is not taken."""
    servers = []
    for lane in (True, False):
        app = bot_app()
        hosted = web.Application()
        add_routes(hosted, [web.post("/cliq", mine)])
        hosted.middlewares.append(edge_middleware)  # (as `add_subapp` mounts one)
        app.add_domain(domain, hosted)
        if not lane:
            del app[EXPRESS]
        servers.append(await start_server(app, "127.0.0.1", 0, access_log=None))
    try:
        body = command("7")
        headers = {**SignedRequests(SECRET, CLOCK).headers(body), "Host": "bots.example"}
        async with aiohttp.ClientSession() as session:
            answers = [
                await answer(
                    session, f"http://127.0.0.1:{site.port}", "POST", "/cliq", body, headers
                )
                for _, site in servers
            ]
            assert answers[0] == answers[1]
            assert answers[0][2] == {"answered_by": "the sub-application"}
            for _, site in servers:  # another host: the bot, either way
                status, _, output = await answer(
                    session,
                    f"http://127.0.0.1:{site.port}",
                    "POST",
                    "/cliq",
                    body,
                    SignedRequests(SECRET, CLOCK).headers(body),
                )
                assert status == 200 and output["output"]["text"] == "Ticket #7"
    finally:
        for runner, _ in servers:
            await runner.cleanup()


def shadowed_by_an_earlier_route(app: web.Application) -> web.AbstractRoute:
    app.router.add_route("*", "/hook", edge(mine))
    app.router.add_get("/elsewhere", edge(mine))  # (so the next is a resource of its own)
    return app.router.add_post("/hook", edge(mine))


def shadowed_by_an_earlier_sub_application(app: web.Application) -> web.AbstractRoute:
    hosted = web.Application()
    hosted.router.add_post("", edge(mine))
    app.add_subapp("/hook", hosted)
    return app.router.add_post("/hook", edge(mine))


UNREACHABLE: dict[str, Callable[[web.Application], web.AbstractRoute]] = {
    "an earlier route for its path": shadowed_by_an_earlier_route,
    "an earlier sub-application at its path": shadowed_by_an_earlier_sub_application,
    "a percent-escape": lambda app: app.router.add_post("/a%20b", edge(mine)),
    "a query": lambda app: app.router.add_post("/hook?x", edge(mine)),
    "a fragment": lambda app: app.router.add_post("/hook#x", edge(mine)),
    "two slashes first": lambda app: app.router.add_post("//hook", edge(mine)),
}


@pytest.mark.parametrize("name", list(UNREACHABLE))
async def test_an_express_route_the_router_answers_otherwise_is_refused(name: str) -> None:
    """The lane answers a route's exact method and path: were the router to answer that
    request with another route (or with none: the path is not what a target says as it is),
    the lane would answer differently. Such a route is refused at start-up."""
    app = web.Application()
    app[EXPRESS] = [UNREACHABLE[name](app)]
    with pytest.raises(ValueError, match="routed to another route"):
        await start_server(app, "127.0.0.1", 0, access_log=None)


async def test_deskbot_is_served_through_the_lane_with_the_same_answer_and_log_line(
    config: Config, clock: FrozenClock, signer: SignedRequests, caplog: pytest.LogCaptureFixture
) -> None:
    """Deskbot's app (its console mounted with middlewares of its own) as `deskbot serve` serves
    it: `POST /cliq` takes the lane (one match, shared), `POST /cliq?` the router, and both
    answer alike, in access log lines alike but for the request id and the time (the last
    request says `Connection: close`, and so does its answer)."""
    app = create_app(config, clock=clock, timers=False)
    seen = watched(app)
    runner, site = await start_server(app, "127.0.0.1", 0, **ACCESS_LOG)
    requests = []
    for target, close in (("/cliq", ()), ("/cliq?", ()), ("/cliq", (CLOSE,))):
        env = envelope("command", "execution_handler", name="help", params={"arguments": ""})
        env["timestamp"] = epoch_ms(clock.now())
        requests.append(raw(json.dumps(env).encode(), target, headers=close, signer=signer))
    try:
        with caplog.at_level(logging.INFO, logger="aiohttp.access"):
            answers = normalized(
                await exchange(Served(site.port, asyncio.Event()), [b"".join(requests)])
            )
    finally:
        await runner.cleanup()
    first, *others = answers.split(b"HTTP/1.1 ")[1:]
    assert first.startswith(b"200 OK") and b"/help" in first
    assert others == [first, first.replace(b"\r\n\r\n", b"\r\nConnection: close\r\n\r\n", 1)]
    (lane, _), (routed, _), (lane_again, _) = seen
    assert lane.match_info is lane_again.match_info is not routed.match_info
    assert lane.match_info.route is routed.match_info.route and lane.app is routed.app is app
    lines = [
        re.sub(r" [0-9.]+s rid=\S+$", "", record.getMessage())
        for record in caplog.records
        if record.name == "aiohttp.access"
    ]
    assert len(lines) == 3 and lines[0] == lines[1], lines


def slow_bot_app(delivered: list[bytes], release: asyncio.Event) -> web.Application:
    """`bot_app`, whose `/ticket slow` waits for `release` past a 10 ms deadline (delivered
    late into `delivered`) and whose `/ticket boom` fails."""
    router = Router()

    @router.command("ticket", usage="/ticket [number]")
    async def ticket(ctx: Context, args: str) -> Message:
        if args == "boom":
            raise RuntimeError("the listener failed")
        if args == "slow":
            await release.wait()
        return Message(text=f"Ticket #{args}")

    async def late_reply(envelope: object, output: bytes) -> None:
        delivered.append(output)

    bot = Bot(name="t", clock=CLOCK, deadline=0.01, late_reply=late_reply).include(router)
    return make_web_app(bot, HmacVerifier(SECRET, CLOCK))


async def test_an_overrun_and_a_failing_listener_answer_through_the_lane_as_on_the_router() -> None:
    """Past the deadline, "working on it" goes out early from another task and the real answer
    is delivered late; a listener that raises is answered with its reference. Alike either way."""
    answers: list[list[bytes]] = []
    for lane in (True, False):
        delivered: list[bytes] = []
        release = asyncio.Event()
        app = slow_bot_app(delivered, release)
        if not lane:
            del app[EXPRESS]
        runner, site = await start_server(app, "127.0.0.1", 0, access_log=None)
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", site.port)
            writer.write(raw(command("slow")))
            working = await reader.readuntil(b'"success"}}')  # (the banner's end)
            release.set()
            app[BOT].deadline = 10.0  # (the failing call is answered in time, however loaded)
            writer.write(raw(command("boom"), headers=(CLOSE,)))
            rest = await asyncio.wait_for(reader.read(), 10)
            writer.close()
        finally:
            await runner.cleanup()
        assert delivered == [b'{"text":"Ticket #slow"}']
        answers.append([normalized(working), normalized(rest)])
    assert answers[0] == answers[1]
    assert b"Working on it" in answers[0][0] and b"quote reference R" in answers[0][1]


async def test_the_lane_follows_what_start_up_made_of_the_app_each_time_it_is_served() -> None:
    """The lane is made once the app's `on_startup` hooks ran: a middleware one of them adds
    sees `/cliq` (no lane), an `EXPRESS` one empties is honoured; and an app served again after
    its runner's cleanup takes the lane again, with a match of the new start-up's."""
    passed: list[str] = []

    @web.middleware
    async def noting(request: web.Request, handler: Any) -> web.StreamResponse:
        passed.append(request.path)
        return await handler(request)  # type: ignore[no-any-return]

    async def add_middleware(app: web.Application) -> None:
        app.middlewares.append(noting)

    async def no_express(app: web.Application) -> None:
        app[EXPRESS] = []

    async def signed_command(port: int, text: str) -> web.Request:
        body = command(text)
        async with aiohttp.ClientSession() as session:
            status, _, output = await answer(
                session,
                f"http://127.0.0.1:{port}",
                "POST",
                "/cliq",
                body,
                SignedRequests(SECRET, CLOCK).headers(body),
            )
        assert status == 200 and output["output"]["text"] == f"Ticket #{text}"
        return seen[-1][0]

    matches = []
    app = bot_app()
    seen = watched(app)
    for round in ("first", "again"):
        runner, site = await start_server(app, "127.0.0.1", 0, access_log=None)
        try:
            one, other = [await signed_command(site.port, f"{round}{n}") for n in (1, 2)]
        finally:
            await runner.cleanup()
        assert one.match_info is other.match_info  # (the lane's)
        matches.append(one.match_info)
    assert matches[0] is not matches[1]

    for hook in (add_middleware, no_express):
        app = bot_app()
        app.on_startup.append(hook)
        seen = watched(app)
        runner, site = await start_server(app, "127.0.0.1", 0, access_log=None)
        try:
            one, other = [await signed_command(site.port, f"{hook.__name__}{n}") for n in (1, 2)]
        finally:
            await runner.cleanup()
        assert one.match_info is not other.match_info  # (the router's: a match each)
    assert passed == ["/cliq", "/cliq"]


@pytest.mark.parametrize("parent", ["a framework app", "a plain app"])
async def test_a_framework_app_mounted_in_another_is_answered_as_on_the_router(parent: str) -> None:
    """A bot mounted at `/inner` of the app served: its `/inner/cliq` is its own (the router
    finds it), the served app's `/cliq` its own (the lane, for a framework app), alike either
    way."""

    def build() -> web.Application:
        outer = bot_app() if parent == "a framework app" else web.Application()
        inner = bot_app()
        add_subapp(outer, "/inner", inner)
        return outer

    servers = []
    for lane in (True, False):
        app = build()
        if not lane:
            app.pop(EXPRESS, None)
        servers.append(await start_server(app, "127.0.0.1", 0, access_log=None))
    try:
        async with aiohttp.ClientSession() as session:
            targets = [("/inner/cliq", "8"), ("/inner/cliq?x", "9")]
            if parent == "a framework app":  # (a plain app's 404 is aiohttp's own, no id)
                targets.append(("/cliq", "10"))
            for target, text in targets:
                body = command(text)
                headers = SignedRequests(SECRET, CLOCK).headers(body)
                answers = [
                    await answer(
                        session, f"http://127.0.0.1:{site.port}", "POST", target, body, headers
                    )
                    for _, site in servers
                ]
                assert answers[0] == answers[1]
                assert answers[0][0] == 200 and answers[0][2]["output"]["text"] == f"Ticket #{text}"
    finally:
        for runner, _ in servers:
            await runner.cleanup()
