"""The composition root: builds Deskbot's aiohttp app from the config. The only place that wires
concrete parts together."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import logging
from collections.abc import AsyncIterator

from aiohttp import web

from attendance.errors import AttendanceError
from bot import answers
from bot.cliq.envelope import Envelope
from bot.cliq.verify import AnyVerifier, CliqSignatureVerifier, HmacVerifier, Verifier
from bot.clock import Clock, SystemClock
from bot.commands import actions, attendance, connect, summaries, tickets
from bot.commands import help as help_commands
from bot.commands.common import (
    attendance_refused,
    connect_card,
    desk_error_banner,
    store_unavailable_banner,
)
from bot.commands.context import DeskContext
from bot.config import Config
from bot.desk.errors import DeskError
from bot.desk.transport import Sleep
from bot.dispatch import Bot, ContextFactory, LateReply
from bot.handlers import attendance_export, desk_events, oauth_callback
from bot.handlers.cliq import REPLAYS
from bot.handlers.health import HEALTH_CHECKS, HEALTH_PARTS, SANDBOX_URLS
from bot.handlers.web import make_web_app
from bot.identity.connections import NotConnected
from bot.router import Router
from bot.services import Services, open_services
from bot.store.db import StoreUnavailable

SERVICES = web.AppKey("services", dict[str, Services])  # filled when the app starts
log = logging.getLogger("deskbot")


def routers() -> list[Router]:
    """Every feature's router, in the order that decides ties."""
    return [
        help_commands.router,
        tickets.router,
        summaries.router,
        actions.router,
        connect.router,
        attendance.router,
    ]


def build_bot(
    config: Config,
    clock: Clock | None = None,
    late_reply: LateReply | None = None,
    context_factory: ContextFactory | None = None,
) -> Bot:
    return Bot(
        name=config.cliq.bot_name,
        clock=clock or SystemClock(),
        deadline=config.cliq.deadline_seconds,
        late_reply=late_reply,
        context_factory=context_factory,
        error_replies={
            DeskError: desk_error_banner,
            AttendanceError: attendance_refused,
            NotConnected: connect_card,
            StoreUnavailable: store_unavailable_banner,
        },
    ).include(*routers())


def build_verifier(config: Config, clock: Clock) -> Verifier:
    window = config.cliq.signature_window_seconds
    verifiers: list[Verifier] = [HmacVerifier(config.cliq_secret(), clock, window)]
    if config.cliq.extension_public_key:
        with open(config.cliq.extension_public_key, encoding="utf-8") as key_file:
            verifiers.append(CliqSignatureVerifier(key_file.read(), clock, window))
    return AnyVerifier(*verifiers)


def create_app(
    config: Config, *, clock: Clock | None = None, sleep: Sleep | None = None
) -> web.Application:
    """`clock` and `sleep` (what retries wait with) are injected by tests."""
    clock = clock or SystemClock()
    holder: dict[str, Services] = {}

    async def late_reply(envelope: Envelope, output: bytes) -> None:
        """A late answer (or a channel keyword answer): through `response_url` when the call
        has one (extensions), else posted as the bot through the outbox (Deluge shims)."""
        if envelope.response_url:
            await holder["services"].cliq.post_to_response_url(
                envelope.response_url, json.loads(output)
            )
            return
        found = answers.late_post(envelope, json.loads(output))
        if found is None:
            log.info("late answer of a %s had nothing postable", envelope.handler.type)
            return
        kind, target, message = found
        key = f"late:{envelope.handler.type}:{envelope.params.user.id}:{envelope.timestamp}"
        await holder["services"].post(kind, target, message, dedupe_key=key)

    async def context(envelope: Envelope, bot: Bot, request_id: str) -> DeskContext:
        services = holder["services"]
        problem: DeskError | None = None
        try:
            agent = await services.directory.by_email(envelope.params.user.email)
        except DeskError as error:
            log.warning("Desk unreachable: %s answered without a Desk identity", request_id)
            agent, problem = None, error
        return DeskContext(
            envelope=envelope,
            bot=bot,
            clock=clock,
            request_id=request_id,
            services=services,
            agent=agent,
            desk_problem=problem,
        )

    bot = build_bot(config, clock, late_reply=late_reply, context_factory=context)
    app = make_web_app(bot, build_verifier(config, clock), limits=config.server.limits())

    async def lifetime(app: web.Application) -> AsyncIterator[None]:
        async with open_services(config, clock, sleep or asyncio.sleep) as services:
            holder["services"] = services
            app[REPLAYS] = services.seen  # signed calls remembered in the store, across processes
            app[SANDBOX_URLS].update(services.sandboxes.urls if services.sandboxes else {})
            for name, url in app[SANDBOX_URLS].items():
                print(f"sandbox {name:<8} {url}", flush=True)
            gc.freeze()  # the long-lived objects are built: keep the collector off them
            workers = [
                asyncio.ensure_future(services.sender.run_forever()),
                asyncio.ensure_future(services.notifier.run_forever()),
                asyncio.ensure_future(services.scheduler.run_forever()),
                asyncio.ensure_future(services.poller.run_forever(config.desk.poll_seconds)),
                asyncio.ensure_future(_sweep_attendance(services)),
            ]
            if services.sandboxes and config.sandbox.auto_install:
                workers.append(asyncio.ensure_future(_install_when_listening(services)))
            yield
            for worker in workers:
                worker.cancel()
            for worker in workers:
                with contextlib.suppress(asyncio.CancelledError):
                    await worker

    app[SERVICES] = holder
    app[HEALTH_PARTS]["credentials"] = lambda: {
        variable: tokens.status()
        for variable, tokens in (holder["services"].credentials if holder else {}).items()
    }
    app[HEALTH_PARTS]["delivery"] = lambda: dict(holder["services"].sender.stats) if holder else {}
    app[HEALTH_PARTS]["queues"] = lambda: _queues(holder)
    app[HEALTH_CHECKS]["store"] = lambda: _store_problem(holder)
    app[HEALTH_PARTS]["desk_events"] = lambda: {
        "mode": holder["services"].events_mode if holder else None,
        "poll_seconds": config.desk.poll_seconds,
    }
    app.add_routes(oauth_callback.routes(lambda: holder["services"]))
    app.add_routes(
        attendance_export.routes(
            lambda: holder["services"].attendance, lambda: holder["services"].export_links
        )
    )
    app.add_routes(
        desk_events.routes(
            lambda: holder["services"].inbox,
            lambda: holder["services"].webhooks.verify,
            lambda: holder["services"].notifier.wake(),
        )
    )
    app.cleanup_ctx.insert(0, lifetime)
    return app


async def _queues(holder: dict[str, Services]) -> dict[str, dict[str, int]]:
    """The inbox's and outbox's counts (pending, dead…) for /healthz."""
    if not holder:
        return {}
    services = holder["services"]
    return {"inbox": await services.inbox.counts(), "outbox": await services.outbox.counts()}


async def _store_problem(holder: dict[str, Services]) -> str | None:
    """Why the store cannot be written right now (a live probe), or None."""
    if not holder:
        return None
    problem = await holder["services"].db.probe()
    return f"the store cannot be written ({problem})" if problem else None


async def _install_when_listening(services: Services) -> None:
    """Sandbox setups install themselves: Desk checks the events URL answers, so wait until
    this server is listening (it starts right after the app's startup)."""
    for _ in range(100):
        try:
            done = await services.install(services.config.public_url)
        except DeskError:
            await asyncio.sleep(0.1)
            continue
        for line in done:
            print(f"install: {line}", flush=True)
        return
    log.error("could not install against the sandboxes at %s", services.config.public_url)


async def _sweep_attendance(services: Services) -> None:
    """Store the 24-hour automatic check-outs as they fall due (reads are right without it)."""
    while True:
        try:
            await services.attendance.sweep()
        except StoreUnavailable as exc:  # reads stay right; stored at the next sweep
            log.warning("attendance sweep waits: the store cannot be written (%s)", exc.reason)
        except Exception:
            log.exception("attendance sweep failed")
        await asyncio.sleep(60)
