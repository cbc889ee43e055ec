"""Desk events by polling, for editions without webhooks (Free, Standard: WebhookDocument.do).

Every `poll_seconds` the poller asks Desk what changed since its last poll and stores the same
events a webhook would have delivered in the same inbox, under the same dedupe keys; the
notifier cannot tell the difference. Per tick:

- new tickets: `GET /tickets?sortBy=-createdTime` (not search: Desk's search index lags new
  tickets) until one is older than the window → `Ticket_Add`, each read in full;
- changed tickets: `GET /tickets/search?modifiedTimeRange=<window>&sortBy=-modifiedTime` →
  `Ticket_Update`, its `prevState` the watched fields that differ from the last snapshot
  (a ticket never seen before has none: nothing to compare, so no change is announced);
- a changed ticket whose `commentCount` grew → its newest comments as `Ticket_Comment_Add`.

The window starts `overlap` before the last poll, so an update the search index shows late
is still seen; seeing it twice is harmless (the inbox drops the repeated dedupe key).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from bot.clock import Clock
from bot.desk.client import DeskClient
from bot.desk.errors import DeskError
from bot.desk.events import DeskEvent
from bot.desk.tickets import Ticket
from bot.desk.wire import format_epoch_ms
from bot.install import EVENTS_MODE
from bot.store.inbox import Inbox
from bot.store.settings import Settings
from bot.store.snapshots import TicketSnapshots

log = logging.getLogger(__name__)

WATCHED = ("status", "statusType", "assigneeId", "teamId", "departmentId", "isEscalated")
"""The ticket fields whose change the notifier announces (bot/notify/classify.py)."""
SINCE = "poll:tickets_since"


class DeskPoller:
    def __init__(
        self,
        *,
        desk: DeskClient,
        inbox: Inbox,
        settings: Settings,
        snapshots: TicketSnapshots,
        clock: Clock,
        org_id: str,
        stored: Callable[[], None],
        overlap: timedelta = timedelta(minutes=10),
    ) -> None:
        """`stored` wakes the notifier; `overlap` (longer than Desk's search lag) is how far
        each window reaches back before the previous poll."""
        self._desk, self._inbox, self._settings = desk, inbox, settings
        self._snapshots, self._clock, self._org_id = snapshots, clock, org_id
        self._stored, self._overlap = stored, overlap

    async def run_once(self) -> int:
        """Poll once if this install polls; the number of new events stored."""
        if await self._settings.get(EVENTS_MODE) != "polling" or not await self._settings.get(
            "installed", False
        ):
            return 0
        now = self._clock.now()
        since_text = await self._settings.get(SINCE)
        if since_text is None:  # first poll: start from now, don't replay history
            await self._remember_unresolved()
            await self._settings.put(SINCE, now.isoformat())
            return 0
        start = datetime.fromisoformat(since_text) - self._overlap
        seen: list[tuple[str, dict[str, Any]]] = []
        events = await self._new_tickets(start, seen) + await self._changed_tickets(
            start, now, seen
        )
        accepted = 0
        if events:
            accepted, _ = await self._inbox.add(events)
        # Only once the events are stored: a snapshot written first would hide a change whose
        # event was then lost (Desk failing mid-poll, a crash, a store refusing the insert).
        await self._snapshots.put_many(seen)
        await self._settings.put(SINCE, now.isoformat())
        if accepted:
            self._stored()
        return accepted

    async def run_forever(self, every: float) -> None:
        """Poll every `every` seconds (`[desk] poll_seconds`) of the injected clock."""
        while True:
            try:
                await self.run_once()
            except DeskError as exc:
                log.warning("Desk poll waits for Desk: %s", exc)
            except Exception:
                log.exception("Desk poll failed")
            await self._clock.sleep(every)

    async def _remember_unresolved(self) -> None:
        """Snapshot every ticket not closed (once, on the first poll), so their later
        changes can be told apart; a closed ticket is snapshotted when first seen changed."""
        statuses = await self._desk.ticket_statuses()
        unresolved = [s.value for s in statuses if (s.status_type or "").casefold() != "closed"]
        states = [
            (t.id, _state(t))
            async for t in self._desk.iter_tickets(status=unresolved, sort_by=None)
        ]
        await self._snapshots.put_many(states)

    async def _new_tickets(
        self, start: datetime, seen: list[tuple[str, dict[str, Any]]]
    ) -> list[tuple[str, str, dict[str, Any]]]:
        """Ticket_Add events for tickets created since `start`; their states go to `seen`."""
        events = []
        async for listed in self._desk.iter_tickets(sort_by="-createdTime"):
            if listed.created_time is not None and listed.created_time < start:
                break
            if await self._snapshots.get(listed.id) is not None:
                continue  # announced by an earlier poll (the windows overlap)
            ticket = await self._desk.ticket(listed.id)
            seen.append((ticket.id, _state(ticket)))
            events.append(self._event("Ticket_Add", ticket.created_time, _wire(ticket), None))
        return events

    async def _changed_tickets(
        self, start: datetime, now: datetime, seen: list[tuple[str, dict[str, Any]]]
    ) -> list[tuple[str, str, dict[str, Any]]]:
        """Ticket_Update and comment events for tickets modified in [start, now], judged
        against their snapshots; their new states go to `seen`."""
        events = []
        async for ticket in self._desk.iter_search(modified=(start, now), sort_by="-modifiedTime"):
            before = await self._snapshots.get(ticket.id)
            current = _state(ticket)
            seen.append((ticket.id, current))
            if before is None or ticket.modified_time is None:
                continue
            if ticket.modified_time == ticket.created_time:
                continue  # only created: the Ticket_Add says so
            prev = {
                k: before[k]
                for k in WATCHED
                if k in before and k in current and before[k] != current[k]
            }
            if prev:
                events.append(
                    self._event("Ticket_Update", ticket.modified_time, _wire(ticket), prev)
                )
            added = (ticket.comment_count or 0) - int(before.get("commentCount") or 0)
            if added > 0:
                for comment in await self._desk.comments(ticket.id, limit=added):
                    payload = {**comment.to_wire(), "ticketId": ticket.id}
                    events.append(
                        self._event("Ticket_Comment_Add", comment.commented_time, payload, None)
                    )
        return events

    def _event(
        self,
        event_type: str,
        at: datetime | None,
        payload: dict[str, Any],
        prev: dict[str, Any] | None,
    ) -> tuple[str, str, dict[str, Any]]:
        """One event shaped as a webhook delivery's element, with its inbox dedupe key."""
        raw: dict[str, Any] = {
            "eventType": event_type,
            "eventTime": format_epoch_ms(at or self._clock.now()),
            "orgId": self._org_id,
            "payload": payload,
        }
        if prev is not None:
            raw["prevState"] = prev
        return DeskEvent.model_validate(raw).dedupe_key, event_type, raw


def _wire(ticket: Ticket) -> dict[str, Any]:
    return ticket.to_wire()


def _state(ticket: Ticket) -> dict[str, Any]:
    """The watched fields the answer carried (a list view leaves some out: not "null")."""
    wire = ticket.to_wire()
    state = {k: wire[k] for k in WATCHED if k in wire}
    state["commentCount"] = ticket.comment_count or 0
    return state
