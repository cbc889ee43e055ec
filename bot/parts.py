"""The typed keys under which Deskbot's long-lived parts are stored in its aiohttp app
(aiohttp's `app[AppKey]` idiom). `bot.app.open_parts`, the composition root, builds the parts
and stores them when the app starts; HTTP handlers read `request.app[KEY]`, listeners read
named capabilities of `bot.commands.context.DeskContext`, and workers get their parts in their
constructors. Nothing else reaches for a part.
"""

from __future__ import annotations

from aiohttp import web

from attendance.service import AttendanceService
from bot.cliq.client import CliqClient
from bot.clock import Clock
from bot.config import Config
from bot.console.signin import ZohoSignIn
from bot.desk.client import DeskClient
from bot.desk.org_data import OrgData
from bot.desk.webhook_jwt import WebhookVerifier
from bot.identity.agent_desks import AgentDesks
from bot.identity.connections import AgentConnections
from bot.identity.directory import AgentDirectory
from bot.identity.export_links import ExportLinks
from bot.install import Installation
from bot.notify.readers import Readers
from bot.oauth import Accounts, TokenManager
from bot.sandbox.follow import ClockFollower
from bot.sandbox.run import Sandboxes
from bot.store.answers import Answers
from bot.store.console_sessions import ConsoleSessions
from bot.store.db import Database, Lease
from bot.store.health import StoreCheck
from bot.store.inbox import Inbox
from bot.store.outbox import Outbox
from bot.store.seen import SeenCredentials
from bot.store.settings import Settings
from bot.store.tasks import WatchedTasks
from bot.store.zones import PersonZones
from bot.workers.desk_poller import DeskPoller
from bot.workers.notifier import Notifier
from bot.workers.scheduler import Scheduler
from bot.workers.sender import Sender

CONFIG = web.AppKey("config", Config)
CLOCK = web.AppKey("clock", Clock)
"""Every part's "now". In sandbox mode the world's MovableClock (`POST /sandbox/clock` moves
it); the signature checks of `/cliq` keep the wall clock (signed calls carry wall time)."""
SANDBOX_ADDRESSES = web.AppKey("sandbox_addresses", dict[str, str])
"""The sandboxes' URLs by name (desk, cliq, accounts): started here, or given by `[sandbox]
desk_url`, `cliq_url`, `accounts_url`; empty against real Zoho."""
CLOCK_FOLLOWER = web.AppKey("clock_follower", ClockFollower)
"""Only on sandboxes in another process: keeps CLOCK on theirs (bot/sandbox/follow.py)."""
DB = web.AppKey("db", Database)
STORE_CHECK = web.AppKey("store_check", StoreCheck)  # /healthz's store check
SANDBOXES = web.AppKey("sandboxes", Sandboxes)
"""Only with sandboxes started in this process: absent against real Zoho, and when `[sandbox]`
names sandboxes running elsewhere (`deskbot sandbox`)."""
ACCOUNTS = web.AppKey("accounts", Accounts)  # Zoho Accounts for agents' consent (Desk's DC)
CREDENTIALS = web.AppKey("credentials", dict[str, TokenManager])  # env variable → its tokens
DESK = web.AppKey("desk", DeskClient)  # the org's identity: reads, notifications, digests
AGENT_DESKS = web.AppKey("agent_desks", AgentDesks)  # Desk as each agent, for changes
ORG_DATA = web.AppKey("org_data", OrgData)  # departments, statuses, id → name
CLIQ = web.AppKey("cliq", CliqClient)
DIRECTORY = web.AppKey("directory", AgentDirectory)
CONNECTIONS = web.AppKey("connections", AgentConnections)
ANSWERS = web.AppKey("answers", Answers)  # kept button state
ATTENDANCE = web.AppKey("attendance", AttendanceService)
EXPORT_LINKS = web.AppKey("export_links", ExportLinks)
OUTBOX = web.AppKey("outbox", Outbox)
INBOX = web.AppKey("inbox", Inbox)
SEEN = web.AppKey("seen", SeenCredentials)
SETTINGS = web.AppKey("settings", Settings)
TASKS = web.AppKey("tasks", WatchedTasks)
WEBHOOKS = web.AppKey("webhooks", WebhookVerifier)
INSTALLATION = web.AppKey("installation", Installation)
SENDER = web.AppKey("sender", Sender)
NOTIFIER = web.AppKey("notifier", Notifier)
SCHEDULER = web.AppKey("scheduler", Scheduler)
SCHEDULER_LEASE = web.AppKey("scheduler_lease", Lease)
"""Held by the one process among those sharing the store that runs the time-driven work."""
POLLER = web.AppKey("poller", DeskPoller)  # Desk's events by polling, on editions without webhooks
ZONES = web.AppKey("zones", PersonZones)  # the zone each person's Cliq last told us
READERS = web.AppKey("readers", Readers)  # who reads a post: its zone and actions
CONSOLE_SESSIONS = web.AppKey(
    "console_sessions", ConsoleSessions
)  # the web console's, in the store
CONSOLE_SIGNIN = web.AppKey("console_signin", ZohoSignIn)  # who signs in to the console (OIDC)
