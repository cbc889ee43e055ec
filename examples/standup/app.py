"""The stand-up bot's composition root: the Bot, its context, the HTTP app, and Cliq.

    .venv/bin/python -m aiohttp.web -P 8080 examples.standup.app:serve   # or:
    .venv/bin/deskbot chat --app examples.standup:app                     # in this terminal

`app(secret)` is the app factory `deskbot chat --app` calls (with the HMAC secret it signs
with); `serve(argv)` is the `aiohttp.web` entry point, reading `bot.toml`.
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
from aiohttp import web

from bot.framework import (
    Banner,
    Bot,
    CliqClient,
    CliqError,
    Clock,
    Envelope,
    HmacVerifier,
    SystemClock,
    TokenManager,
    cliq_base_url,
    make_web_app,
    post_late,
    token_url,
)
from bot.sandbox.cliq_only import CliqOnlySandbox, cliq_sandbox
from examples.standup.config import StandupConfig, load
from examples.standup.context import Channel, StandupContext
from examples.standup.listeners import router
from examples.standup.updates import Updates

log = logging.getLogger(__name__)

CHANNEL = web.AppKey("standup_channel", Channel)
SANDBOX = web.AppKey("standup_sandbox", CliqOnlySandbox)


def cliq_refused(error: CliqError) -> Banner:
    """The reply when Cliq refuses or cannot be reached (registered by class on the Bot)."""
    return Banner(
        text=f"Cliq did not take the post ({error.code or error.status}).", status="failure"
    )


def build_bot(config: StandupConfig, clock: Clock, parts: dict[str, Any]) -> Bot:
    """The bot with its router. `parts["channel"]` is filled in when the app starts."""
    updates = Updates()

    async def context(envelope: Envelope, bot: Bot, request_id: str) -> StandupContext:
        return StandupContext(
            envelope=envelope,
            bot=bot,
            clock=clock,
            request_id=request_id,
            updates=updates,
            channel=parts.get("channel"),
            teams=config.bot.teams,
        )

    async def late_reply(envelope: Envelope, output: bytes) -> None:
        """An answer past the deadline: to the call's response_url (extensions), else posted
        as the bot where the call was made (Deluge shims have no response_url)."""
        channel: Channel | None = parts.get("channel")
        if channel is not None:
            await post_late(channel.client, envelope, output)

    bot = Bot(
        name=config.bot.name,
        clock=clock,
        deadline=config.bot.deadline_seconds,
        context_factory=context,
        late_reply=late_reply,
        error_replies={CliqError: cliq_refused},
    )
    return bot.include(router)


def app(
    secret: str | None = None,
    *,
    config: StandupConfig | None = None,
    clock: Clock | None = None,
) -> web.Application:
    """The aiohttp app serving the stand-up bot at `POST /cliq`.

    `secret` is the shims' HMAC secret (default: from `config`, see `StandupConfig.secret`);
    with `datacenter = "sandbox"` the sandbox Cliq starts with the app, on loopback, and the
    team channel is created there. Raises ValueError for a missing secret."""
    config = config or load()
    clock = clock or SystemClock()
    parts: dict[str, Any] = {}
    bot = build_bot(config, clock, parts)
    web_app = make_web_app(bot, HmacVerifier(secret or config.secret(), clock))

    async def cliq(web_app: web.Application) -> AsyncIterator[None]:
        async with aiohttp.ClientSession() as session:
            if config.uses_sandbox:
                async with cliq_sandbox(clock) as sandbox:
                    client = CliqClient(
                        session, sandbox.cliq_url, sandbox.tokens(session), config.bot.unique_name
                    )
                    await client.create_channel(config.bot.channel)
                    web_app[SANDBOX] = sandbox
                    async with _joined(web_app, client, config, clock, parts):
                        yield
            else:
                tokens = TokenManager(
                    session,
                    token_url=token_url(config.cliq.accounts_url),
                    client_id=_env("STANDUP_OAUTH_CLIENT_ID"),
                    client_secret=_env("STANDUP_OAUTH_CLIENT_SECRET"),
                    refresh_token=_env("STANDUP_CLIQ_REFRESH_TOKEN"),
                    clock=clock,
                )
                base = cliq_base_url(config.cliq.datacenter)
                client = CliqClient(session, base, tokens, config.bot.unique_name, clock)
                async with _joined(web_app, client, config, clock, parts):
                    yield

    web_app.cleanup_ctx.append(cliq)
    return web_app


@asynccontextmanager
async def _joined(
    web_app: web.Application,
    client: CliqClient,
    config: StandupConfig,
    clock: Clock,
    parts: dict[str, Any],
) -> AsyncIterator[Channel]:
    """Join the team channel (idempotent) and make it the listeners' `ctx.channel` meanwhile."""
    channel = Channel(client, config.bot.channel, clock)
    await client.add_bot_to_channel(channel.name)
    parts["channel"] = web_app[CHANNEL] = channel
    try:
        yield channel
    finally:
        parts.pop("channel", None)


def _env(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        raise ValueError(f"set {name}")
    return value


def serve(argv: list[str]) -> web.Application:
    """`python -m aiohttp.web examples.standup.app:serve`: the app with `bot.toml`'s settings."""
    logging.basicConfig(level=logging.INFO)
    return app()
