"""The append-only attendance log, one stream of events per agent (DESIGN §5).

Nothing here updates or deletes an event: a correction is a new event dated in the past, and the
24-hour check-out is stored as an automatic event by `settle`. Reads replay events in log order
(`at_ms`, then `id`) with `timeline.replay`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from attendance.models import (
    AUTO_CHECKOUT_AFTER,
    CHECK_OUT,
    SYSTEM_ACTOR,
    Event,
    EventKind,
    agent_key,
    from_ms,
)
from attendance.notices import NOTIFIED, Notice, NoticeSink
from attendance.timeline import Replay, Step, replay
from bot.store.db import Database

AUTO_REASON = "Still checked in 24 hours after checking in"

_EVENT_COLUMNS = "id, agent, status_id, at_ms, actor, kind, reason, online"


def _event(row: Any) -> Event:
    return Event(
        id=row["id"],
        agent=row["agent"],
        status_id=row["status_id"],
        at=from_ms(row["at_ms"]),
        actor=row["actor"],
        kind=EventKind(row["kind"]),
        reason=row["reason"],
        online=bool(row["online"]),
    )


async def _fetchall(src: Any, sql: str, params: tuple[Any, ...]) -> list[Any]:
    """Rows from the Database, or from the connection of a transaction in progress."""
    return list(await src.fetchall(sql, params))


def _step(row: Any) -> Step:
    return Step(row[0], row[1], bool(row[2]), row[3] == EventKind.AUTOMATIC)


class EventLog:
    def __init__(self, db: Database, notices: NoticeSink | None = None) -> None:
        """`notices` hears of every admin and automatic event, inside its transaction."""
        self._db = db
        self._notices = notices
        self._uncommitted = False  # notices recorded whose transaction may not have committed

    def committed(self) -> None:
        """Call after a transaction that appended events commits: tells the sink, if it heard
        of any (see `attendance.notices`)."""
        if self._uncommitted and self._notices is not None:
            self._uncommitted = False
            self._notices.committed()

    async def append(
        self,
        tx: Any,
        agent: str,
        status_id: int,
        at_ms: int,
        *,
        actor: str,
        kind: EventKind,
        online: bool,
        recorded_ms: int,
        reason: str = "",
        actor_name: str = "",
    ) -> int:
        """Append one event inside the caller's transaction; return its id. An admin's or the
        24-hour rule's event is handed to the notice sink in the same transaction (the caller
        then calls `committed()` once it commits); `actor_name` is only for that notice."""
        added = await tx.fetchone(
            "INSERT INTO attendance_events"
            " (agent, status_id, at_ms, actor, kind, reason, online, recorded_ms)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (agent, status_id, at_ms, actor, kind.value, reason, int(online), recorded_ms),
        )
        assert added is not None  # RETURNING gives the inserted row
        event_id = int(added["id"])
        if self._notices is not None and kind in NOTIFIED:
            rows = await _fetchall(
                tx, "SELECT name, zone FROM attendance_agents WHERE email = ?", (agent,)
            )
            name, zone = (rows[0][0], rows[0][1]) if rows else ("", "")
            status = await _fetchall(
                tx,
                "SELECT name, builtin, renamed FROM attendance_statuses WHERE id = ?",
                (status_id,),
            )
            automatic = kind is EventKind.AUTOMATIC
            notice = Notice(
                event_id=event_id,
                agent=agent,
                agent_name=name,
                kind=kind,
                status_id=status_id,
                status_name=status[0][0] if status else "",
                status_default=bool(status and status[0][1] and not status[0][2]),
                at=from_ms(at_ms),
                actor=actor,
                actor_name=actor_name,
                zone=zone,
                session_started=from_ms(at_ms) - AUTO_CHECKOUT_AFTER if automatic else None,
            )
            await self._notices.record(tx, notice)
            self._uncommitted = True
        return event_id

    async def events(self, agent: str) -> list[Event]:
        """The agent's whole log in log order (for audits and tests)."""
        rows = await self._db.fetchall(
            f"SELECT {_EVENT_COLUMNS} FROM attendance_events WHERE agent = ? ORDER BY at_ms, id",
            (agent_key(agent),),
        )
        return [_event(row) for row in rows]

    async def event(self, event_id: int) -> Event:
        found = await self.find(event_id)
        assert found is not None
        return found

    async def find(self, event_id: int) -> Event | None:
        """The event numbered `event_id`, or None when there is none."""
        row = await self._db.fetchone(
            f"SELECT {_EVENT_COLUMNS} FROM attendance_events WHERE id = ?", (event_id,)
        )
        return None if row is None else _event(row)

    # --- replaying ------------------------------------------------------------------------

    async def open_tail(
        self, conn: Any, agent: str, *, at_or_before: int | None = None
    ) -> list[Step]:
        """The last Check Out (at or before `at_or_before` if given) and every event after it.

        After a Check Out the agent is checked out whatever came before, so replaying this tail
        alone is exact; it is short unless a correction was dated far back.
        """
        bound = "" if at_or_before is None else " AND at_ms <= ?"
        params: tuple[Any, ...] = (agent, CHECK_OUT) + (
            () if at_or_before is None else (at_or_before,)
        )
        found = await _fetchall(
            conn,
            "SELECT at_ms, id FROM attendance_events WHERE agent = ? AND status_id = ?"
            f"{bound} ORDER BY at_ms DESC, id DESC LIMIT 1",
            params,
        )
        last = found[0] if found else None
        args: tuple[Any, ...]
        if last is None:
            sql, args = "agent = ?", (agent,)
        else:
            sql = "agent = ? AND (at_ms > ? OR (at_ms = ? AND id >= ?))"
            args = (agent, last[0], last[0], last[1])
        rows = await _fetchall(
            conn,
            f"SELECT at_ms, status_id, online, kind FROM attendance_events WHERE {sql}"
            " ORDER BY at_ms, id",
            args,
        )
        return [_step(row) for row in rows]

    async def settle(
        self, agent: str, now_ms: int, *, since_ms: int | None = None, tx: Any = None
    ) -> Replay:
        """Store the automatic check-outs the 24-hour rule implies up to `now_ms`.

        Replays the open tail (from the last Check Out at or before `since_ms`, default the very
        last one) and appends each synthetic check-out it finds. Returns the replay of that
        tail as it now stands. Runs in `tx` if given, else reads first and takes the write lock
        only when something must be written, re-checking under the lock.
        """
        if tx is not None:
            return await self._settle_in(tx, agent, now_ms, since_ms)
        steps = await self.open_tail(self._db, agent, at_or_before=since_ms)
        found = replay(steps, now_ms)
        if not found.auto_checkouts:
            return found
        async with self._db.transaction() as tx:
            settled = await self._settle_in(tx, agent, now_ms, since_ms)
        self.committed()
        return settled

    async def _settle_in(self, tx: Any, agent: str, now_ms: int, since_ms: int | None) -> Replay:
        steps = await self.open_tail(tx, agent, at_or_before=since_ms)
        found = replay(steps, now_ms)
        for at in found.auto_checkouts:
            await self.append(
                tx,
                agent,
                CHECK_OUT,
                at,
                actor=SYSTEM_ACTOR,
                kind=EventKind.AUTOMATIC,
                online=False,
                recorded_ms=now_ms,
                reason=AUTO_REASON,
            )
        return found

    async def window(
        self, agent: str, start_ms: int, end_ms: int
    ) -> tuple[Step | None, list[Step]]:
        """The agent's state just before `start_ms` and the events in [start_ms, end_ms)."""
        row = await self._db.fetchone(
            "SELECT at_ms, status_id, online, kind FROM attendance_events"
            " WHERE agent = ? AND at_ms < ? ORDER BY at_ms DESC, id DESC LIMIT 1",
            (agent, start_ms),
        )
        rows = await self._db.fetchall(
            "SELECT at_ms, status_id, online, kind FROM attendance_events"
            " WHERE agent = ? AND at_ms >= ? AND at_ms < ? ORDER BY at_ms, id",
            (agent, start_ms, end_ms),
        )
        return (None if row is None else _step(row)), [_step(r) for r in rows]

    async def tails(self, agents: Sequence[str]) -> dict[str, list[Step]]:
        """Each agent's open tail (as `open_tail` reads it: the last Check Out and every event
        after it), for many agents in one query per `BATCH` of them; an agent with no events
        gets an empty list. What a board of a thousand agents reads instead of a thousand
        pairs of queries."""
        found: dict[str, list[Step]] = {a: [] for a in agents}
        for chunk in _chunks(list(found)):
            wanted = _wanted(chunk)
            last_out = (
                "SELECT x.{col} FROM attendance_events x WHERE x.agent = w.agent"
                " AND x.status_id = ? ORDER BY x.at_ms DESC, x.id DESC LIMIT 1"
            )
            rows = await self._db.fetchall(
                f"WITH {wanted}, outs AS (SELECT w.agent,"
                f" ({last_out.format(col='at_ms')}) AS out_ms,"
                f" ({last_out.format(col='id')}) AS out_id FROM wanted w)"
                " SELECT e.at_ms, e.status_id, e.online, e.kind, e.agent"
                " FROM outs o JOIN attendance_events e ON e.agent = o.agent"
                " AND e.at_ms >= COALESCE(o.out_ms, -1)"
                " WHERE o.out_ms IS NULL OR e.at_ms > o.out_ms OR e.id >= o.out_id"
                " ORDER BY e.agent, e.at_ms, e.id",
                (*chunk, CHECK_OUT, CHECK_OUT),
            )
            for row in rows:
                found[row[4]].append(_step(row))
        return found

    async def windows(
        self, agents: Sequence[str], start_ms: int, end_ms: int
    ) -> dict[str, tuple[Step | None, list[Step]]]:
        """`window` for many agents at once: each agent's state just before `start_ms` and
        their events in [start_ms, end_ms), in one pair of queries per `BATCH` of agents."""
        found: dict[str, tuple[Step | None, list[Step]]] = {a: (None, []) for a in agents}
        for chunk in _chunks(list(found)):
            wanted = _wanted(chunk)
            before = await self._db.fetchall(
                f"WITH {wanted} SELECT e.at_ms, e.status_id, e.online, e.kind, e.agent"
                " FROM wanted w JOIN attendance_events e ON e.id = ("
                " SELECT x.id FROM attendance_events x WHERE x.agent = w.agent AND x.at_ms < ?"
                " ORDER BY x.at_ms DESC, x.id DESC LIMIT 1)",
                (*chunk, start_ms),
            )
            for row in before:
                found[row[4]] = (_step(row), [])
            rows = await self._db.fetchall(
                f"WITH {wanted} SELECT e.at_ms, e.status_id, e.online, e.kind, e.agent"
                " FROM wanted w JOIN attendance_events e ON e.agent = w.agent"
                " AND e.at_ms >= ? AND e.at_ms < ? ORDER BY e.agent, e.at_ms, e.id",
                (*chunk, start_ms, end_ms),
            )
            for row in rows:
                found[row[4]][1].append(_step(row))
        return found

    async def agents_in_session(self) -> list[str]:
        """Agents whose last event is not a Check Out: the only ones the sweep must look at."""
        rows = await self._db.fetchall(
            "SELECT a.email FROM attendance_agents a WHERE ("
            " SELECT x.status_id FROM attendance_events x WHERE x.agent = a.email"
            " ORDER BY x.at_ms DESC, x.id DESC LIMIT 1) <> ?",
            (CHECK_OUT,),
        )
        return [row[0] for row in rows]

    async def known_agents(self) -> list[str]:
        """Every agent who ever made a move or was named (each move records its agent)."""
        rows = await self._db.fetchall("SELECT email FROM attendance_agents ORDER BY email")
        return [row[0] for row in rows]

    async def names(self, agents: Sequence[str]) -> dict[str, str]:
        """Known names of `agents` (by e-mail key); agents without one are left out."""
        wanted = set(agents)
        if len(wanted) <= 100:
            marks = ", ".join("?" * len(wanted))
            sql = f"SELECT email, name FROM attendance_agents WHERE email IN ({marks})"
            rows = await self._db.fetchall(sql, sorted(wanted)) if wanted else []
        else:
            rows = await self._db.fetchall("SELECT email, name FROM attendance_agents")
        return {row["email"]: row["name"] for row in rows if row["email"] in wanted and row["name"]}


BATCH = 500
"""Agents per batched read (well under SQLite's and PostgreSQL's limits on parameters)."""


def _chunks(agents: list[str]) -> list[list[str]]:
    return [agents[i : i + BATCH] for i in range(0, len(agents), BATCH)]


def _wanted(chunk: Sequence[str]) -> str:
    """A common table expression `wanted(agent)` of the chunk's e-mails, as placeholders."""
    return "wanted (agent) AS (VALUES " + ", ".join("(?)" for _ in chunk) + ")"
