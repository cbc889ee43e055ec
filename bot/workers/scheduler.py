"""Time-driven work (DESIGN §1 flow 3): daily digests, due-soon reminders and happiness ratings.

Exactly-once comes from the outbox dedupe keys (`digest:<place>:<local day>`,
`due30:<ticket>:<due date>`, `rating:<id>`), so a restart — or a crash between queueing a post
and noting the job's progress — never posts twice. Progress (the last digest day per place, the
last rating poll) is kept in the settings store so a restart resumes where it stopped.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.cards.notifications import notification_card
from bot.cards.summaries import day_stats_card
from bot.clock import Clock
from bot.config import Config
from bot.context import zone
from bot.desk.client import DeskClient
from bot.desk.errors import DeskError
from bot.desk.people import Department
from bot.desk.summaries import last_day, pending
from bot.desk.tickets import Ticket
from bot.identity.directory import AgentDirectory
from bot.notify.classify import Happening
from bot.notify.kinds import Kind
from bot.notify.rules import RuleSettings, decide
from bot.notify.schedule import due_digest, parse_time_of_day
from bot.store.db import StoreUnavailable
from bot.store.outbox import BULK, URGENT, Outbox
from bot.store.settings import Settings
from bot.store.tasks import WatchedTasks

log = logging.getLogger("deskbot.scheduler")


class Scheduler:
    def __init__(
        self,
        *,
        config: Config,
        outbox: Outbox,
        desk: DeskClient,
        directory: AgentDirectory,
        settings: Settings,
        clock: Clock,
        names: Callable[[], Awaitable[dict[str, str]]],
        posted: Callable[[], None],
        departments: Callable[[], Awaitable[list[Department]]],
        tasks: WatchedTasks,
    ) -> None:
        """`departments` lists the org's departments (cached by the caller); `tasks` keeps the
        polled tasks between ticks."""
        self._config, self._outbox, self._desk = config, outbox, desk
        self._directory, self._settings, self._clock = directory, settings, clock
        self._names, self._posted = names, posted
        self._departments, self._tasks = departments, tasks

    async def run_once(self) -> int:
        """Queue everything due now; the number of posts queued."""
        if not await self._settings.get("installed", False):
            return 0
        queued = 0
        for job in (self.digests, self.due_soon, self.ratings, self.reminders):
            try:
                queued += await job()
            except DeskError as exc:
                log.warning("%s waits for Desk: %s", job.__name__, exc)
        if queued:
            self._posted()
        return queued

    async def run_forever(self, every: float = 60.0) -> None:
        while True:
            try:
                await self.run_once()
            except StoreUnavailable as exc:  # the next round catches up what is due
                log.warning("scheduler waits: the store cannot be written (%s)", exc.reason)
            except Exception:
                log.exception("scheduler round failed")
            await asyncio.sleep(every)

    # --- the daily digest (SPEC D9) ----------------------------------------------------------

    async def digests(self) -> int:
        notifications = self._config.notifications
        at = parse_time_of_day(notifications.digest_time)
        org = self._config.cliq.org_channel
        places: list[tuple[str, str, str | None, ZoneInfo]] = [
            (f"org:{org}", org, None, zone(notifications.digest_zone))
        ]
        for department_id, channel in (await self._settings.channel_map()).items():
            place_zone = notifications.department_zones.get(
                department_id, notifications.digest_zone
            )
            places.append((f"department:{department_id}", channel, department_id, zone(place_zone)))
        queued = 0
        now = self._clock.now()
        names = await self._names()
        for place, channel, department_id, place_zone in places:
            last = await self._settings.get(f"job:digest:{place}")
            since = None if last else await self._first_seen(f"job:digest_since:{place}", now)
            due = due_digest(now, place_zone, at, date.fromisoformat(last) if last else None, since)
            if due is None:
                continue
            stats = await last_day(self._desk, now, department_id)
            unresolved = await pending(self._desk, department_id)
            department = names.get(department_id or "", "")
            card = day_stats_card(
                stats,
                zone=place_zone,
                names=names,
                department=department,
                pending=unresolved,
                title=f"Daily digest, {due.day:%a %-d %b}"
                + (f" · {department}" if department else ""),
                late_since=due.scheduled if due.late else None,
            )
            key = f"digest:{place}:{due.day.isoformat()}"
            if await self._outbox.enqueue(
                None, "channel", channel, card.to_wire(), key, priority=BULK
            ):
                queued += 1
            await self._settings.put(f"job:digest:{place}", due.day.isoformat())
        return queued

    async def _first_seen(self, key: str, now: datetime) -> datetime:
        """When the bot first got here (stored under `key` the first time: `now`)."""
        stored = await self._settings.get(key)
        if stored is None:
            await self._settings.put(key, now.isoformat())
            return now
        return datetime.fromisoformat(stored)

    # --- due in 1 hour / 30 minutes ------------------------------------------------------------

    async def due_soon(self) -> int:
        now = self._clock.now()
        soon = await self._desk.search(due=(now, now + timedelta(hours=1)), limit=None)
        rules = await self._settings.rules()
        names = await self._names()
        queued = 0
        for ticket in soon:
            if ticket.is_closed or ticket.due_date is None:
                continue
            kind = (
                Kind.DUE_IN_30M
                if ticket.due_date - now <= timedelta(minutes=30)
                else Kind.DUE_IN_1H
            )
            happening = Happening(
                (kind,), ticket.id, ticket.assignee_id, None, ticket.department_id
            )
            key = f"{kind.value}:{ticket.id}:{ticket.due_date.isoformat()}"
            queued += await self._queue(happening, ticket, rules, names, key, BULK)
        return queued

    # --- task reminders (Desk sends no event for them) ---------------------------------------

    async def poll_tasks(self) -> int:
        """Bring the watched tasks up to date: per department, only the tasks changed since
        that department's last poll (its `modifiedTime` watermark). Answers how many changed;
        the task at the watermark itself is read again (Desk times are milliseconds, so a
        change in the same millisecond is not missed) but not counted."""
        read = 0
        for department in await self._departments():
            key = f"job:tasks_since:{department.id}"
            since_text = await self._settings.get(key)
            since = datetime.fromisoformat(since_text) if since_text else None
            changed = await self._desk.tasks_changed_since(department.id, since)
            await self._tasks.keep(changed)
            read += sum(1 for t in changed if since is None or t.modified_time != since)
            newest = max((t.modified_time for t in changed if t.modified_time), default=since)
            if newest is not None and newest != since:
                await self._settings.put(key, newest.isoformat())
        return read

    async def reminders(self, ahead: timedelta = timedelta(minutes=15)) -> int:
        """Each open task due within `ahead` reminds its owner once (per due date)."""
        await self.poll_tasks()
        now = self._clock.now()
        rules = await self._settings.rules()
        names = await self._names()
        queued = 0
        for task in await self._tasks.due_between(now, now + ahead):
            if not task.ticket_id or task.due_date is None:
                continue
            ticket = await self._desk.ticket(task.ticket_id)
            happening = Happening(
                (Kind.ACTIVITY_REMINDER,),
                ticket.id,
                task.owner_id,
                None,
                task.department_id or ticket.department_id,
                details={
                    "task": task.subject or "a task",
                    "due": task.due_date.strftime("%H:%M UTC"),
                },
            )
            key = f"reminder:{task.id}:{task.due_date.isoformat()}"
            queued += await self._queue(happening, ticket, rules, names, key, BULK)
        return queued

    # --- happiness ratings (DM to the owner, SPEC D4) ------------------------------------------

    async def ratings(self) -> int:
        now = self._clock.now()
        since_text = await self._settings.get("job:ratings_since")
        if since_text is None:  # first run: start from now, don't replay history
            await self._settings.put("job:ratings_since", now.isoformat())
            return 0
        since = datetime.fromisoformat(since_text)
        ratings = await self._desk.customer_happiness(start=since, end=now, limit=None)
        rules = await self._settings.rules()
        names = await self._names()
        queued = 0
        for rating in ratings:
            if not rating.of_ticket:
                log.warning("happiness rating %s names no ticket; skipped", rating.id)
                continue
            ticket = await self._desk.ticket(rating.of_ticket)
            owner_id = ticket.assignee_id or rating.agent_id
            happening = Happening(
                (Kind.HAPPINESS,),
                ticket.id,
                owner_id,
                None,
                ticket.department_id,
                details={"rating": rating.rating, "feedback": rating.feedback or "-"},
            )
            queued += await self._queue(happening, ticket, rules, names, f"rating:{rating.id}")
        await self._settings.put("job:ratings_since", now.isoformat())
        return queued

    async def _queue(
        self,
        happening: Happening,
        ticket: Ticket,
        rules: RuleSettings,
        names: dict[str, str],
        key: str,
        priority: int = URGENT,
    ) -> int:
        """Route one happening by the rules and queue its cards, once per key and target
        (`priority`: BULK for scheduled reminders, URGENT for what just happened)."""
        owner = await self._directory.email_of(happening.owner_id)
        queued = 0
        for route in decide(happening, rules, owner_email=owner).routes:
            card = notification_card(
                route.kinds,
                ticket,
                now=self._clock.now(),
                zone=zone(self._config.notifications.digest_zone),
                names=names,
                details=happening.details,
            )
            queued += await self._outbox.enqueue(
                None,
                route.target_kind,
                route.target,
                card.to_wire(),
                f"{key}:{route.target}",
                fallback=route.fallback,
                priority=priority,
            )
        return queued
