"""`deskbot chat --app` shows a framework bot's answers past its deadline: calls carry a
`response_url` the chat serves on loopback, and what the bot's `late_reply` posts there (the
guide's recipe, `CliqClient.post_to_response_url`) is shown as it comes, in the terminal where
the person asked. Before, a late answer had nowhere to go in the chat (a Deluge shim call has no
`response_url`) and a bot posting it to its sandbox Cliq failed: the person was no subscriber."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from bot.chat import late_answer_sink, run_chat
from bot.cli import main
from bot.framework import (
    Bot,
    CliqClient,
    Context,
    Envelope,
    FixedToken,
    HmacVerifier,
    Router,
    late_post,
    make_web_app,
)
from bot.testing import Answer

router = Router()
release = asyncio.Event()


@router.command("report", takes=0)
async def report(ctx: Context, args: str) -> str:
    await release.wait()  # e.g. a slow API
    return "Report: 3 incidents."


def factory(secret: str) -> web.Application:
    """The guide's late answers: to the call's response_url, else where `late_post` says."""
    clients: list[CliqClient] = []

    async def late_reply(envelope: Envelope, output: bytes) -> None:
        [cliq] = clients
        answer = json.loads(output)
        if envelope.response_url:
            await cliq.post_to_response_url(envelope.response_url, answer)
        elif (where := late_post(envelope, answer)) is not None:
            await cliq.deliver(*where)

    bot = Bot(name="Pager", deadline=0.01, late_reply=late_reply).include(router)
    app = make_web_app(bot, HmacVerifier(secret, bot.clock))

    async def client(app: web.Application):  # type: ignore[no-untyped-def]
        async with aiohttp.ClientSession() as session:
            clients.append(CliqClient(session, "http://127.0.0.1:9", FixedToken("t"), "pager"))
            yield

    app.cleanup_ctx.append(client)
    return app


async def test_an_answer_past_the_deadline_is_shown_in_the_chat() -> None:
    release.clear()
    screen: list[str] = []
    shown_late = asyncio.Event()
    typed = iter(["/report", "wait", "quit"])

    def show(text: str) -> None:
        screen.append(text)
        if "Report: 3 incidents." in text:
            shown_late.set()

    async def ask(prompt: str) -> str:
        line = next(typed)
        if line == "wait":
            release.set()  # the slow API answers; the bot posts its answer late
            await asyncio.wait_for(shown_late.wait(), timeout=5)
            return next(typed)
        return line

    await run_chat(
        secret="s", app_at=lambda port: factory("s"), ask=ask, show=show, late_answers=True
    )
    working = next(i for i, line in enumerate(screen) if "Working on it" in line)
    late = next(i for i, line in enumerate(screen) if "Report: 3 incidents." in line)
    assert working < late


def test_deskbot_chat_app_gives_calls_a_response_url(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "echo_bot.py").write_text(
        "from aiohttp import web\n"
        "SEEN = []\n"
        "def app(secret):\n"
        "    async def cliq(request):\n"
        "        SEEN.append(await request.json())\n"
        "        return web.json_response({'output': {'text': 'ok'}})\n"
        "    application = web.Application()\n"
        "    application.router.add_post('/cliq', cliq)\n"
        "    return application\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.delitem(sys.modules, "echo_bot", raising=False)
    lines = iter(["hello", "quit"])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(lines))
    assert main(["chat", "--app", "echo_bot:app"]) == 0
    [call] = sys.modules["echo_bot"].SEEN
    assert str(call["response_url"]).startswith("http://127.0.0.1:")


async def test_the_sink_shows_a_message_object_and_refuses_anything_else() -> None:
    shown: list[Answer] = []
    sink, url = await late_answer_sink(shown.append)
    try:
        async with aiohttp.ClientSession() as session:
            async with session.post(url, json={"text": "late"}) as answer:
                assert answer.status == 204
            async with session.post(url, data=b"[1]") as answer:
                assert answer.status == 400
            async with session.post(url, data=b"not json") as answer:
                assert answer.status == 400
    finally:
        await sink.cleanup()
    assert [a.text for a in shown] == ["late"]
