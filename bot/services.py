"""Deskbot's long-lived parts, opened together when the app starts and closed when it stops.

One HTTP session per outside service (Accounts, Desk, Cliq), one database, one clock. With the
shipped `bot.toml` the sandboxes start first and everything points at them; with real Zoho the
same code points at Zoho's hosts.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import aiohttp

from attendance.service import AttendanceService
from bot.cliq.client import CliqClient, cliq_base_url
from bot.clock import Clock
from bot.config import CLIQ_REFRESH_ENV, DESK_REFRESH_ENV, SANDBOX, Config
from bot.context import zone
from bot.desk.client import DeskClient
from bot.desk.errors import DeskError
from bot.desk.hosts import hosts_for
from bot.desk.people import Department
from bot.desk.tickets import TicketStatus
from bot.desk.transport import Sleep, TokenSource
from bot.desk.webhook_jwt import JwksCache, WebhookVerifier
from bot.handlers.attendance_export import ExportLinks
from bot.handlers.desk_poller import DeskPoller
from bot.handlers.notifier import Notifier
from bot.handlers.scheduler import Scheduler
from bot.handlers.sender import Sender
from bot.identity.connections import AgentConnections
from bot.identity.directory import AgentDirectory
from bot.install import EVENTS_MODE, install, uninstall
from bot.oauth import ACCOUNTS_HOSTS, FixedToken, OAuthError, TokenManager, token_url
from bot.sandbox.run import Sandboxes, start_sandboxes
from bot.store.answers import Answers
from bot.store.db import Database
from bot.store.inbox import Inbox
from bot.store.outbox import Outbox
from bot.store.seen import SeenCredentials
from bot.store.settings import Settings
from bot.store.snapshots import TicketSnapshots
from bot.store.tasks import WatchedTasks
from bot.store.ticket_states import TicketStates

log = logging.getLogger("deskbot")

MAX_AGENT_CLIENTS = 256
"""Per-agent Desk clients kept (least recently used dropped first: it costs one token refresh)."""
ORG_DATA_TTL = timedelta(minutes=30)
"""How long the org's departments and ticket statuses are used before Desk is read again."""
ORG_DATA_RETRY = timedelta(minutes=1)
"""While Desk cannot be read, how long the departments known are used before asking again."""


@dataclass
class Services:
    config: Config
    clock: Clock
    db: Database
    sandboxes: Sandboxes | None
    accounts_url: str
    desk_url: str
    desk: DeskClient  # the org's identity: reads, notifications, digests
    cliq: CliqClient
    directory: AgentDirectory
    connections: AgentConnections
    answers: Answers
    attendance: AttendanceService
    outbox: Outbox
    sender: Sender
    sleep: Sleep
    inbox: Inbox
    seen: SeenCredentials
    settings: Settings
    webhooks: WebhookVerifier
    notifier: Notifier
    scheduler: Scheduler
    tasks: WatchedTasks
    poller: DeskPoller  # Desk's events by polling, on editions without webhooks
    export_links: ExportLinks
    desk_http: aiohttp.ClientSession
    cliq_http: aiohttp.ClientSession
    accounts_http: aiohttp.ClientSession
    desk_gate: asyncio.Semaphore  # the portal's concurrency cap, shared by every Desk client
    credentials: dict[str, TokenManager] = field(default_factory=dict)  # variable → its tokens
    events_mode: str | None = None  # how Desk's events arrive: webhook, polling, or None
    _agent_clients: OrderedDict[str, DeskClient] = field(default_factory=OrderedDict)
    # (when to read again, what was read): the org's departments and ticket statuses
    _departments: tuple[datetime, list[Department]] | None = None
    _statuses: tuple[datetime, list[TicketStatus]] | None = None

    async def post(
        self, target_kind: str, target: str, payload: dict[str, Any], *, dedupe_key: str
    ) -> bool:
        """Queue a post for the sender (never lost: it is stored before anything is sent)."""
        queued = await self.outbox.enqueue(None, target_kind, target, payload, dedupe_key)
        self.sender.wake()
        return queued

    def __post_init__(self) -> None:
        self.connections.on_change(lambda email: self._agent_clients.pop(email, None))

    async def names(self) -> dict[str, str]:
        """Agent and department ids → names, for cards."""
        found = {a.id: a.display_name for a in await self.directory.all()}
        found.update({d.id: d.name or d.id for d in await self.departments()})
        return found

    async def install(self, public_url: str) -> list[str]:
        done = await install(
            self.desk,
            self.cliq,
            self.settings,
            public_url=public_url,
            org_channel=self.config.cliq.org_channel,
        )
        for webhook_id in await self.settings.get("webhook_ids", []):
            self.webhooks.allow(webhook_id)
        self.events_mode = await self.settings.get(EVENTS_MODE)
        if self.events_mode == "polling":
            await self.poller.run_once()  # changes from now on are seen, not from the next tick
        return done

    async def uninstall(self, public_url: str) -> list[str]:
        done = await uninstall(self.desk, self.settings, public_url=public_url)
        self.events_mode = None
        return done

    async def departments(self) -> list[Department]:
        """The org's departments, read at most every 30 minutes; while Desk cannot be read
        (down, or our token refused) the ones known are kept, and Desk asked once a minute."""
        now = self.clock.now()
        if self._departments is None or now > self._departments[0]:
            try:
                self._departments = (now + ORG_DATA_TTL, await self.desk.departments())
            except DeskError as error:
                if self._departments is None:
                    raise
                log.warning("departments not re-read, keeping those known: %s", error)
                self._departments = (now + ORG_DATA_RETRY, self._departments[1])
        return self._departments[1]

    async def statuses(self, *, fresh: bool = False) -> list[TicketStatus]:
        """The portal's ticket statuses with their `statusType` (`/organizationFields`), read
        at most every 30 minutes; `fresh` re-reads when a name is not among those known."""
        now = self.clock.now()
        if fresh or self._statuses is None or now > self._statuses[0]:
            self._statuses = (now + ORG_DATA_TTL, await self.desk.ticket_statuses())
        return self._statuses[1]

    async def agent_token_works(self, email: str) -> bool:
        """Whether the agent has a stored refresh token that Zoho still accepts (an access
        token is minted with it, or the cached one reused)."""
        refresh = await self.connections.refresh_token(email)
        if refresh is None:
            return False
        try:
            await self.desk_as(refresh, email).http.tokens.token()
        except OAuthError:
            return False
        return True

    def desk_as(self, refresh_token: str, email: str = "") -> DeskClient:
        """A Desk client acting as the agent whose refresh token this is (SPEC D5), kept per
        agent so its access token is reused; at most `MAX_AGENT_CLIENTS` are kept."""
        key = email.casefold() or refresh_token
        client = self._agent_clients.pop(key, None) or self._new_agent_client(refresh_token)
        self._agent_clients[key] = client  # the most recently used last
        while len(self._agent_clients) > MAX_AGENT_CLIENTS:
            self._agent_clients.popitem(last=False)
        return client

    async def desk_email_of(self, access_token: str) -> str | None:
        """The e-mail of the Desk agent an access token acts as (`GET /myinfo`): who consented
        in an OAuth code exchange. DeskError or OAuthError when Desk refuses the token."""
        return (await self._desk_client(FixedToken(access_token)).myinfo()).email

    def _new_agent_client(self, refresh_token: str) -> DeskClient:
        tokens = TokenManager(
            self.accounts_http,
            token_url=token_url(self.accounts_url),
            client_id=self.config.client_id,
            client_secret=self.config.client_secret(),
            refresh_token=refresh_token,
            clock=self.clock,
        )
        return self._desk_client(tokens)

    def _desk_client(self, tokens: TokenSource) -> DeskClient:
        return DeskClient(
            self.desk_http,
            self.desk_url,
            self.config.desk_org_id,
            tokens,
            self.clock,
            concurrency=self.config.desk.concurrency,
            sleep=self.sleep,
            gate=self.desk_gate,
        )


@asynccontextmanager
async def open_services(
    config: Config, clock: Clock, sleep: Sleep = asyncio.sleep
) -> AsyncIterator[Services]:
    """`sleep` is what retries wait with (tests inject one that records instead)."""
    async with AsyncExitStack() as stack:
        sandboxes = None
        if config.uses_sandbox:
            sandboxes = await start_sandboxes(config, clock)
            stack.push_async_callback(sandboxes.stop)
            log.info("sandboxes: %s", sandboxes.urls)
        accounts_url, desk_url, cliq_accounts, cliq_url = _urls(config, sandboxes)
        db = await Database.open(config.store.path)
        stack.push_async_callback(db.close)
        # aiohttp's default is 5 minutes a call: a stalled Desk or Accounts would hold a
        # command, a worker round and the portal's concurrency slot that long.
        zoho_timeout = aiohttp.ClientTimeout(total=config.desk.timeout_seconds)
        accounts_http = await stack.enter_async_context(aiohttp.ClientSession(timeout=zoho_timeout))
        desk_http = await stack.enter_async_context(aiohttp.ClientSession(timeout=zoho_timeout))
        cliq_http = await stack.enter_async_context(aiohttp.ClientSession())

        def tokens(refresh_token: str, variable: str, accounts: str = accounts_url) -> TokenManager:
            return TokenManager(
                accounts_http,
                token_url=token_url(accounts),
                client_id=config.client_id,
                client_secret=config.client_secret(),
                refresh_token=refresh_token,
                clock=clock,
                variable=variable,
            )

        desk_tokens = tokens(config.desk_refresh_token(), DESK_REFRESH_ENV)
        cliq_tokens = tokens(config.cliq_refresh_token(), CLIQ_REFRESH_ENV, cliq_accounts)
        # One cap per Desk portal, shared by the org's client and every agent's (desk.md §4.2).
        desk_gate = asyncio.Semaphore(config.desk.concurrency)
        desk = DeskClient(
            desk_http,
            desk_url,
            config.desk_org_id,
            desk_tokens,
            clock,
            concurrency=config.desk.concurrency,
            sleep=sleep,
            gate=desk_gate,
        )
        cliq = CliqClient(
            cliq_http,
            cliq_url,
            cliq_tokens,
            config.cliq.bot_unique_name,
            clock,
            sleep=sleep,
        )
        connections = AgentConnections(
            db,
            clock,
            key=config.token_key(),
            authorize_url=f"{accounts_url}/oauth/v2/auth",
            client_id=config.client_id,
            redirect_uri=f"{config.public_url}/oauth/callback",
        )
        answers = Answers(db, clock)
        attendance = AttendanceService(db, clock)
        outbox = Outbox(db, clock)
        # The sender retries durably through the outbox, so its client tries each post once.
        poster = CliqClient(
            cliq_http, cliq_url, cliq.tokens, config.cliq.bot_unique_name, clock, attempts=1
        )
        sender = Sender(
            outbox, poster, clock, per_target_per_minute=config.notifications.posts_per_minute
        )
        inbox = Inbox(db, clock)
        seen = SeenCredentials(db, clock)
        settings = Settings(
            db, org_channel=config.cliq.org_channel, dm_owner=config.notifications.dm_owner
        )
        watched_tasks = WatchedTasks(db)
        states = TicketStates(db)
        snapshots = TicketSnapshots(db)
        for part in (
            connections,
            answers,
            attendance,
            outbox,
            inbox,
            seen,
            settings,
            watched_tasks,
            states,
            snapshots,
        ):
            await part.setup()
        jwks_url = (
            f"{sandboxes.urls['desk']}/.well-known/jwks.json"
            if sandboxes and config.desk.datacenter == SANDBOX
            else hosts_for(config.desk.datacenter).jwks_url
        )
        webhooks = WebhookVerifier(
            JwksCache(desk_http, jwks_url, clock),
            config.desk_org_id,
            await settings.get("webhook_ids", []),
            clock,
        )
        directory = AgentDirectory(desk, clock)
        notifier = Notifier(
            db=db,
            inbox=inbox,
            outbox=outbox,
            desk=desk,
            directory=directory,
            settings=settings,
            clock=clock,
            channel_zone=zone(config.notifications.digest_zone),
            names=lambda: services.names(),
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
            names=lambda: services.names(),
            posted=sender.wake,
            departments=lambda: services.departments(),
            tasks=watched_tasks,
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
        services = Services(
            config=config,
            clock=clock,
            db=db,
            sandboxes=sandboxes,
            accounts_url=accounts_url,
            desk_url=desk_url,
            desk=desk,
            cliq=cliq,
            directory=directory,
            connections=connections,
            answers=answers,
            attendance=attendance,
            outbox=outbox,
            sender=sender,
            sleep=sleep,
            desk_http=desk_http,
            cliq_http=cliq_http,
            accounts_http=accounts_http,
            inbox=inbox,
            seen=seen,
            settings=settings,
            webhooks=webhooks,
            notifier=notifier,
            scheduler=scheduler,
            tasks=watched_tasks,
            poller=poller,
            desk_gate=desk_gate,
            export_links=ExportLinks(config.token_key(), config.public_url, clock),
            credentials={DESK_REFRESH_ENV: desk_tokens, CLIQ_REFRESH_ENV: cliq_tokens},
        )
        services.events_mode = await settings.get(EVENTS_MODE)
        yield services


def _urls(config: Config, sandboxes: Sandboxes | None) -> tuple[str, str, str, str]:
    """Desk's Accounts and API, Cliq's Accounts and API: the sandbox's or the data centre's."""
    sandbox = sandboxes.urls if sandboxes else {}
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
