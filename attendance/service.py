"""The attendance facade the chat layer calls: statuses, moves, the board, reports, export.

Every read first settles the agents it reads (stores any 24-hour check-out that is due), and
every move settles and validates inside one write transaction, so two quick taps cannot both
pass the state machine. Permissions are not checked here: see `attendance.access`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

from attendance import export as csv_export
from attendance.errors import AlreadyCheckedOut, AttendanceError, CorrectionError, MoveRefused
from attendance.log import EventLog
from attendance.machine import allowed_moves, check_move
from attendance.models import (
    AUTO_CHECKOUT_AFTER,
    CHECK_IN,
    CHECK_OUT,
    MEAL_BREAK,
    SHORT_BREAK,
    EventKind,
    Status,
    StatusType,
    agent_key,
    from_ms,
    to_ms,
)
from attendance.notices import NoticeSink
from attendance.reports import (
    MAX_DAYS,
    AgentPeriod,
    RangeReport,
    WeekReport,
    days_between,
    midnight_ms,
    split_days,
)
from attendance.schema import migrate
from attendance.statuses import DefaultWords, StatusBook, english_only
from attendance.timeline import Replay, Step, replay
from attendance.views import AgentState, Board, BoardColumn, Change
from attendance.words import N_
from attendance.zones import Zone, zone
from bot.clock import Clock
from bot.store.db import Database, Tx

if TYPE_CHECKING:
    from bot.i18n import Words

BreakKind = Literal["meal", "short"]
_BREAKS = {"meal": MEAL_BREAK, "short": SHORT_BREAK}


class AttendanceService:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        notices: NoticeSink | None = None,
        *,
        words: DefaultWords = english_only,
    ) -> None:
        """`notices` hears, inside the storing transaction, of every move an admin makes for
        an agent and every 24-hour check-out (see `attendance.notices`); `words` names each
        default status in every language people may type it in (see `StatusBook`)."""
        self._db = db
        self._clock = clock
        self.book = StatusBook(db, words)
        self.log = EventLog(db, notices)

    async def setup(self) -> None:
        """Create the tables and the four default statuses (idempotent)."""
        await migrate(self._db)
        await self.book.seed_defaults()

    def _now_ms(self) -> int:
        return to_ms(self._clock.now())

    async def _move_time(self, tx: Any, email: str) -> int:
        """When a move made now, inside its write transaction, is recorded: the clock read once
        the write lock is held, and never before the agent's last recorded event. The log is
        read back in time order (then id), so a move checked against the latest state must come
        after it in time too; a time read before waiting for the lock (or another process's
        clock a little ahead) would place it before a move that committed first."""
        now = self._now_ms()
        row = await tx.fetchone(
            "SELECT MAX(at_ms) AS last FROM attendance_events WHERE agent = ?", (email,)
        )
        last = None if row is None else row["last"]
        return now if last is None else max(now, int(last))

    # --- status definitions (admin) -------------------------------------------------------

    async def statuses(self, *, include_deleted: bool = False) -> list[Status]:
        return await self.book.all(include_deleted=include_deleted)

    async def add_status(self, name: str, type: StatusType | str) -> Status:
        return await self.book.add(name, type)

    async def rename_status(self, ref: int | str, new_name: str) -> Status:
        return await self.book.rename(ref, new_name)

    async def restore_status(self, ref: int | str) -> Status:
        """A default status back under its default name (StatusBook.restore)."""
        return await self.book.restore(ref)

    async def retype_status(self, ref: int | str, type: StatusType | str) -> Status:
        return await self.book.retype(ref, type)

    async def delete_status(self, ref: int | str) -> Status:
        return await self.book.delete(ref)

    # --- an agent's state and moves -------------------------------------------------------

    async def status(self, agent: str, tz: Zone = "UTC") -> AgentState:
        """The agent's current status and today's worked time in `tz` (settling first)."""
        email = agent_key(agent)
        now = self._now_ms()
        tail = await self.log.settle(email, now)
        return await self._state(email, now, tz, tail=tail)

    async def move(
        self,
        agent: str,
        status: int | str,
        actor: str | None = None,
        *,
        name: str | None = None,
        reason: str = "",
        tz: Zone = "UTC",
        actor_name: str = "",
    ) -> Change:
        """Switch the agent to `status` (an id or a name), as `actor` (default the agent).

        A move by anyone else is recorded as an admin move, and the agent is told of it
        (`actor_name` names the admin in that notice). The agent's own move remembers `tz` as
        their zone, for their notices. Raises MoveRefused, listing the allowed moves, when the
        state machine does not allow it.
        """
        email = agent_key(agent)
        by = email if actor is None else actor.strip() or email
        kind = EventKind.NORMAL if by.lower() == email else EventKind.ADMIN
        # by id (a button pressed on an old card) a deleted status is found, then refused
        target = await self.book.get(status, include_deleted=isinstance(status, int))
        known = await self.book.all(include_deleted=True)
        refused: MoveRefused | None = None
        # One agent's moves one at a time, in any process; other agents' moves meanwhile.
        async with self._db.transaction(key=f"attendance:{email}") as tx:
            now = await self._move_time(tx, email)
            tail = await self.log.settle(email, now, tx=tx)
            current = tail.segments[-1].status_id if tail.segments else None
            own = kind is EventKind.NORMAL
            await _save_agent(tx, email, name, zone(tz).key if own else None)
            try:
                check_move(current, target, known)
            except MoveRefused as refusal:
                refused = refusal  # raised after the commit: a due check-out is still stored
            else:
                event_id = await self.log.append(
                    tx,
                    email,
                    target.id,
                    now,
                    actor=by,
                    kind=kind,
                    online=target.online,
                    recorded_ms=now,
                    reason=reason,
                    actor_name=actor_name,
                )
        self.log.committed()
        if refused is not None:
            raise refused
        return Change(await self.log.event(event_id), await self._state(email, now, tz))

    async def check_in(self, agent: str, *, name: str | None = None, tz: Zone = "UTC") -> Change:
        return await self.move(agent, CHECK_IN, name=name, tz=tz)

    async def check_out(self, agent: str, *, name: str | None = None, tz: Zone = "UTC") -> Change:
        return await self.move(agent, CHECK_OUT, name=name, tz=tz)

    async def break_(
        self, agent: str, kind: BreakKind = "short", *, name: str | None = None, tz: Zone = "UTC"
    ) -> Change:
        if kind not in _BREAKS:
            raise AttendanceError(N_("A break is meal or short."))
        return await self.move(agent, _BREAKS[kind], name=name, tz=tz)  # refused if deleted

    async def admin_checkout(
        self,
        agent: str,
        admin: str,
        reason: str = "",
        *,
        tz: Zone = "UTC",
        admin_name: str = "",
        agent_name: str | None = None,
    ) -> Change:
        """Check an agent out on their behalf, recorded as done by `admin` (SPEC A6); the
        agent is told (see `attendance.notices`). An admin checking themselves out makes their
        own move (no notice). Raises AlreadyCheckedOut, with the agent's state, if they are not
        checked in (whoever checked them out, and when), whoever the agent is."""
        try:
            if agent_key(admin) == agent_key(agent):
                return await self.move(agent, CHECK_OUT, tz=tz)  # their own move
            return await self.move(
                agent,
                CHECK_OUT,
                actor=agent_key(admin),
                reason=reason,
                tz=tz,
                actor_name=admin_name,
                name=agent_name,
            )
        except MoveRefused:
            state = await self.status(agent, tz)
            if not state.checked_in:
                raise AlreadyCheckedOut(state.email, state.name, state.since) from None
            raise  # pragma: no cover - Check Out is allowed from every checked-in state

    async def correct(
        self,
        agent: str,
        status: int | str,
        at: datetime,
        actor: str,
        reason: str,
        *,
        tz: Zone = "UTC",
    ) -> Change:
        """Record that the agent was in `status` from `at` (in the past), with who and why.

        The log is not rewritten: this is a new event, placed at `at` in replay order, so it
        wins over an earlier event at the same instant. Corrections are not checked by the state
        machine (they fix what it could not see), but the 24-hour rule applies to them. A stored
        automatic check-out stays a fact of the log: to reopen the time it closed, add a
        correction at the same instant.
        """
        email = agent_key(agent)
        if not reason.strip():
            raise CorrectionError(N_("A correction needs a reason."))
        if not actor.strip():
            raise CorrectionError(N_("A correction needs the name of who made it."))
        now = self._now_ms()
        at_ms = to_ms(at)
        if at_ms > now:
            raise CorrectionError(N_("A correction cannot be dated in the future."))
        target = await self.book.get(status)
        async with self._db.transaction() as tx:
            event_id = await self.log.append(
                tx,
                email,
                target.id,
                at_ms,
                actor=actor.strip(),
                kind=EventKind.CORRECTION,
                online=target.online,
                recorded_ms=now,
                reason=reason.strip(),
            )
            await _save_agent(tx, email, None)
            await self.log.settle(email, now, since_ms=at_ms, tx=tx)
        self.log.committed()
        return Change(await self.log.event(event_id), await self._state(email, now, tz))

    async def set_name(self, agent: str, name: str) -> None:
        async with self._db.transaction() as tx:
            await _save_agent(tx, agent_key(agent), name)

    # --- the 24-hour rule -----------------------------------------------------------------

    async def sweep(self) -> int:
        """Store every 24-hour check-out now due; return how many. Safe to run at any time."""
        now = self._now_ms()
        done = 0
        for email in await self.log.agents_in_session():
            done += len((await self.log.settle(email, now)).auto_checkouts)
        return done

    async def next_auto_checkout(self) -> datetime | None:
        """The earliest pending 24-hour deadline, so a scheduler can sleep until then."""
        now = self._now_ms()
        soonest: int | None = None
        for email in await self.log.agents_in_session():
            start = (await self.log.settle(email, now)).session_start
            if start is not None:
                deadline = start + AUTO_CHECKOUT_AFTER // timedelta(milliseconds=1)
                soonest = deadline if soonest is None else min(soonest, deadline)
        return None if soonest is None else from_ms(soonest)

    # --- the board and reports ------------------------------------------------------------

    async def board(
        self, agents: Sequence[str] | Mapping[str, str] | None = None, tz: Zone = "UTC"
    ) -> Board:
        """Agents grouped by current status: `agents` (e.g. Desk's list; a mapping gives each
        e-mail's name, used where attendance knows none), or everyone known. An agent who never
        used attendance is in the Check Out column. Each column lists its agents by name."""
        given = (
            {} if not isinstance(agents, Mapping) else {agent_key(k): v for k, v in agents.items()}
        )
        emails = (
            await self.log.known_agents()
            if agents is None
            else sorted({agent_key(a) for a in agents})
        )
        now = self._now_ms()
        where = zone(tz)
        statuses = await self.book.all(include_deleted=True)
        groups: dict[int, list[AgentState]] = {s.id: [] for s in statuses}
        names = {**{k: " ".join(v.split()) for k, v in given.items() if v.strip()}}
        names.update(await self.log.names(emails))
        today = self._clock.now().astimezone(where).date()
        start = midnight_ms(today, where)
        tails = await self.log.tails(emails)  # every agent in a few queries, not two each
        windows = await self.log.windows(emails, start, now + 1)
        for email in emails:
            tail = replay(tails[email], now)
            window = windows[email]
            if tail.auto_checkouts:  # a 24-hour check-out is due: stored first, as `status` does
                tail = await self.log.settle(email, now)
                window = await self.log.window(email, start, now + 1)
            state = await self._state(
                email,
                now,
                where,  # looked up once, not per agent
                statuses=statuses,
                tail=tail,
                name=names.get(email, ""),
                today=window,
            )
            groups[state.status.id].append(state)
        for column in groups.values():
            column.sort(key=lambda a: ((a.name or a.email).casefold(), a.email))
        return Board(
            [BoardColumn(s, groups[s.id]) for s in statuses if not s.deleted or groups[s.id]]
        )

    async def week(self, agent: str, tz: Zone, day: date | None = None) -> WeekReport:
        """The agent's week (Monday to Sunday in `tz`) containing `day`, default today."""
        where = zone(tz)
        day = day or self._clock.now().astimezone(where).date()
        monday = day - timedelta(days=day.weekday())
        days = [monday + timedelta(days=i) for i in range(7)]
        email = agent_key(agent)
        names = await self.log.names([email])
        period = await self._period(email, names.get(email, ""), days, tz, self._now_ms())
        statuses = await self.book.all(include_deleted=True)
        return WeekReport(monday, _columns(statuses, [period]), period)

    async def report(
        self,
        agents: Sequence[str],
        start: date,
        end: date,
        tz: Zone,
        *,
        limit: int | None = MAX_DAYS,
    ) -> RangeReport:
        """Chosen agents over `start`..`end` inclusive, days in `tz`.

        `limit` caps the number of days (RangeError beyond it): 30 by default, as an export;
        None for viewing, which has no cap (a card shows a page of agents and days at a time,
        so it asks only for those)."""
        days = days_between(start, end, limit=limit)
        periods = [p async for p in self._periods(agents, days, tz)]
        statuses = await self.book.all(include_deleted=True)
        return RangeReport(start, end, zone(tz).key, _columns(statuses, periods), periods)

    async def export(
        self,
        agents: Sequence[str],
        start: date,
        end: date,
        tz: Zone,
        words: Words | None = None,
    ) -> AsyncIterator[bytes]:
        """The CSV of `agents` over at most 30 days, as an async iterator of byte chunks; its
        column names for programs, or (`words`) in a reader's language.

        The period is checked now, before any byte is sent; rows are produced one agent at a
        time as the consumer reads, so memory does not grow with the number of agents.
        """
        days = days_between(start, end, limit=MAX_DAYS)
        where = zone(tz)
        columns = await self.columns(days[-1], where)
        return csv_export.stream(self._periods(agents, days, where), columns, words)

    async def purge(self) -> None:
        """Delete all attendance data and restore the default statuses (admin, confirmed)."""
        async with self._db.transaction() as tx:
            await tx.execute("DELETE FROM attendance_events")
            await tx.execute("DELETE FROM attendance_agents")
            await tx.execute("DELETE FROM attendance_statuses")
        await self.book.seed_defaults()

    # --- internals ------------------------------------------------------------------------

    async def _periods(
        self, agents: Sequence[str], days: list[date], tz: Zone
    ) -> AsyncIterator[AgentPeriod]:
        emails = list(dict.fromkeys(agent_key(a) for a in agents))
        names = await self.log.names(emails)
        now = self._now_ms()
        for email in emails:
            yield await self._period(email, names.get(email, ""), days, tz, now)

    async def _period(
        self,
        email: str,
        name: str,
        days: list[date],
        tz: Zone,
        now: int,
        *,
        settle: bool = True,
        window: tuple[Step | None, list[Step]] | None = None,
    ) -> AgentPeriod:
        """The agent's `days` as read now; `window` is what `log.window` reads for them,
        when the caller read it already (the board reads every agent's at once)."""
        where = zone(tz)
        if settle:
            await self.log.settle(email, now)
        start = midnight_ms(days[0], where)
        until = min(midnight_ms(days[-1] + timedelta(days=1), where), now)
        segments = []
        if until > start:
            initial, steps = window or await self.log.window(email, start, until + 1)
            segments = replay(steps, until, start=start, initial=initial).segments
        return AgentPeriod(email, name, where.key, split_days(segments, days, where))

    async def _state(
        self,
        email: str,
        now: int,
        tz: Zone,
        *,
        statuses: list[Status] | None = None,
        tail: Replay | None = None,
        name: str | None = None,
        today: tuple[Step | None, list[Step]] | None = None,
    ) -> AgentState:
        """The state from the replay of the open tail (`settle` returns it), read if not given;
        `today` is the log's window from local midnight to now, read if not given."""
        statuses = statuses or await self.book.all(include_deleted=True)
        by_id = {s.id: s for s in statuses}
        if tail is None:
            tail = replay(await self.log.open_tail(self._db, email), now)
        last = tail.segments[-1] if tail.segments else None
        current = None if last is None else last.status_id
        session = tail.session_start
        day = self._clock.now().astimezone(zone(tz)).date()
        period = await self._period(email, "", [day], tz, now, settle=False, window=today)
        if name is None:
            name = (await self.log.names([email])).get(email, "")
        return AgentState(
            email=email,
            name=name,
            status=by_id[current if current is not None else CHECK_OUT],
            since=None if last is None else from_ms(last.start),
            session_started=None if session is None else from_ms(session),
            auto_check_out_at=(None if session is None else from_ms(session) + AUTO_CHECKOUT_AFTER),
            worked_today=period.days[0].worked,
            allowed=allowed_moves(current, statuses),
        )

    async def columns(self, last: date, tz: Zone) -> list[Status]:
        """The statuses a report or export ending on the local day `last` (in `tz`) shows, in
        display order: those in use, and deleted ones holding any event before that day ends.
        It depends on no agent, so a paged report knows its rows before reading anyone."""
        end_ms = midnight_ms(last + timedelta(days=1), zone(tz))
        columns = []
        for status in await self.book.all(include_deleted=True):
            if status.deleted:
                row = await self._db.fetchone(
                    "SELECT 1 FROM attendance_events WHERE status_id = ? AND at_ms < ? LIMIT 1",
                    (status.id, end_ms),
                )
                if row is None:
                    continue
            columns.append(status)
        return columns


def _columns(statuses: list[Status], periods: Sequence[AgentPeriod]) -> list[Status]:
    """Report columns: statuses in use, plus deleted ones that hold time in this report."""
    used = {sid for p in periods for d in p.days for sid, t in d.per_status.items() if t}
    return [s for s in statuses if not s.deleted or s.id in used]


async def _save_agent(tx: Tx, email: str, name: str | None, tz: str | None = None) -> None:
    """Remember the agent (the sweep and the board list agents from here), their name and
    their own zone (for their notices), each only when given."""
    cleaned = " ".join((name or "").split())
    updates = [f"{col} = excluded.{col}" for col, v in (("name", cleaned), ("zone", tz)) if v]
    update = f"UPDATE SET {', '.join(updates)}" if updates else "NOTHING"
    await tx.execute(
        "INSERT INTO attendance_agents (email, name, zone) VALUES (?, ?, ?)"
        f" ON CONFLICT (email) DO {update}",
        (email, cleaned, tz or ""),
    )


__all__ = [
    "AgentState",
    "AttendanceService",
    "Board",
    "BoardColumn",
    "BreakKind",
    "Change",
]
