"""The composition root: builds Deskbot's aiohttp app from the config. The only place that wires
concrete parts together."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
from aiohttp import web

from bot.cliq.envelope import Envelope
from bot.cliq.response_url import post_to_response_url
from bot.cliq.verify import AnyVerifier, CliqSignatureVerifier, HmacVerifier, Verifier
from bot.clock import Clock, SystemClock
from bot.commands import help as help_commands
from bot.config import Config
from bot.dispatch import Bot, LateReply
from bot.handlers.web import make_web_app
from bot.router import Router


def routers() -> list[Router]:
    """Every feature's router, in the order that decides ties."""
    return [help_commands.router]


def build_bot(
    config: Config, clock: Clock | None = None, late_reply: LateReply | None = None
) -> Bot:
    return Bot(
        name=config.cliq.bot_name,
        clock=clock or SystemClock(),
        deadline=config.cliq.deadline_seconds,
        late_reply=late_reply,
    ).include(*routers())


def build_verifier(config: Config, clock: Clock) -> Verifier:
    window = config.cliq.signature_window_seconds
    verifiers: list[Verifier] = [HmacVerifier(config.cliq_secret(), clock, window)]
    if config.cliq.extension_public_key:
        with open(config.cliq.extension_public_key, encoding="utf-8") as key_file:
            verifiers.append(CliqSignatureVerifier(key_file.read(), clock, window))
    return AnyVerifier(*verifiers)


class _Services:
    """Long-lived clients, opened when the app starts and closed when it stops."""

    def __init__(self) -> None:
        self.http: aiohttp.ClientSession | None = None

    async def late_reply(self, envelope: Envelope, output: bytes) -> None:
        if self.http is None:
            raise RuntimeError("the app is not running")
        await post_to_response_url(self.http, envelope, output)

    async def lifetime(self, app: web.Application) -> AsyncIterator[None]:
        async with aiohttp.ClientSession() as session:
            self.http = session
            yield
            self.http = None


def create_app(config: Config, *, clock: Clock | None = None) -> web.Application:
    clock = clock or SystemClock()
    services = _Services()
    bot = build_bot(config, clock, late_reply=services.late_reply)
    app = make_web_app(
        bot, build_verifier(config, clock), max_body_bytes=config.server.max_body_bytes
    )
    app.cleanup_ctx.insert(0, services.lifetime)
    return app
