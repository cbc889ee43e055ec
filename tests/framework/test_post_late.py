"""`post_late(cliq, envelope, output)`: the one way a bot delivers an answer past its deadline
through the REST client, to the sandbox Cliq over HTTP: a Deluge shim call's answer is posted
as the bot into the person's chat with it, an extension's to its `response_url`, a banner as a
plain message, and what cannot be posted (a form) nowhere."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.framework import (
    Banner,
    Bot,
    CliqClient,
    Context,
    Envelope,
    Form,
    FrozenClock,
    HmacVerifier,
    Router,
    TextInput,
    make_web_app,
    parse_envelope,
    post_late,
)
from bot.testing import CliqOnlySandbox, Conversation, SignedRequests, cliq_sandbox, envelope

router = Router()
gate: dict[str, asyncio.Event] = {}  # a fresh Event for each test's loop
EMAIL = "agent@example.com"
USER = {"email": EMAIL, "first_name": "Aiko"}


@router.command("slow", takes=1)
async def slow(ctx: Context, args: str) -> str | Banner | Form:
    await gate["release"].wait()
    if args == "banner":
        return Banner(text="Saved.")
    if args == "form":
        inputs = [TextInput(name="why", label="Why", placeholder="Say")]
        return Form(name="why", title="Why?", inputs=inputs)
    return "Done at last."


@router.form("why")
async def why(ctx: Context, values: dict[str, object]) -> str:
    return "ok"


@pytest.fixture
async def world() -> AsyncIterator[tuple[CliqOnlySandbox, Conversation]]:
    gate["release"] = asyncio.Event()
    async with cliq_sandbox(FrozenClock()) as sandbox, aiohttp.ClientSession() as session:
        cliq = CliqClient(session, sandbox.cliq_url, sandbox.tokens(session), "pager")

        async def late_reply(envelope: Envelope, output: bytes) -> None:
            await post_late(cliq, envelope, output)

        bot = Bot(clock=FrozenClock(), deadline=0.01, late_reply=late_reply).include(router)
        app = make_web_app(bot, HmacVerifier("s", bot.clock))
        async with TestClient(TestServer(app)) as client:
            sandbox.cliq.open_bot_chat("pager", EMAIL)
            yield sandbox, Conversation(client, SignedRequests("s", bot.clock))


async def test_a_shim_calls_late_answer_is_posted_to_the_persons_chat_with_the_bot(
    world: tuple[CliqOnlySandbox, Conversation],
) -> None:
    sandbox, chat = world
    assert "Working on it" in (await chat.command("slow", "text")).output["text"]
    gate["release"].set()
    [post] = await asyncio.wait_for(sandbox.cliq.posted("user", EMAIL), 5)
    assert post["body"] == {"text": "Done at last."} and post["sender"] == "pager"


async def test_a_late_banner_is_posted_as_a_plain_message(
    world: tuple[CliqOnlySandbox, Conversation],
) -> None:
    sandbox, chat = world
    await chat.command("slow", "banner")
    gate["release"].set()
    [post] = await asyncio.wait_for(sandbox.cliq.posted("user", EMAIL), 5)
    assert post["body"] == {"text": "Saved."}


async def test_an_extensions_late_answer_goes_to_its_response_url(
    world: tuple[CliqOnlySandbox, Conversation],
) -> None:
    sandbox, chat = world
    chat.response_url = f"{sandbox.cliq_url}/sandbox/response/tok-1"
    chat.wire = "json"
    await chat.command("slow", "text")
    gate["release"].set()
    [post] = await asyncio.wait_for(sandbox.cliq.posted("response", "tok-1"), 5)
    assert post["body"] == {"text": "Done at last."}
    assert sandbox.cliq.to("user", EMAIL) == []


async def test_what_cannot_be_posted_is_posted_nowhere() -> None:
    async with cliq_sandbox(FrozenClock()) as sandbox, aiohttp.ClientSession() as session:
        sandbox.cliq.open_bot_chat("pager", EMAIL)
        cliq = CliqClient(session, sandbox.cliq_url, sandbox.tokens(session), "pager")
        call = envelope("command", "execution_handler", name="slow", params={"user": USER})
        shim_call = parse_envelope(json.dumps(call).encode())
        inputs = [TextInput(name="why", label="Why", placeholder="Say")]
        for output in (Form(name="why", title="Why?", inputs=inputs).to_json(), b'""', b"{}"):
            await post_late(cliq, shim_call, output)
        await post_late(cliq, shim_call, b'{"text": "posted"}')
        assert [m["body"] for m in sandbox.cliq.messages] == [{"text": "posted"}]
