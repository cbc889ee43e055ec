"""The notifier: inbox → rules → cards → outbox (DESIGN §1).

Each event is classified, its ticket re-read (the JWT does not cover the body), the rules
decide who hears of it, and its cards go to the outbox in the same transaction that marks the
event processed: a crash before the commit redoes the event, after it the posts are safe; the
outbox dedupe keys make a redo harmless.

Isolation (issue 10): each event is tried on its own. A failure (an unexpected shape, a bug, a
ticket Desk does not show) retries that event alone with backoff and parks it as dead after
MAX_ATTEMPTS (a ticket just created may not be readable at once, so "gone" takes those tries);
Desk refusing access parks it at once; Desk unreachable, 5xx or 429 uses up no attempt: the
round's events wait, with capped backoff, until Desk answers.
Events of different tickets are worked on concurrently, those of one ticket in order, and a
round's outcomes commit together. The loop runs rounds back to back while events are due.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from bot.cards.notifications import notification_card
from bot.clock import Clock
from bot.desk.client import DeskClient
from bot.desk.errors import (
    DeskError,
    DeskUnavailable,
    Forbidden,
    NotFound,
    RateLimited,
    ServerError,
)
from bot.desk.events import DeskEvent
from bot.desk.tickets import Ticket
from bot.desk.wire import ticket_id_in
from bot.identity.directory import AgentDirectory
from bot.notify.believed import believed, now_known, ticket_state
from bot.notify.classify import Happening, classify
from bot.notify.excerpt import excerpt, mentioned_zuids
from bot.notify.kinds import Kind
from bot.notify.readers import Readers
from bot.notify.rules import Decision, RuleSettings, decide
from bot.store.db import Database, StoreUnavailable, Tx
from bot.store.inbox import Inbox, Stored
from bot.store.outbox import Outbox
from bot.store.settings import Settings
from bot.store.ticket_states import TicketStates
from bot.workers.rounds import retry_pause, run_rounds

log = logging.getLogger(__name__)
CONCURRENCY = 16  # events (of different tickets) worked on at once; Desk's own cap still holds
WAIT_CAP = 60.0  # seconds: the longest an event waits between looks while Desk is down
ROUNDS_KEY = "notifier"
"""The lock key of the rounds' transactions (bot/store/db.py): a round writes its posts, the
tickets' last known states and its events' outcomes, several rows in one transaction, so two
processes' rounds run one at a time (never locking the same rows in another order), beside
deliveries, claims and posts."""


@dataclass
class Outcome:
    """What became of one event this round: `posts` to queue (done), or why it did not."""

    kind: str  # "done", "wait", "failed" or "park"
    posts: list[tuple[Any, dict[str, Any], str]] = field(default_factory=list)
    ticket: tuple[str, dict[str, Any]] | None = None  # (ticket id, state) to remember
    reason: str = ""


def _transient(exc: DeskError) -> bool:
    """Desk could not answer now (down, 5xx, 429, our token refused): worth waiting for."""
    return isinstance(exc, DeskUnavailable | ServerError | RateLimited) or exc.retryable


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
        readers: Readers,
        names: Callable[[], Awaitable[dict[str, str]]],
        posted: Callable[[], None],
        states: TicketStates,
        rng: random.Random | None = None,
    ) -> None:
        """`readers` chooses each post's zone and actions (`bot/notify/readers.py`)."""
        self._db, self._inbox, self._outbox = db, inbox, outbox
        self._desk, self._directory, self._settings = desk, directory, settings
        self._clock, self._readers, self._names, self._posted = clock, readers, names, posted
        self._states, self._rng = states, rng or random.Random()
        self._wake = asyncio.Event()
        self._round = asyncio.Lock()
        self.paused = ""  # why no round can be recorded now ("" when working)
        self.concurrency = CONCURRENCY

    def wake(self) -> None:
        self._wake.set()

    async def run_once(self, limit: int = 200) -> int:
        """Work on the events due now; the number processed (posts queued or nothing to say).

        Raises nothing for a bad event or Desk being down (see the module's docstring); while
        the store refuses writes nothing is recorded, `paused` says why, and 0 is returned."""
        async with self._round:
            try:
                # Every claimed event's outcome (a wait if none) is written, which gives it back.
                done = await self._round_of(await self._inbox.claim(limit))
            except StoreUnavailable as exc:
                if not self.paused:
                    log.error("notifier paused: the store cannot be written (%s)", exc.reason)
                self.paused = exc.reason
                return 0
        if self.paused:
            log.warning("notifier resumed: the store can be written again")
            self.paused = ""
        if done:
            self._posted()
        return done

    async def _round_of(self, events: list[Stored]) -> int:
        outcomes: dict[int, Outcome] = {}
        known: dict[str, dict[str, Any]] = {}  # states learnt this round, before they commit
        down: list[str] = []  # set once Desk cannot answer: the rest of the round waits
        gate = asyncio.Semaphore(self.concurrency)
        groups: dict[str, list[Stored]] = {}
        for stored in events:
            groups.setdefault(_ticket_key(stored), []).append(stored)

        async def work(group: list[Stored]) -> None:
            for stored in group:
                if down:
                    return
                async with gate:
                    outcome = await self._attempt(stored, known)
                outcomes[stored.id] = outcome
                if outcome.kind == "wait":
                    down.append(outcome.reason)

        await asyncio.gather(*(work(group) for group in groups.values()))
        return await self._record(events, outcomes, down[0] if down else "")

    async def _attempt(self, stored: Stored, known: dict[str, dict[str, Any]]) -> Outcome:
        try:
            return await self._prepare(stored, known)
        except StoreUnavailable:
            raise
        except DeskError as exc:
            if _transient(exc):
                log.warning("event %s waits for Desk: %s", stored.id, exc)
                return Outcome("wait", reason=f"waiting for Desk: {exc}")
            if isinstance(exc, Forbidden):
                return Outcome("park", reason=f"Desk refused access: {exc}")
            if isinstance(exc, NotFound):  # gone, or not visible yet: a few tries, then dead
                return Outcome("failed", reason=f"the ticket is not in Desk: {exc}")
            return Outcome("failed", reason=str(exc))
        except Exception as exc:  # a body we cannot make sense of, or a bug: this event only
            log.warning("event %s failed: %r", stored.id, exc)
            return Outcome("failed", reason=f"{type(exc).__name__}: {exc}")

    async def _record(self, events: list[Stored], outcomes: dict[int, Outcome], down: str) -> int:
        """Commit the round: posts and processed marks, retries, waits and dead letters, in one
        transaction; if that fails for another reason than the store, each event alone, so an
        outcome that cannot be written fails only its own event."""
        outcome_of = {e.id: outcomes.get(e.id) or Outcome("wait", reason=down) for e in events}
        try:
            async with self._db.transaction(key=ROUNDS_KEY) as tx:
                return sum([await self._write(tx, e, outcome_of[e.id]) for e in events])
        except StoreUnavailable:
            raise
        except Exception:
            log.exception("round of %d events not recorded together: one at a time", len(events))
        done = 0
        for stored in events:
            try:
                async with self._db.transaction(key=ROUNDS_KEY) as tx:
                    done += await self._write(tx, stored, outcome_of[stored.id])
            except StoreUnavailable:
                raise
            except Exception as exc:
                async with self._db.transaction(key=ROUNDS_KEY) as tx:
                    failure = Outcome("failed", reason=f"not recorded: {type(exc).__name__}: {exc}")
                    await self._write(tx, stored, failure)
        return done

    async def _write(self, tx: Tx, stored: Stored, outcome: Outcome) -> int:
        """Record one event's outcome in `tx`; 1 if it is now processed. Each outcome is written
        only while this round's claim on the event holds: if another process took the event
        over meanwhile, nothing of it is written (its posts and ticket state included; the
        inbox logs the dropped outcome) and the new holder's work stands."""
        now = self._clock.now()
        if outcome.kind == "done":
            if not await self._inbox.mark_processed(tx, stored):
                return 0
            for route, payload, key in outcome.posts:
                await self._outbox.enqueue(
                    tx, route.target_kind, route.target, payload, key, fallback=route.fallback
                )
            if outcome.ticket is not None:
                await self._states.put(tx, *outcome.ticket)
            return 1
        if outcome.kind == "wait":
            at = now + retry_pause(self._rng, stored.waits, WAIT_CAP)
            await self._inbox.wait(tx, stored, outcome.reason, at)
        elif outcome.kind == "park":  # (logged where it is parked: bot/store/dead_letters.py)
            await self._inbox.park(tx, stored, outcome.reason)
        else:
            at = now + retry_pause(self._rng, stored.attempts, 600.0)
            await self._inbox.failed(tx, stored, outcome.reason, at)
        return 0

    async def explain(self, event: DeskEvent) -> Decision | None:
        """What the rules say about an event (for `/deskbot rules test`)."""
        happening = classify(event)
        if happening is None:
            return None
        happening, _ticket = await self._complete(happening, event)
        return await self._decide(happening, await self._settings.rules())

    async def _prepare(self, stored: Stored, known: dict[str, dict[str, Any]]) -> Outcome:
        """Everything up to the commit for one event: re-read, judge, route, render."""
        event = DeskEvent.model_validate(stored.body)
        if not await self._settings.get("installed", True):
            return Outcome("done")
        ticket, remember = None, None
        if event.module == "Ticket" and event.resource_id:
            # Judge the event against Desk's ticket and the last state we know (item 8).
            ticket = await self._desk.ticket(event.resource_id, include=["contacts"])
            current = ticket_state(ticket)
            last = known.get(ticket.id) or await self._states.get(ticket.id)
            event = believed(event, current, last)
            if event.event_type == "Ticket_Update":  # the fields it accounted for are known now
                known[ticket.id] = now_known(event, current, last)
                remember = (ticket.id, known[ticket.id])
        happening = classify(event)
        posts = []
        if happening is not None:
            happening, ticket = await self._complete(happening, event, ticket)
            rules = await self._settings.rules()
            decision = await self._decide(happening, rules)
            names = await self._names()
            if decision.routes and any(c.field == "team" for c in happening.changes):
                names = {**names, **await self._team_names(happening)}
            actor = names.get(happening.actor_id or "", "")
            department = happening.department_id
            mapped = rules.channel_map.get(department) if department else None
            for route in decision.routes:
                reader = await self._readers.of(route.target_kind, route.target, mapped, department)
                card = notification_card(
                    route.kinds,
                    happening,
                    ticket,
                    reader=reader,
                    now=self._clock.now(),
                    names=names,
                    actor=actor,
                )
                key = f"event:{stored.id}:{route.target_kind}:{route.target}"
                posts.append((route, card.to_wire(), key))
        return Outcome("done", posts=posts, ticket=remember)

    async def _complete(
        self, happening: Happening, event: DeskEvent, ticket: Ticket | None = None
    ) -> tuple[Happening, Ticket | None]:
        """Re-read the ticket (unless given): owner and department come from Desk, not from the
        event body. Raises NotFound when Desk no longer has it."""
        if not happening.ticket_id:
            return happening, None
        if ticket is None or ticket.id != happening.ticket_id:
            ticket = await self._desk.ticket(happening.ticket_id, include=["contacts"])
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
            excerpt=await self._excerpt(happening.text) if happening.text else "",
        )
        return completed, ticket

    async def _team_names(self, happening: Happening) -> dict[str, str]:
        """Team ids → names for a team change (from the ticket's departments, before and now;
        read only when a team changed, which is rare)."""
        departments = {happening.department_id}
        departments |= {c.before for c in happening.changes if c.field == "department"}
        found: dict[str, str] = {}
        for department_id in departments - {None}:
            for team in await self._desk.teams(department_id):
                found[team.id] = team.name or team.id
        return found

    async def _excerpt(self, content: str) -> str:
        """A comment shortened for people, its mentions as the agents' names."""
        names_by_zuid = {}
        for zuid in mentioned_zuids(content):
            agent = await self._directory.by_zuid(zuid)
            if agent is not None:
                names_by_zuid[zuid] = agent.display_name
        return excerpt(content, names_by_zuid)

    async def _decide(self, happening: Happening, rules: RuleSettings) -> Decision:
        owner = await self._directory.email_of(happening.owner_id)
        actor = await self._directory.email_of(happening.actor_id)
        previous = await self._directory.email_of(happening.previous_owner_id)
        mentioned = []
        for zuid in happening.mentioned_zuids:
            agent = await self._directory.by_zuid(zuid)
            if agent and agent.email_id:
                mentioned.append(agent.email_id)
        return decide(
            happening,
            rules,
            owner_email=owner,
            actor_email=actor,
            mentioned_emails=mentioned,
            previous_owner_email=previous,
        )

    async def run_forever(self) -> None:
        """Rounds back to back while events are due; then wait for a wake-up (an event was
        stored) or the next event's retry time. While the store refuses writes, look again
        every few seconds."""
        await run_rounds(
            "notifier",
            self.run_once,
            self._inbox.next_attempt,
            lambda: bool(self.paused),
            self._wake,
            self._clock,
            log,
        )


def _ticket_key(stored: Stored) -> str:
    """Events of one ticket are worked on in order: its id, from the body (or the event's own)."""
    payload = stored.body.get("payload") if isinstance(stored.body, dict) else None
    if isinstance(payload, dict):
        module = str(stored.event_type).rsplit("_", 1)[0]
        try:
            ticket = payload.get("id") if module == "Ticket" else ticket_id_in(payload)
        except ValueError:  # malformed: worked on alone, and parked if it keeps failing
            return f"event:{stored.id}"
        if isinstance(ticket, str | int) and not isinstance(ticket, bool) and ticket != "":
            return f"ticket:{ticket}"
    return f"event:{stored.id}"
