"""`deskbot install | uninstall` (SPEC D1, issue 5): set a deployment up, idempotently.

Install makes sure the org channel exists with the bot in it, and that Desk has one webhook
subscription for `<public url>/desk/events`. Running it twice changes nothing. Uninstall removes
the subscription and stops all posts; the channels stay.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from bot.cliq.client import CliqClient
from bot.cliq.errors import CliqRejected
from bot.desk.client import DeskClient
from bot.desk.errors import InvalidData, LicenseLimited
from bot.store.settings import Settings

# Webhook.json `subscriptions`: an event takes null or an object with exactly its documented
# keys (minProperties = maxProperties). `departmentIds`/`fields` null: every department, any
# field.
_CHANGES: dict[str, object] = {"departmentIds": None, "includePrevState": True}
SUBSCRIPTIONS: dict[str, dict[str, object] | None] = {
    "Ticket_Add": None,
    "Ticket_Update": {**_CHANGES, "fields": None},
    "Ticket_Comment_Add": None,
    "Ticket_Comment_Update": None,
    "Task_Add": None,
    "Task_Update": dict(_CHANGES),
    "Call_Add": None,
    "Call_Update": dict(_CHANGES),
    "Event_Add": None,
    "Event_Update": dict(_CHANGES),
}


WEBHOOK_URL_MAX = 100
"""Desk's webhook `url` is at most 100 characters (Webhook.json, `maxLength: 100`:
https://github.com/api-evangelist/zoho/blob/main/openapi/_original/Webhook.json)."""


class InstallError(Exception):
    """The deployment cannot be installed as configured; the message says what to change."""


def events_url(public_url: str) -> str:
    return f"{public_url.rstrip('/')}/desk/events"


def check_public_url(public_url: str) -> str:
    """The webhook URL Desk will call, or InstallError when Desk would refuse it."""
    url = events_url(public_url)
    if len(url) > WEBHOOK_URL_MAX:
        raise InstallError(
            f"The Desk webhook URL {url} is {len(url)} characters; Desk accepts at most"
            f" {WEBHOOK_URL_MAX}. Use a shorter [server] public_url (at most"
            f" {WEBHOOK_URL_MAX - len('/desk/events')} characters)."
        )
    return url


def unreachable(url: str, refusal: Exception) -> InstallError:
    """Desk refused the webhook because its validation GET of `url` did not get 200 (Desk
    checks a webhook URL answers before subscribing it): say which URL and what to check."""
    return InstallError(
        f"Desk could not reach {url} ({refusal}). Check that `deskbot serve` is running and"
        " that [server] public_url (scheme, host and port) is the address it answers on."
    )


def associated_key(channel: str) -> str:
    """The setting that remembers the bot was added to a channel: Cliq's channel objects do not
    say which bots are in them (channels.yml), and adding is limited to 5 a minute."""
    return f"bot_in_channel:{channel}"


INSTALLED_SINCE = "job:installed_since"
"""Settings key: when this installation's scheduler first ran (bot.workers.digests), cleared by
`uninstall`: no digest is owed for a day before an install."""


async def add_bot(
    cliq: CliqClient, settings: Settings, channel: str, *, force: bool = False
) -> bool:
    """Make sure the bot is in `channel`: True if an associate call added it. Skips the call
    when the store remembers it done (unless `force`); "already a member" counts as done."""
    if not force and await settings.get(associated_key(channel), False):
        return False
    added = await cliq.add_bot_to_channel(channel)
    await settings.put(associated_key(channel), True)
    return added


async def install(
    desk: DeskClient, cliq: CliqClient, settings: Settings, *, public_url: str, org_channel: str
) -> list[str]:
    """What was done, a line each (empty when everything was already in place).

    Raises InstallError before any call when `public_url` is unusable."""
    url = check_public_url(public_url)
    done: list[str] = []
    channels = {c.get("unique_name") for c in await cliq.channels()}
    created = False
    if org_channel not in channels:
        try:
            await cliq.create_channel(org_channel, description="Zoho Desk notifications")
            done.append(f"created the channel #{org_channel}")
            created = True
        except CliqRejected as exc:
            if "exist" not in exc.code:
                raise
    if await add_bot(cliq, settings, org_channel, force=created):
        done.append(f"added the bot to #{org_channel}")
    hooks = [h for h in await desk.webhooks() if h.url == url]
    mode = "webhook"
    if not hooks:
        try:
            hooks = [
                await desk.create_webhook(
                    "deskbot",
                    url,
                    SUBSCRIPTIONS,
                    description="Deskbot: Desk events to Cliq",
                    include_events_from=["AUTOMATION"],
                )
            ]
            done.append(f"subscribed {url} to Desk's ticket and activity events")
        except LicenseLimited:
            mode = "polling"  # Free and Standard editions have no webhooks
        except InvalidData as exc:
            if exc.errors:  # a field of ours Desk refused: not the URL
                raise
            raise unreachable(url, exc) from exc
    if await settings.get(EVENTS_MODE) != mode:
        await settings.put(EVENTS_MODE, mode)
        done.append(mode_line(mode))
    ids = sorted({h.id for h in hooks})
    if await settings.get("webhook_ids", []) != ids or not await settings.get("installed", False):
        await settings.put("webhook_ids", ids)
        await settings.put("installed", True)
    return done


EVENTS_MODE = "desk_events"
"""Setting: how Desk's events reach the bot, `webhook` or `polling` (bot/workers/desk_poller.py)."""


def mode_line(mode: str | None) -> str:
    """What `deskbot install` says about how Desk's events arrive."""
    if mode == "polling":
        return (
            "Desk events: polling (this Desk edition has no webhooks; Deskbot asks Desk for"
            " changed tickets every [desk] poll_seconds)"
        )
    if mode == "webhook":
        return "Desk events: webhook"
    return "Desk events: not installed"


async def uninstall(desk: DeskClient, settings: Settings, *, public_url: str) -> list[str]:
    done: list[str] = []
    url = events_url(public_url)
    for hook in await desk.webhooks():
        if hook.url == url:
            await desk.delete_webhook(hook.id)
            done.append(f"removed the Desk webhook {hook.id}")
    await settings.put("installed", False)
    await settings.put(INSTALLED_SINCE, None)  # a later install owes no digest for before it
    await settings.put("webhook_ids", [])
    await settings.put(EVENTS_MODE, None)
    done.append("stopped all posts (the channels stay)")
    return done


class Installation:
    """This deployment's installation, as the running app sees it: `install`/`uninstall`
    (the functions above) plus what follows from them here: the Desk webhooks then accepted
    (`allow` of bot.desk.webhook_jwt.WebhookVerifier), `events_mode` (how Desk's events arrive:
    "webhook", "polling" or None) and, when polling, a first poll at once (`poll_once`) so that
    changes from now on are seen rather than from the next tick."""

    def __init__(
        self,
        desk: DeskClient,
        cliq: CliqClient,
        settings: Settings,
        *,
        org_channel: str,
        allow_webhook: Callable[[str], None],
        poll_once: Callable[[], Awaitable[Any]],
    ) -> None:
        self._desk = desk
        self._cliq = cliq
        self._settings = settings
        self._org_channel = org_channel
        self._allow_webhook = allow_webhook
        self._poll_once = poll_once
        self.events_mode: str | None = None

    async def load(self) -> None:
        """Read the events mode stored by an earlier install."""
        self.events_mode = await self._settings.get(EVENTS_MODE)

    async def install(self, public_url: str) -> list[str]:
        """What was done, a line each; InstallError when `public_url` is unusable."""
        done = await install(
            self._desk,
            self._cliq,
            self._settings,
            public_url=public_url,
            org_channel=self._org_channel,
        )
        for webhook_id in await self._settings.get("webhook_ids", []):
            self._allow_webhook(webhook_id)
        self.events_mode = await self._settings.get(EVENTS_MODE)
        if self.events_mode == "polling":
            await self._poll_once()
        return done

    async def uninstall(self, public_url: str) -> list[str]:
        """What was done, a line each."""
        done = await uninstall(self._desk, self._settings, public_url=public_url)
        self.events_mode = None
        return done
