"""The notifier: inbox → rules → cards → outbox (DESIGN §1).

Each event is classified, its ticket re-read (the JWT does not cover the body), the rules
decide who hears of it, and its cards go to the outbox in the same transaction that marks the
event processed: a crash before the commit redoes the event, after it the posts are safe; the
outbox dedupe keys make a redo harmless.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Awaitable, Callable
from zoneinfo import ZoneInfo

from bot.cards.notifications import notification_card
from bot.clock import Clock
from bot.context import zone
from bot.desk.client import DeskClient
from bot.desk.errors import DeskError, NotFound
from bot.desk.events import DeskEvent
from bot.desk.tickets import Ticket
from bot.identity.directory import AgentDirectory
from bot.notify.classify import Happening, classify
from bot.notify.kinds import Kind
from bot.notify.rules import Decision, decide
from bot.store.db import Database
from bot.store.inbox import Inbox, Stored
from bot.store.outbox import Outbox
from bot.store.settings import Settings

log = logging.getLogger("deskbot.notifier")


class Notifier:
    def __init__(
        self,
        *,
        db: Database,
        inbox: Inbox,
        outbox: Outbox,
        desk: DeskClient,
        directory: AgentDirectory,
        settings: Settings,
        clock: Clock,
        channel_zone: ZoneInfo,
        names: Callable[[], Awaitable[dict[str, str]]],
        posted: Callable[[], None],
    ) -> None:
        self._db, self._inbox, self._outbox = db, inbox, outbox
        self._desk, self._directory, self._settings = desk, directory, settings
        self._clock, self._zone, self._names, self._posted = clock, channel_zone, names, posted
        self._wake = asyncio.Event()
        self._round = asyncio.Lock()

    def wake(self) -> None:
        self._wake.set()

    async def run_once(self, limit: int = 50) -> int:
        """Process what is in the inbox; the number of events processed."""
        done = 0
        async with self._round:
            for stored in await self._inbox.pending(limit):
                try:
                    await self._process(stored)
                    done += 1
                except DeskError as exc:  # Desk down or busy: leave it for the next round
                    log.warning("event %s waits: %s", stored.id, exc)
                    await self._inbox.failed(stored.id, str(exc))
        if done:
            self._posted()
        return done

    async def explain(self, event: DeskEvent) -> Decision | None:
        """What the rules say about an event (for `/deskbot rules test`)."""
        happening = classify(event)
        if happening is None:
            return None
        happening, _ticket = await self._complete(happening, event)
        return await self._decide(happening)

    async def _process(self, stored: Stored) -> None:
        event = DeskEvent.model_validate(stored.body)
        installed = await self._settings.get("installed", True)
        happening = classify(event) if installed else None
        posts = []
        if happening is not None:
            happening, ticket = await self._complete(happening, event)
            decision = await self._decide(happening)
            names = await self._names()
            actor = names.get(happening.actor_id or "", "")
            for route in decision.routes:
                zone_ = (
                    await self._zone_of(route.target) if route.target_kind == "user" else self._zone
                )
                card = notification_card(
                    route.kinds,
                    ticket,
                    now=self._clock.now(),
                    zone=zone_,
                    names=names,
                    actor=actor,
                    details=happening.details,
                    subject=happening.subject,
                )
                key = f"event:{stored.id}:{route.target_kind}:{route.target}"
                posts.append((route, card.to_wire(), key))
        async with self._db.transaction() as tx:
            for route, payload, key in posts:
                await self._outbox.enqueue(
                    tx, route.target_kind, route.target, payload, key, fallback=route.fallback
                )
            await self._inbox.mark_processed(tx, stored.id)

    async def _complete(
        self, happening: Happening, event: DeskEvent
    ) -> tuple[Happening, Ticket | None]:
        """Re-read the ticket: owner and department come from Desk, not from the event body."""
        if not happening.ticket_id:
            return happening, None
        try:
            ticket = await self._desk.ticket(happening.ticket_id, include=["contacts"])
        except NotFound:
            return happening, event.ticket() if event.module == "Ticket" else None
        # A ticket's owner is its assignee now; an activity's owner is in its own payload.
        owner = ticket.assignee_id if event.module.startswith("Ticket") else happening.owner_id
        kinds, details = happening.kinds, dict(happening.details)
        if event.event_type == "Ticket_Update" and owner and "status" in (event.prev_state or {}):
            blueprint = await self._desk.blueprint(ticket.id)
            waiting = blueprint.pending_for(owner) if blueprint else []
            if waiting:  # a blueprint step now waits on the owner (SPEC D4)
                kinds = (*kinds, Kind.BLUEPRINT)
                details["blueprint"] = ", ".join(t.name or "next step" for t in waiting)
        completed = dataclasses.replace(
            happening,
            kinds=kinds,
            owner_id=owner,
            department_id=ticket.department_id or happening.department_id,
            subject=happening.subject or (ticket.subject or ""),
            details=details,
        )
        return completed, ticket

    async def _decide(self, happening: Happening) -> Decision:
        owner = await self._directory.email_of(happening.owner_id)
        actor = await self._directory.email_of(happening.actor_id)
        mentioned = []
        for zuid in happening.mentioned_zuids:
            agent = await self._directory.by_zuid(zuid)
            if agent and agent.email_id:
                mentioned.append(agent.email_id)
        return decide(
            happening,
            await self._settings.rules(),
            owner_email=owner,
            actor_email=actor,
            mentioned_emails=mentioned,
        )

    async def _zone_of(self, email: str) -> ZoneInfo:
        agent = await self._directory.by_email(email)
        return zone(agent.time_zone) if agent and agent.time_zone else self._zone

    async def run_forever(self) -> None:
        while True:
            try:
                await self.run_once()
            except Exception:
                log.exception("notifier round failed")
            self._wake.clear()
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=30)
            except TimeoutError:
                pass
