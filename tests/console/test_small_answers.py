"""Small answers a person meets around the console's pages: a notice only after a move, a
method no page takes answered 405 naming those it takes (not a CSRF refusal), and a favicon the
pages name."""

from __future__ import annotations

import pytest

from tests.console.conftest import signed_in_as
from tests.deskbot.conftest import Deskbot

AGENT = "agent@example.com"


@pytest.mark.parametrize("moved", ["abc", "0", "", "11", "true"])
async def test_my_status_says_done_only_after_a_move(deskbot: Deskbot, moved: str) -> None:
    agent = await signed_in_as(deskbot, AGENT)
    page = await (await agent.get(f"/console/?moved={moved}")).text()
    assert "Done: you are" not in page
    after = await (await agent.get("/console/?moved=1")).text()
    assert "Done: you are" in after


@pytest.mark.parametrize("method", ["TRACE", "PUT", "DELETE", "PATCH"])
@pytest.mark.parametrize("path", ["/console/board", "/console/", "/console/settings"])
async def test_a_method_no_page_takes_is_405_signed_in_or_not(
    deskbot: Deskbot, method: str, path: str
) -> None:
    answer = await deskbot.client.request(method, path, allow_redirects=False)
    assert answer.status == 405, (method, path, answer.status)
    assert {"GET", "HEAD"} <= set(answer.headers["Allow"].split(",")), answer.headers
    await signed_in_as(deskbot, AGENT)
    answer = await deskbot.client.request(method, path, allow_redirects=False)
    assert answer.status == 405, (method, path, answer.status)
    assert method not in answer.headers["Allow"].split(","), answer.headers


async def test_a_post_to_no_page_is_404_not_a_csrf_refusal(deskbot: Deskbot) -> None:
    await signed_in_as(deskbot, AGENT)
    answer = await deskbot.client.post("/console/nowhere", data={"a": "1"}, allow_redirects=False)
    assert answer.status == 404


async def test_every_page_names_a_favicon_that_is_served(deskbot: Deskbot) -> None:
    agent = await signed_in_as(deskbot, AGENT)
    page = await (await agent.get("/console/")).text()
    assert '<link rel="icon" href="/console/static/icon.svg"' in page
    icon = await agent.get("/console/static/icon.svg")
    assert icon.status == 200 and icon.content_type == "image/svg+xml"
    assert (await icon.text()).startswith("<svg")


async def test_console_answers_carry_a_request_id_and_an_error_page_names_it(
    deskbot: Deskbot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The console is mounted inside the HTTP edge: every answer (redirect, page, static file,
    404 page) has an `X-Request-Id`, and a failed page gives that id as its reference."""
    for path in ("/console", "/console/", "/console/nowhere", "/console/static/icon.svg"):
        answer = await deskbot.client.get(path, allow_redirects=False)
        assert answer.headers.get("X-Request-Id"), (path, answer.status)
    agent = await signed_in_as(deskbot, AGENT)

    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(deskbot.parts.attendance, "status", broken)
    failed = await agent.get("/console/")
    assert failed.status == 500 and failed.content_type == "text/html"
    reference = failed.headers["X-Request-Id"]
    assert f"<code>{reference}</code>" in await failed.text()
