"""Time-driven work (DESIGN §1 flow 3): daily digests, due-soon reminders and happiness ratings.

Exactly-once comes from the outbox dedupe keys (`digest:<place>:<local day>`,
`due_30m:<ticket>:<due date>`, `reminder:<task>:<due date>`, `rating:<id>`), so a restart — or
a crash between queueing a post and noting the job's progress — never posts twice, and a
settings change that moves a reminder elsewhere (a remap, DMs switched off) never sends it
again. Progress (the last digest day per place, the last rating poll) is kept in the settings
store so a restart resumes where it stopped.

One record that cannot be read or acted on (a bad field, a ticket gone or not allowed) is
logged once and skipped (bot.desk.skipped): the others are still reminded, rated and digested.
Desk as a whole failing (down, token refused, credits spent) makes a job wait for the next
round, and one job failing never stops the others.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from pydantic import ValidationError

from bot.cards.notifications import notification_card
from bot.clock import Clock
from bot.config import Config
from bot.desk.activities import Task
from bot.desk.client import DeskClient
from bot.desk.errors import DeskError
from bot.desk.people import Department
from bot.desk.skipped import Skipped, about_one_record
from bot.desk.tickets import Ticket
from bot.identity.directory import AgentDirectory
from bot.notify.classify import Happening
from bot.notify.kinds import Kind
from bot.notify.readers import Readers
from bot.notify.rules import RuleSettings, decide
from bot.notify.schedule import due_digest
from bot.store.db import StoreUnavailable
from bot.store.outbox import BULK, URGENT, Outbox
from bot.store.settings import Settings
from bot.store.tasks import WatchedTasks
from bot.workers.digests import Digests

log = logging.getLogger(__name__)


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
        readers: Readers,
    ) -> None:
        """`departments` lists the org's departments (cached by the caller); `tasks` keeps the
        polled tasks between ticks; `readers` chooses each post's zone and actions."""
        self._readers = readers
        self._config, self._outbox, self._desk = config, outbox, desk
        self._directory, self._settings, self._clock = directory, settings, clock
        self._names, self._posted = names, posted
        self._departments, self._tasks = departments, tasks
        self.digest = Digests(
            config=config, desk=desk, settings=settings, clock=clock, names=names, readers=readers
        )
        self._skipped = Skipped(log)

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
            except StoreUnavailable:
                raise  # every job needs the store: the round waits as a whole
            except Exception:
                log.exception("%s failed; the other jobs go on", job.__name__)
        if queued:
            self._posted()
        return queued

    async def run_forever(self, every: float = 60.0) -> None:
        """A round every `every` seconds of the injected clock, until cancelled."""
        while True:
            try:
                await self.run_once()
            except StoreUnavailable as exc:  # the next round catches up what is due
                log.warning("scheduler waits: the store cannot be written (%s)", exc.reason)
            except Exception:
                log.exception("scheduler round failed")
            await self._clock.sleep(every)

    # --- the daily digest (SPEC D9) ----------------------------------------------------------

    async def digests(self) -> int:
        """Queue each place's digest whose time has come (once per place and local day; late,
        once, after a real miss; never for a day before the place began)."""
        queued = 0
        now = self._clock.now()
        for place in await self.digest.places():
            if place.since is None or place.channel is None:
                continue  # not installed: no place has begun, nothing is owed
            due = due_digest(
                now, place.zone, place.at, await self.digest.last_day(place), place.since
            )
            if due is None:
                continue
            try:
                card = await self.digest.card(
                    place, day=due.day, late_since=due.scheduled if due.late else None
                )
            except (DeskError, ValidationError) as exc:
                self._skip("digest for", place.key, exc)  # Desk as a whole: raised, all wait
                continue
            key = f"digest:{place.key}:{due.day.isoformat()}"
            if await self._outbox.enqueue(
                None, "channel", place.channel, card.to_wire(), key, priority=BULK
            ):
                queued += 1
            await self.digest.done(place, due.day)
        return queued

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
            try:
                queued += await self._queue(happening, ticket, rules, names, key, BULK)
            except (DeskError, ValidationError) as exc:
                self._skip("due-soon reminder for ticket", ticket.id, exc)
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
            try:
                changed = await self._desk.tasks_changed_since(department.id, since)
            except DeskError as exc:  # one department refused: the others are still polled
                self._skip("tasks of department", department.id, exc)
                continue
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
            try:
                queued += await self._remind(task, rules, names)
            except (DeskError, ValidationError) as exc:
                self._skip("reminder for task", task.id, exc)
        return queued

    async def _remind(self, task: Task, rules: RuleSettings, names: dict[str, str]) -> int:
        """Queue one task's reminder (its ticket read from Desk)."""
        assert task.ticket_id is not None and task.due_date is not None
        ticket = await self._desk.ticket(task.ticket_id)
        happening = Happening(
            (Kind.ACTIVITY_REMINDER,),
            ticket.id,
            task.owner_id,
            None,
            task.department_id or ticket.department_id,
            subject=task.subject or "",
            activity="Task",
            due=task.due_date,
        )
        key = f"reminder:{task.id}:{task.due_date.isoformat()}"
        return await self._queue(happening, ticket, rules, names, key, BULK)

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
            try:
                ticket = await self._desk.ticket(rating.of_ticket)
                happening = Happening(
                    (Kind.HAPPINESS,),
                    ticket.id,
                    ticket.assignee_id or rating.agent_id,
                    None,
                    ticket.department_id,
                    details={"rating": rating.rating or "", "feedback": rating.feedback or ""},
                )
                queued += await self._queue(happening, ticket, rules, names, f"rating:{rating.id}")
            except (DeskError, ValidationError) as exc:
                self._skip("happiness rating", rating.id, exc)
        await self._settings.put("job:ratings_since", now.isoformat())
        return queued

    def _skip(self, what: str, record: str, error: DeskError | ValidationError) -> None:
        """Skip one record that cannot be read or acted on (logged once); an error about Desk as
        a whole is raised again, so the job waits for the next round."""
        if not about_one_record(error):
            raise error
        self._skipped.note(what, record, error)

    async def _queue(
        self,
        happening: Happening,
        ticket: Ticket,
        rules: RuleSettings,
        names: dict[str, str],
        key: str,
        priority: int = URGENT,
    ) -> int:
        """Route one happening by the rules and queue its cards (`priority`: BULK for scheduled
        reminders, URGENT for what just happened).

        Once per happening (`key`), wherever it goes: its first route is queued under `key`
        itself (a further one, rarer, under `key:<target>`), so a settings change that moves
        it elsewhere (a department remapped, DMs switched off) never sends it again."""
        owner = await self._directory.email_of(happening.owner_id)
        queued = 0
        department = happening.department_id
        mapped = rules.channel_map.get(department) if department else None
        for n, route in enumerate(decide(happening, rules, owner_email=owner).routes):
            reader = await self._readers.of(route.target_kind, route.target, mapped, department)
            card = notification_card(
                route.kinds, happening, ticket, reader=reader, now=self._clock.now(), names=names
            )
            queued += await self._outbox.enqueue(
                None,
                route.target_kind,
                route.target,
                card.to_wire(),
                key if n == 0 else f"{key}:{route.target}",
                fallback=route.fallback,
                priority=priority,
            )
        return queued
