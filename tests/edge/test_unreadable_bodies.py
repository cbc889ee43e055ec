"""A body that cannot be read as sent (its bytes are not in the `Content-Encoding` its headers
name) is a 400 JSON with a reason, closing the connection, logged in one line: on `/cliq`, on a
route added with `add_routes` and on a sub-application's, however the body is framed, and
whether aiohttp's parser meets it while the handler reads (the edge answers) or with the headers
(the connection's handler answers, as for what is not HTTP). Against a real server
(`start_server`) and a real client."""

from __future__ import annotations

import logging
import zlib
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web
from multidict import CIMultiDict

from bot.cliq.verify import HmacVerifier
from bot.clock import SystemClock
from bot.dispatch import Bot
from bot.handlers.serving import start_server
from bot.handlers.web import add_routes, add_subapp, make_web_app
from bot.testing.signing import SignedRequests

SECRET = "s"
CLOCK = SystemClock()


async def reads_json(request: web.Request) -> web.Response:
    return web.json_response({"read": await request.json()})


async def reads_form(request: web.Request) -> web.Response:
    return web.json_response({"read": dict(await request.post())})


@pytest.fixture
async def base() -> AsyncIterator[str]:
    app = make_web_app(Bot(name="t", clock=CLOCK), HmacVerifier(SECRET, CLOCK))
    add_routes(app, [web.post("/things", reads_json)])
    forms = web.Application()
    forms.router.add_post("/form", reads_form)
    add_subapp(app, "/sub", forms)
    runner, site = await start_server(app, "127.0.0.1", 0)
    try:
        yield f"http://127.0.0.1:{site.port}"
    finally:
        await runner.cleanup()


JUNK = {
    "broken at once": b'{"a": 1}',  # (as deflate: a bad block, met while the handler reads)
    "unfinished": b'{"not": "compressed"}',  # (as deflate: a stream never ended, met at its end)
}


@pytest.mark.parametrize("path", ["/cliq", "/things", "/sub/form"])
@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
@pytest.mark.parametrize("chunked", [False, True], ids=["length", "chunked"])
@pytest.mark.parametrize("junk", list(JUNK))
async def test_a_body_not_in_its_content_encoding_is_a_400_closing(
    base: str, path: str, encoding: str, chunked: bool, junk: str, caplog: pytest.LogCaptureFixture
) -> None:
    sent = JUNK[junk]
    headers = {**SignedRequests(SECRET, CLOCK).headers(sent), "Content-Encoding": encoding}
    if path == "/sub/form":
        headers["Content-Type"] = "application/x-www-form-urlencoded"

    async def body() -> AsyncIterator[bytes]:  # (an async iterator is sent chunked)
        yield sent

    async with aiohttp.ClientSession() as session:
        with caplog.at_level(logging.INFO):
            async with session.post(
                base + path, data=body() if chunked else sent, headers=headers
            ) as response:
                assert response.status == 400 and response.headers["X-Request-Id"]
                # (closing: said, or HTTP/1.0, when the parser met it with the headers)
                assert (
                    response.headers.get("Connection") == "close"
                    or response.version == aiohttp.HttpVersion10
                )
                answer = await response.json()
    assert answer["error"] == "bad_request"
    assert encoding in answer["reason"]  # ("the body could not be read: Can not decode …")
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING or r.exc_info]
    assert any(answer["reason"] in r.getMessage() for r in caplog.records)


async def test_a_body_in_its_content_encoding_is_read(base: str) -> None:
    """(What is refused above is the body's bytes, not the encoding.)"""
    async with aiohttp.ClientSession() as session:
        async with session.post(
            base + "/things",
            data=zlib.compress(b'{"n": 1}'),
            headers={"Content-Encoding": "deflate", "Content-Type": "application/json"},
        ) as response:
            assert response.status == 200 and await response.json() == {"read": {"n": 1}}


@pytest.mark.parametrize(
    "encodings",
    [["x-gzip"], ["gzip, gzip"], ["gzip;q=1"], ["compress"], ["aes128gcm"], ["gzip", "gzip"]],
    ids=["x-gzip", "stacked", "parameter", "compress", "unknown", "twice"],
)
@pytest.mark.parametrize("path", ["/cliq", "/things"])
async def test_a_content_encoding_not_decoded_is_a_415_naming_it(
    base: str, path: str, encodings: list[str], caplog: pytest.LogCaptureFixture
) -> None:
    """aiohttp decodes gzip, deflate (br, zstd) and passes any other coding's bytes on as they
    came: `/cliq` then refused a rightly signed call as a bad signature (logged as a wrong
    secret) and a route's JSON was garbage. The coding is named instead, before the body is read
    (RFC 9110 §15.5.16)."""
    sent = zlib.compress(b'{"n": 1}')
    headers = [*SignedRequests(SECRET, CLOCK).headers(sent).items()]
    headers += [("Content-Encoding", value) for value in encodings]
    async with aiohttp.ClientSession() as session:
        with caplog.at_level(logging.INFO):
            async with session.post(
                base + path, data=sent, headers=CIMultiDict(headers)
            ) as response:
                assert response.status == 415 and response.headers["X-Request-Id"]
                answer = await response.json()
    assert answer["error"] == "unsupported_media_type"
    assert answer["reason"] == (
        f"Content-Encoding {', '.join(encodings)} is not one this server reads: gzip, deflate"
        " or none"
    )
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]  # no "wrong secret"


@pytest.mark.parametrize("encoding", ["identity", "GZIP", "Deflate"])
async def test_a_content_encoding_in_any_case_or_identity_is_read(base: str, encoding: str) -> None:
    raw = b'{"n": 1}'
    sent = raw if encoding == "identity" else zlib.compress(raw)
    if encoding == "GZIP":
        import gzip

        sent = gzip.compress(raw)
    async with aiohttp.ClientSession() as session:
        async with session.post(
            base + "/things",
            data=sent,
            headers={"Content-Encoding": encoding, "Content-Type": "application/json"},
        ) as response:
            assert response.status == 200 and await response.json() == {"read": {"n": 1}}
