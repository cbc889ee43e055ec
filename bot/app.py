"""The composition root: builds Deskbot's aiohttp app from the config. The only place that wires
concrete parts together: `open_parts` builds every long-lived part and stores it under its
typed key (bot.parts) when the app starts, and closes them when it stops; `create_app` adds
the routes, the listeners' context and the workers.

One HTTP session per outside service (Accounts, Desk, Cliq), one database, one clock. With the
shipped `bot.toml` the sandboxes start first and everything points at them; with real Zoho the
same code points at Zoho's hosts.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import logging
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from functools import partial

import aiohttp
from aiohttp import web

from attendance.errors import AttendanceError
from attendance.service import AttendanceService
from bot import answers
from bot.cliq.client import CliqClient, cliq_base_url
from bot.cliq.envelope import Envelope
from bot.cliq.errors import CliqError
from bot.cliq.verify import AnyVerifier, CliqSignatureVerifier, HmacVerifier, Verifier
from bot.clock import Clock, MovableClock, SystemClock
from bot.commands import actions, attendance, attendance_reports, board, connect, summaries, tickets
from bot.commands import help as help_commands
from bot.commands.attendance import default_words
from bot.commands.common import (
    attendance_refused,
    cliq_error_reply,
    connect_card,
    desk_error_reply,
    store_unavailable_banner,
)
from bot.commands.context import DeskContext
from bot.config import CLIQ_REFRESH_ENV, DESK_REFRESH_ENV, SANDBOX, Config
from bot.console.app import add_console
from bot.console.signin import ZohoSignIn
from bot.desk.client import DeskClient
from bot.desk.errors import DeskError
from bot.desk.hosts import hosts_for
from bot.desk.org_data import OrgData
from bot.desk.transport import Sleep, TokenSource
from bot.desk.webhook_jwt import JwksCache, WebhookVerifier
from bot.dispatch import Bot, ContextFactory, LateReply
from bot.handlers import attendance_export, desk_events, oauth_callback
from bot.handlers.cliq import REPLAYS
from bot.handlers.health import HEALTH_CHECKS, HEALTH_PARTS, SANDBOX_URLS
from bot.handlers.web import add_routes, make_web_app
from bot.i18n import Languages
from bot.identity.agent_desks import AgentDesks
from bot.identity.connections import AgentConnections, NotConnected
from bot.identity.directory import AgentDirectory
from bot.identity.export_links import ExportLinks
from bot.identity.secrets import form_seal_key
from bot.install import Installation, InstallError
from bot.notify.attendance import AttendanceNotices
from bot.notify.readers import Readers
from bot.oauth import ACCOUNTS_HOSTS, Accounts
from bot.parts import (
    ACCOUNTS,
    AGENT_DESKS,
    ANSWERS,
    ATTENDANCE,
    CLIQ,
    CLOCK,
    CLOCK_FOLLOWER,
    CONFIG,
    CONNECTIONS,
    CONSOLE_SESSIONS,
    CONSOLE_SIGNIN,
    CREDENTIALS,
    DB,
    DESK,
    DIRECTORY,
    EXPORT_LINKS,
    INBOX,
    INSTALLATION,
    NOTIFIER,
    ORG_DATA,
    OUTBOX,
    POLLER,
    READERS,
    SANDBOX_ADDRESSES,
    SANDBOXES,
    SCHEDULER,
    SCHEDULER_LEASE,
    SEEN,
    SENDER,
    SETTINGS,
    STORE_CHECK,
    TASKS,
    WEBHOOKS,
    ZONES,
)
from bot.router import Router
from bot.sandbox.follow import ClockFollower
from bot.sandbox.run import start_sandboxes
from bot.store.answers import Answers
from bot.store.console_sessions import ConsoleSessions
from bot.store.db import Database, StoreUnavailable
from bot.store.health import StoreCheck
from bot.store.inbox import Inbox
from bot.store.links import Links
from bot.store.outbox import Outbox
from bot.store.seen import SeenCredentials
from bot.store.settings import Settings
from bot.store.snapshots import TicketSnapshots
from bot.store.tasks import WatchedTasks
from bot.store.ticket_states import TicketStates
from bot.store.zones import PersonZones
from bot.workers.attendance_sweep import sweep_attendance
from bot.workers.desk_poller import DeskPoller
from bot.workers.due_work import due_work
from bot.workers.leader import LEASE, lead
from bot.workers.notifier import Notifier
from bot.workers.scheduler import Scheduler
from bot.workers.sender import Sender

log = logging.getLogger(__name__)


def routers() -> list[Router]:
    """Every feature's router, in the order that decides ties."""
    return [
        help_commands.router,
        tickets.router,
        summaries.router,
        actions.router,
        connect.router,
        attendance.router,
        board.router,
        attendance_reports.router,
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
            DeskError: desk_error_reply,
            CliqError: cliq_error_reply,
            AttendanceError: attendance_refused,
            NotConnected: connect_card,
            StoreUnavailable: store_unavailable_banner,
        },
        form_key=form_seal_key(config.token_key()),
        languages=Languages(config.bot.language),
    ).include(*routers())


def build_verifier(config: Config, clock: Clock) -> Verifier:
    window = config.cliq.signature_window_seconds
    verifiers: list[Verifier] = [HmacVerifier(config.cliq_secret(), clock, window)]
    if config.cliq.extension_public_key:
        with open(config.cliq.extension_public_key, encoding="utf-8") as key_file:
            verifiers.append(CliqSignatureVerifier(key_file.read(), clock, window))
    return AnyVerifier(*verifiers)


def create_app(
    config: Config,
    *,
    clock: Clock | None = None,
    sleep: Sleep | None = None,
    timers: bool = True,
) -> web.Application:
    """Deskbot's app: the framework's edge (bot.handlers.web) plus Deskbot's routes, its
    listeners and its workers; the parts are opened when the app starts (`open_parts`).
    `clock` and `sleep` (what retries wait with) are injected by tests. `timers=False` leaves
    out the time-driven workers' own rounds on wall time (scheduler, Desk poller, attendance
    sweep, under the scheduler lease): tests that drive time themselves run that work when they
    move the sandbox clock (the due work) or call it, never at a moment the engine's speed
    decides."""
    clock = clock or SystemClock()

    async def late_reply(envelope: Envelope, output: bytes) -> None:
        """A late answer (or a channel keyword answer): through `response_url` when the call
        has one (extensions), else posted as the bot through the outbox (Deluge shims)."""
        if envelope.response_url:
            await app[CLIQ].post_to_response_url(envelope.response_url, json.loads(output))
            return
        found = answers.late_post(envelope, json.loads(output))
        if found is None:
            log.info("late answer of a %s had nothing postable", envelope.handler.type)
            return
        kind, target, message = found
        key = f"late:{envelope.handler.type}:{envelope.params.user.id}:{envelope.timestamp}"
        await app[SENDER].queue(kind, target, message, dedupe_key=key)

    async def context(envelope: Envelope, bot: Bot, request_id: str) -> DeskContext:
        user = envelope.params.user
        said = user.model_fields_set  # where the caller is and what they read: their DMs'
        if "timezone" in said or "language" in said:
            await app[ZONES].remember(
                user.email,
                user.timezone if "timezone" in said else None,
                user.language if "language" in said else None,
            )
        problem: DeskError | None = None
        try:
            agent = await app[DIRECTORY].by_email(envelope.params.user.email)
        except DeskError as error:
            log.warning("Desk unreachable: %s answered without a Desk identity", request_id)
            agent, problem = None, error
        return DeskContext(
            envelope=envelope,
            bot=bot,
            clock=app[CLOCK],  # the sandbox world's, which may have been moved
            request_id=request_id,
            parts=app,
            agent=agent,
            desk_problem=problem,
        )

    bot = build_bot(config, clock, late_reply=late_reply, context_factory=context)
    app = make_web_app(bot, build_verifier(config, clock), limits=config.server.limits())

    async def lifetime(app: web.Application) -> AsyncIterator[None]:
        async with open_parts(app, config, clock, sleep or asyncio.sleep):
            app[REPLAYS] = app[SEEN]  # signed calls remembered in the store, across processes
            addresses: dict[str, str] = app[SANDBOX_ADDRESSES]
            app[SANDBOX_URLS].update(addresses)
            for name, url in app[SANDBOX_URLS].items():
                print(f"sandbox {name:<8} {url}", flush=True)
            gc.freeze()  # the long-lived objects are built: keep the collector off them
            workers = [
                asyncio.ensure_future(app[SENDER].run_forever()),
                asyncio.ensure_future(app[NOTIFIER].run_forever()),
            ]
            if timers:  # one process among those sharing the store runs the time-driven workers
                workers.append(
                    asyncio.ensure_future(
                        lead(
                            app[SCHEDULER_LEASE],
                            [
                                app[SCHEDULER].run_forever,
                                partial(app[POLLER].run_forever, config.desk.poll_seconds),
                                partial(sweep_attendance, app[ATTENDANCE], app[CLOCK]),
                            ],
                            app[CLOCK],
                        )
                    )
                )
            if CLOCK_FOLLOWER in app:
                workers.append(asyncio.ensure_future(app[CLOCK_FOLLOWER].run_forever()))
            if app[SANDBOX_ADDRESSES] and config.sandbox.auto_install:
                workers.append(
                    asyncio.ensure_future(_install_when_listening(app[INSTALLATION], config))
                )
            yield
            for worker in workers:
                worker.cancel()
            for worker in workers:
                with contextlib.suppress(asyncio.CancelledError):
                    await worker

    _add_health(app, config)
    add_routes(app, oauth_callback.routes())
    add_routes(app, attendance_export.routes())
    add_routes(
        app,
        desk_events.routes(
            lambda: app[INBOX], lambda: app[WEBHOOKS].verify, lambda: app[NOTIFIER].wake()
        ),
    )
    add_console(app)
    app.cleanup_ctx.insert(0, lifetime)
    return app


@asynccontextmanager
async def open_parts(
    app: web.Application, config: Config, clock: Clock, sleep: Sleep = asyncio.sleep
) -> AsyncIterator[web.Application]:
    """Build Deskbot's parts, store each in `app` under its bot.parts key, and close them on
    exit (yields `app`). `sleep` is what retries wait with (tests inject one that records
    instead). Used by `create_app` inside the app's cleanup context, and by the CLI's install
    commands with an app of their own that serves nothing.

    In sandbox mode the bot and its sandboxes share one movable clock over `clock`: the
    sandboxes' own when they start here (their world kept in `config.sandbox_state_path`), else
    one that follows the clock of the sandboxes at `[sandbox] desk_url` (bot/sandbox/follow.py).
    Each move runs the due work (bot/workers/due_work.py) before it answers."""
    wall = clock
    async with AsyncExitStack() as stack:
        sandbox_urls = config.sandbox.urls() or {}
        if config.uses_sandbox:
            clock = MovableClock(wall)
            if not sandbox_urls:
                sandboxes = await start_sandboxes(config, clock, db_path=config.sandbox_state_path)
                stack.push_async_callback(sandboxes.stop)
                app[SANDBOXES] = sandboxes
                sandbox_urls = sandboxes.urls
            log.info("sandboxes: %s", sandbox_urls)
        accounts_url, desk_url, cliq_accounts, cliq_url = _urls(config, sandbox_urls)
        db = await Database.open(config.store.location)
        stack.push_async_callback(db.close)
        # aiohttp's default is 5 minutes a call: a stalled Desk or Accounts would hold a
        # command, a worker round and the portal's concurrency slot that long.
        zoho_timeout = aiohttp.ClientTimeout(total=config.desk.timeout_seconds)
        accounts_http = await stack.enter_async_context(aiohttp.ClientSession(timeout=zoho_timeout))
        desk_http = await stack.enter_async_context(aiohttp.ClientSession(timeout=zoho_timeout))
        cliq_http = await stack.enter_async_context(aiohttp.ClientSession())
        if isinstance(clock, MovableClock) and SANDBOXES not in app:
            follower = ClockFollower(desk_http, sandbox_urls["desk"], clock)
            await follower.sync()  # the world's time before anything runs
            app[CLOCK_FOLLOWER] = follower
        secret = config.client_secret()
        accounts = Accounts(
            accounts_http,
            accounts_url,
            client_id=config.client_id,
            client_secret=secret,
            clock=clock,
        )
        cliq_side = Accounts(
            accounts_http,
            cliq_accounts,
            client_id=config.client_id,
            client_secret=secret,
            clock=clock,
        )
        desk_tokens = accounts.tokens(config.desk_refresh_token(), DESK_REFRESH_ENV)
        cliq_tokens = cliq_side.tokens(config.cliq_refresh_token(), CLIQ_REFRESH_ENV)
        # One cap per Desk portal, shared by the org's client and every agent's (desk.md §4.2).
        desk_gate = asyncio.Semaphore(config.desk.concurrency)

        def desk_client(tokens: TokenSource) -> DeskClient:
            return DeskClient(
                desk_http,
                desk_url,
                config.desk_org_id,
                tokens,
                clock,
                concurrency=config.desk.concurrency,
                sleep=sleep,
                gate=desk_gate,
            )

        desk = desk_client(desk_tokens)
        cliq = CliqClient(
            cliq_http,
            cliq_url,
            cliq_tokens,
            config.cliq.bot_unique_name,
            clock,
            sleep=sleep,
        )
        links = Links(db, clock)
        connections = AgentConnections(
            db,
            clock,
            key=config.token_key(),
            authorize_url=f"{accounts_url}/oauth/v2/auth",
            client_id=config.client_id,
            redirect_uri=f"{config.public_url}/oauth/callback",
            links=links,
        )
        answers_kept = Answers(db, clock)
        console_sessions = ConsoleSessions(db, clock)
        outbox = Outbox(db, clock)
        # The sender retries durably through the outbox, so its client tries each post once.
        poster = CliqClient(
            cliq_http, cliq_url, cliq.tokens, config.cliq.bot_unique_name, clock, attempts=1
        )
        sender = Sender(
            outbox, poster, clock, per_target_per_minute=config.notifications.posts_per_minute
        )
        # An admin's or the 24-hour rule's check-out is told to the agent by DM, queued in the
        # transaction that stores it (bot/notify/attendance.py).
        zones = PersonZones(db, clock)
        attendance_notices = AttendanceNotices(
            outbox,
            sender.wake,
            zones,
            Languages(config.bot.language),
            default_zone=config.notifications.digest_zone,
            fallback_channel=config.cliq.org_channel,
        )
        attendance_service = AttendanceService(
            db, clock, notices=attendance_notices, words=default_words
        )
        inbox = Inbox(db, clock)
        seen = SeenCredentials(db, wall)  # signature windows are wall time
        settings = Settings(
            db, org_channel=config.cliq.org_channel, dm_owner=config.notifications.dm_owner
        )
        watched_tasks = WatchedTasks(db)
        states = TicketStates(db)
        snapshots = TicketSnapshots(db)
        for part in (
            links,
            connections,
            console_sessions,
            answers_kept,
            attendance_service,
            outbox,
            inbox,
            seen,
            settings,
            watched_tasks,
            states,
            snapshots,
            zones,
        ):
            await part.setup()
        jwks_url = (
            f"{sandbox_urls['desk']}/.well-known/jwks.json"
            if sandbox_urls and config.desk.datacenter == SANDBOX
            else hosts_for(config.desk.datacenter).jwks_url
        )
        webhooks = WebhookVerifier(
            JwksCache(desk_http, jwks_url, clock),
            config.desk_org_id,
            await settings.get("webhook_ids", []),
            clock,
            reload=lambda: settings.get("webhook_ids", []),  # installed by another process
        )
        directory = AgentDirectory(desk, clock)
        org_data = OrgData(desk, directory, clock)
        readers = Readers(
            zones=zones,
            agents=directory,
            languages=Languages(config.bot.language),
            default_zone=config.notifications.digest_zone,
            place_zones=config.notifications.department_zones,
            place_languages={None: config.notifications.language}
            | dict[str | None, str](config.notifications.department_languages),
            chosen_languages=settings.place_languages,
        )
        notifier = Notifier(
            db=db,
            inbox=inbox,
            outbox=outbox,
            desk=desk,
            directory=directory,
            settings=settings,
            clock=clock,
            readers=readers,
            names=org_data.names,
            posted=sender.wake,
            states=states,
        )
        scheduler = Scheduler(
            config=config,
            outbox=outbox,
            desk=desk,
            directory=directory,
            settings=settings,
            clock=clock,
            names=org_data.names,
            posted=sender.wake,
            departments=org_data.departments,
            tasks=watched_tasks,
            readers=readers,
        )
        poller = DeskPoller(
            desk=desk,
            inbox=inbox,
            settings=settings,
            snapshots=snapshots,
            clock=clock,
            org_id=config.desk_org_id,
            stored=notifier.wake,
        )
        installation = Installation(
            desk,
            cliq,
            settings,
            org_channel=config.cliq.org_channel,
            allow_webhook=webhooks.allow,
            poll_once=poller.run_once,
        )
        await installation.load()
        # One lease object per process: on PostgreSQL it is a connection holding the lock. It is
        # given up when the parts close (the clock's due work may have taken it, not only `lead`).
        scheduler_lease = db.lease(LEASE)
        stack.push_async_callback(scheduler_lease.release)
        if isinstance(clock, MovableClock):
            wake = [sender.wake, notifier.wake]
            due = due_work(scheduler, attendance_service, wake, lease=scheduler_lease)
            stack.callback(clock.on_move(due))
        app[CONFIG] = config
        app[CLOCK] = clock
        app[SANDBOX_ADDRESSES] = sandbox_urls
        app[SCHEDULER_LEASE] = scheduler_lease
        app[DB] = db
        app[STORE_CHECK] = StoreCheck(db, clock)
        app[ACCOUNTS] = accounts
        app[CREDENTIALS] = {DESK_REFRESH_ENV: desk_tokens, CLIQ_REFRESH_ENV: cliq_tokens}
        app[DESK] = desk
        app[AGENT_DESKS] = AgentDesks(connections, desk_client, accounts.tokens)
        app[ORG_DATA] = org_data
        app[CLIQ] = cliq
        app[DIRECTORY] = directory
        app[CONNECTIONS] = connections
        app[ANSWERS] = answers_kept
        app[CONSOLE_SESSIONS] = console_sessions
        app[CONSOLE_SIGNIN] = ZohoSignIn(
            accounts,
            JwksCache(accounts_http, f"{accounts_url}/oauth/v2/keys", clock),
            accounts_url,
            f"{config.public_url}/console/callback",
            clock,
        )
        app[ATTENDANCE] = attendance_service
        app[EXPORT_LINKS] = ExportLinks(links, config.public_url)
        app[OUTBOX] = outbox
        app[INBOX] = inbox
        app[SEEN] = seen
        app[SETTINGS] = settings
        app[TASKS] = watched_tasks
        app[WEBHOOKS] = webhooks
        app[INSTALLATION] = installation
        app[SENDER] = sender
        app[NOTIFIER] = notifier
        app[SCHEDULER] = scheduler
        app[POLLER] = poller
        app[ZONES] = zones
        app[READERS] = readers
        yield app


def _add_health(app: web.Application, config: Config) -> None:
    """Deskbot's parts of /healthz (empty until the parts are open)."""
    app[HEALTH_PARTS]["credentials"] = lambda: {
        variable: tokens.status() for variable, tokens in app.get(CREDENTIALS, {}).items()
    }
    app[HEALTH_PARTS]["delivery"] = lambda: dict(app[SENDER].stats) if SENDER in app else {}
    app[HEALTH_PARTS]["queues"] = lambda: _queues(app)
    app[HEALTH_CHECKS]["store"] = lambda: _store_problem(app)
    # Whether this process runs the time-driven workers (holds the scheduler lease): on
    # PostgreSQL one process among all sharing the store (bot/workers/leader.py).
    app[HEALTH_PARTS]["scheduler"] = lambda: (
        {"lease": "held" if app[SCHEDULER_LEASE].holding else "waiting"}
        if SCHEDULER_LEASE in app
        else {}
    )
    app[HEALTH_PARTS]["desk_events"] = lambda: {
        "mode": app[INSTALLATION].events_mode if INSTALLATION in app else None,
        "poll_seconds": config.desk.poll_seconds,
    }


async def _queues(app: web.Application) -> dict[str, dict[str, int]]:
    """The inbox's and outbox's counts (pending, dead…) for /healthz."""
    if INBOX not in app or OUTBOX not in app:
        return {}
    try:
        return {"inbox": await app[INBOX].counts(), "outbox": await app[OUTBOX].counts()}
    except StoreUnavailable:  # the store check says why (`problems`)
        return {}


async def _store_problem(app: web.Application) -> str | None:
    """Why the store cannot be read or written now, or None (bot/store/health.py: one read per
    call, a probe write at most once per interval)."""
    return await app[STORE_CHECK].problem() if STORE_CHECK in app else None


async def _install_when_listening(
    installation: Installation, config: Config, *, attempts: int = 100, pause: float = 0.1
) -> None:
    """Sandbox setups install themselves: Desk checks the events URL answers, so wait until
    this server is listening (it starts right after the app's startup), asking `attempts` times
    `pause` seconds apart. If it never works, one error line says why (no traceback: the bot
    serves on without Desk's events until `deskbot install` is run)."""
    why: Exception | None = None
    for _ in range(attempts):
        try:
            done = await installation.install(config.public_url)
        except (DeskError, InstallError) as exc:  # not listening yet (Desk cannot reach it)
            why = exc
            await asyncio.sleep(pause)
            continue
        for line in done:
            print(f"install: {line}", flush=True)
        return
    log.error("could not install against the sandboxes at %s: %s", config.public_url, why)


def _urls(config: Config, sandbox: dict[str, str]) -> tuple[str, str, str, str]:
    """Desk's Accounts and API, Cliq's Accounts and API: the sandbox's or the data centre's."""
    if config.desk.datacenter == SANDBOX:
        desk_accounts, desk = sandbox["accounts"], f"{sandbox['desk']}/api/v1"
    else:
        hosts = hosts_for(config.desk.datacenter)
        desk_accounts, desk = hosts.accounts, hosts.api_base
    if config.cliq.datacenter == SANDBOX:
        cliq_accounts, cliq = sandbox["accounts"], sandbox["cliq"]
    else:
        cliq_accounts, cliq = (
            ACCOUNTS_HOSTS[config.cliq.datacenter],
            cliq_base_url(config.cliq.datacenter),
        )
    return desk_accounts, desk, cliq_accounts, cliq
