"""The sandbox Desk's data: people in memory, tickets, comments, ratings and webhooks in SQLite.

Every change goes through `change_ticket`, `add_comment` or `create_ticket`, which also hand the
matching webhook events (with `prevState`) to the deliverer, as Desk does.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from bot.clock import Clock
from bot.desk.wire import format_time, parse_time
from bot.sandbox.desk.contract import EDITIONS
from bot.sandbox.desk.nulls import as_sent, picked
from bot.sandbox.desk.seed import CUSTOM_STATUSES, FIXTURE_PEOPLE, STATUSES, Seeded, seed
from bot.sandbox.desk.webhooks import Deliverer
from bot.store.db import Database

MIGRATIONS = [
    """
    CREATE TABLE sd_tickets (
        id TEXT PRIMARY KEY, number INTEGER NOT NULL UNIQUE, status TEXT, status_type TEXT,
        assignee_id TEXT, department_id TEXT, email TEXT, priority TEXT,
        created TEXT, modified TEXT, due TEXT, closed TEXT, doc TEXT NOT NULL
    );
    CREATE INDEX sd_tickets_assignee ON sd_tickets (assignee_id, created);
    CREATE INDEX sd_tickets_email ON sd_tickets (email, created);
    CREATE INDEX sd_tickets_status ON sd_tickets (status_type, due);
    CREATE INDEX sd_tickets_created ON sd_tickets (created);
    CREATE INDEX sd_tickets_modified ON sd_tickets (modified);
    CREATE TABLE sd_comments (
        id TEXT PRIMARY KEY, ticket_id TEXT NOT NULL, at TEXT NOT NULL, doc TEXT NOT NULL
    );
    CREATE INDEX sd_comments_ticket ON sd_comments (ticket_id, at);
    CREATE TABLE sd_ratings (id TEXT PRIMARY KEY, at TEXT NOT NULL, doc TEXT NOT NULL);
    CREATE INDEX sd_ratings_at ON sd_ratings (at);
    CREATE TABLE sd_webhooks (id TEXT PRIMARY KEY, doc TEXT NOT NULL)
    """
]
COLUMNS = {
    "status": "status",
    "statusType": "status_type",
    "assigneeId": "assignee_id",
    "departmentId": "department_id",
    "email": "email",
    "priority": "priority",
    "createdTime": "created",
    "modifiedTime": "modified",
    "dueDate": "due",
    "closedTime": "closed",
}


class DeskSandbox:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        identity: Callable[[str], str | None],
        *,
        seed: int = 42,
        org_id: str = "700000001",
        portal: str = "https://desk.sandbox.invalid",
        edition: str = "professional",
        search_lag: timedelta = timedelta(0),
        patch_team: bool = False,
    ) -> None:
        """`edition` (free, express, standard, professional, enterprise) decides webhooks and
        the concurrency cap; `search_lag` is how long a new ticket stays out of search; `patch_team` lets the ticket
        update take `teamId`, which Ticket.json does not list."""
        if edition not in EDITIONS:
            raise ValueError(f"unknown Desk edition {edition!r}; one of {', '.join(EDITIONS)}")
        self.edition = edition
        self.search_lag = search_lag
        self.patch_team = patch_team  # the update takes `teamId` (not in Ticket.json)
        self.in_flight = 0
        self.most_in_flight = 0
        self.db = db
        self.clock = clock
        self.identity = identity
        self.seed_number = seed
        self.org_id = org_id
        self.portal = portal
        self.base_url = ""
        self.deliverer = Deliverer(org_id, clock)
        self.agents: list[dict[str, Any]] = []
        self.tasks: list[dict[str, Any]] = []
        self.departments: list[dict[str, Any]] = []
        self.teams: list[dict[str, Any]] = []
        self.contacts: list[dict[str, Any]] = []
        self._ids = 0
        self.credits_spent = 0
        self.faults: list[tuple[int, str, str | None]] = []  # (status, errorCode, path part)
        self.stalled = asyncio.Event()  # releases calls held by a STALL fault
        self.replies: list[dict[str, Any]] = []

    def fail(self, status: int, code: str, count: int = 1, path: str | None = None) -> None:
        """The next `count` API calls answer this error (tests of Desk's bad days); with
        `path`, only calls whose path contains it (e.g. "/comments"), the others answering.

        `status` 0 with code `STALL` makes a call hang, answering nothing until the caller gives
        up (or the sandbox stops): a Desk that accepts connections but never answers."""
        self.faults.extend([(status, code, path)] * count)

    def fault_for(self, path: str) -> tuple[int, str] | None:
        """Take the first fault that applies to a call of `path`, if any."""
        for index, (status, code, only) in enumerate(self.faults):
            if only is None or only in path:
                del self.faults[index]
                return status, code
        return None

    async def setup(self) -> None:
        await self.db.migrate("sandbox_desk", MIGRATIONS)
        if await self.db.fetchone("SELECT 1 FROM sd_tickets LIMIT 1") is None:
            data = seed(self.seed_number, self.clock.now(), self.org_id, self.portal)
            await self._load(data)
        else:
            data = seed(self.seed_number, self.clock.now(), self.org_id, self.portal)
        self.tasks = data.tasks
        self.agents, self.departments, self.teams, self.contacts = (
            data.agents,
            data.departments,
            data.teams,
            data.contacts,
        )
        row = await self.db.fetchone("SELECT MAX(number) AS n FROM sd_tickets")
        self._ids = int(row["n"]) if row and row["n"] else 100

    async def _load(self, data: Seeded) -> None:
        async with self.db.transaction() as tx:
            await tx.executemany(
                "INSERT INTO sd_tickets VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                [_ticket_row(t) for t in data.tickets],
            )
            await tx.executemany(
                "INSERT INTO sd_comments VALUES (?,?,?,?)",
                [
                    (c["id"], c["ticketId"], c["commentedTime"], json.dumps(c))
                    for c in data.comments
                ],
            )
            await tx.executemany(
                "INSERT INTO sd_ratings VALUES (?,?,?)",
                [(r["id"], r["ratedTime"], json.dumps(r)) for r in data.ratings],
            )

    # --- people ---------------------------------------------------------------------------

    def agent_by_email(self, email: str | None) -> dict[str, Any] | None:
        wanted = (email or "").casefold()
        return next((a for a in self.agents if a["emailId"].casefold() == wanted), None)

    def agent_by_id(self, agent_id: str | None) -> dict[str, Any] | None:
        return next((a for a in self.agents if a["id"] == agent_id), None)

    def blueprint(self, ticket: dict[str, Any]) -> dict[str, Any] | None:
        """Escalated tickets run the sandbox's "Escalation" blueprint, which waits on the
        ticket's owner to resolve it; other tickets run none."""
        if ticket.get("status") != "Escalated":
            return None
        return {
            "id": "1166049000000000001",
            "name": "Escalation",
            "state": {"id": "1166049000000000010", "name": "Escalated", "type": "START"},
            "transitions": [
                {
                    "id": "1166049000000000020",
                    "name": "Resolve",
                    "fromState": "Escalated",
                    "toState": "Resolved",
                    "owners": [
                        {
                            "agentIds": [ticket["assigneeId"]] if ticket.get("assigneeId") else [],
                            "teamIds": [],
                            "departmentId": ticket.get("departmentId"),
                        }
                    ],
                    "canUserPerformTransition": True,
                    "isCriteriaSatisfied": True,
                }
            ],
        }

    def statuses(self) -> list[tuple[str, str]]:
        """The portal's statuses (name, statusType): the seeded ones and two custom ones, one
        longer than a Cliq option value."""
        return [*STATUSES, *CUSTOM_STATUSES]

    # --- answers as Desk sends them (nullable collections sometimes null) -------------------

    def wire_agent(self, agent: dict[str, Any]) -> dict[str, Any]:
        sent = as_sent("agent", agent, self.seed_number)
        if agent["emailId"] not in FIXTURE_PEOPLE and picked(self.seed_number, agent["id"]):
            sent["associatedDepartmentIds"] = None
        return sent

    def wire_team(self, team: dict[str, Any]) -> dict[str, Any]:
        return as_sent("team", team, self.seed_number)

    def wire_ticket(self, ticket: dict[str, Any]) -> dict[str, Any]:
        return as_sent("ticket", ticket, self.seed_number)

    def wire_comment(self, comment: dict[str, Any]) -> dict[str, Any]:
        return as_sent("comment", comment, self.seed_number)

    # --- tickets ---------------------------------------------------------------------------

    async def find(
        self,
        where: Sequence[tuple[str, Any]] = (),
        *,
        order: str = "created DESC",
        offset: int = 0,
        limit: int | None = 100,
    ) -> list[dict[str, Any]]:
        clauses, params = _where(where)
        sql = f"SELECT doc FROM sd_tickets{clauses} ORDER BY {order}"
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params += [limit, offset]
        return [json.loads(r["doc"]) for r in await self.db.fetchall(sql, params)]

    async def count(self, where: Sequence[tuple[str, Any]] = ()) -> int:
        clauses, params = _where(where)
        row = await self.db.fetchone(f"SELECT COUNT(*) AS n FROM sd_tickets{clauses}", params)
        return int(row["n"]) if row else 0

    async def count_by(self, column: str, where: Sequence[tuple[str, Any]] = ()) -> dict[str, int]:
        clauses, params = _where(where)
        rows = await self.db.fetchall(
            f"SELECT {column} AS v, COUNT(*) AS n FROM sd_tickets{clauses} GROUP BY {column}",
            params,
        )
        return {str(r["v"]): int(r["n"]) for r in rows if r["v"] is not None}

    async def ticket(self, ticket_id: str) -> dict[str, Any] | None:
        row = await self.db.fetchone("SELECT doc FROM sd_tickets WHERE id = ?", (ticket_id,))
        return json.loads(row["doc"]) if row else None

    async def ticket_by_number(self, number: str) -> dict[str, Any] | None:
        row = await self.db.fetchone(
            "SELECT doc FROM sd_tickets WHERE number = ?",
            (int(number) if number.isdigit() else -1,),
        )
        return json.loads(row["doc"]) if row else None

    async def create_ticket(self, fields: dict[str, Any], actor: dict[str, Any]) -> dict[str, Any]:
        now = format_time(self.clock.now())
        self._ids += 1
        ticket_id = f"1166045000{self._ids:09d}"
        contact_email = fields.get("email") or self.contacts[0]["email"]
        ticket = {
            "id": ticket_id,
            "ticketNumber": str(self._ids),
            "subject": fields.get("subject", "New"),
            "description": fields.get("description", ""),
            "status": "Open",
            "statusType": "Open",
            "priority": fields.get("priority", "Medium"),
            "channel": "Web",
            "departmentId": fields.get("departmentId") or self.departments[0]["id"],
            "assigneeId": fields.get("assigneeId"),
            "teamId": None,
            "contactId": None,
            "email": contact_email,
            "createdTime": now,
            "modifiedTime": now,
            "closedTime": None,
            "dueDate": fields.get("dueDate"),
            "isOverDue": False,
            "isEscalated": False,
            "createdBy": actor["id"],
            "modifiedBy": actor["id"],
            "webUrl": f"{self.portal}/support/sandbox/ShowHomePage.do#Cases/dv/{ticket_id}",
        }
        async with self.db.transaction() as tx:
            await tx.execute(
                "INSERT INTO sd_tickets VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", _ticket_row(ticket)
            )
        await self._emit("Ticket_Add", ticket, None)
        return ticket

    async def change_ticket(
        self, ticket_id: str, changes: dict[str, Any], actor: dict[str, Any]
    ) -> dict[str, Any] | None:
        ticket = await self.ticket(ticket_id)
        if ticket is None:
            return None
        before = dict(ticket)
        if "status" in changes:
            status_type = dict(self.statuses()).get(changes["status"], "Open")
            changes = {**changes, "statusType": status_type}
            if status_type == "Closed" and before.get("statusType") != "Closed":
                changes["closedTime"] = format_time(self.clock.now())
            elif status_type != "Closed":
                changes["closedTime"] = None
            changes.setdefault("isEscalated", changes["status"] == "Escalated")
        ticket.update(changes)
        ticket["modifiedTime"] = format_time(self.clock.now())
        ticket["modifiedBy"] = actor["id"]
        due = ticket.get("dueDate")
        ticket["isOverDue"] = bool(
            due and ticket["statusType"] != "Closed" and parse_time(due) < self.clock.now()
        )
        async with self.db.transaction() as tx:
            await tx.execute("DELETE FROM sd_tickets WHERE id = ?", (ticket_id,))
            await tx.execute(
                "INSERT INTO sd_tickets VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", _ticket_row(ticket)
            )
        prev = {k: before.get(k) for k in changes if before.get(k) != ticket.get(k)}
        if prev:
            await self._emit("Ticket_Update", ticket, prev)
        return ticket

    # --- comments and ratings -----------------------------------------------------------------

    async def comments(self, ticket_id: str) -> list[dict[str, Any]]:
        rows = await self.db.fetchall(
            "SELECT doc FROM sd_comments WHERE ticket_id = ? ORDER BY at DESC", (ticket_id,)
        )
        return [json.loads(r["doc"]) for r in rows]

    async def add_comment(
        self, ticket_id: str, content: str, public: bool, actor: dict[str, Any]
    ) -> dict[str, Any]:
        comment = {
            "id": f"1166046{uuid.uuid4().int % 10**12:012d}",
            "ticketId": ticket_id,
            "isPublic": public,
            "contentType": "plainText",
            "content": content,
            "commentedTime": format_time(self.clock.now()),
            "commenterId": actor["id"],
            "commenter": {
                "id": actor["id"],
                "name": actor["name"],
                "type": "AGENT",
                "email": actor["emailId"],
            },
        }
        ticket = await self.ticket(ticket_id)
        async with self.db.transaction() as tx:
            await tx.execute(
                "INSERT INTO sd_comments VALUES (?,?,?,?)",
                (comment["id"], ticket_id, comment["commentedTime"], json.dumps(comment)),
            )
            if ticket is not None:  # the ticket counts its comments and shows the activity
                ticket["commentCount"] = str(int(ticket.get("commentCount") or 0) + 1)
                ticket["modifiedTime"] = comment["commentedTime"]
                await tx.execute("DELETE FROM sd_tickets WHERE id = ?", (ticket_id,))
                await tx.execute(
                    "INSERT INTO sd_tickets VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", _ticket_row(ticket)
                )
        await self._emit("Ticket_Comment_Add", comment, None)
        return comment

    async def edit_comment(
        self, comment_id: str, content: str, actor: dict[str, Any]
    ) -> dict[str, Any] | None:
        row = await self.db.fetchone("SELECT doc FROM sd_comments WHERE id = ?", (comment_id,))
        if row is None:
            return None
        comment = {
            **json.loads(row["doc"]),
            "content": content,
            "modifiedTime": format_time(self.clock.now()),
        }
        await self.db.execute(
            "UPDATE sd_comments SET doc = ? WHERE id = ?", (json.dumps(comment), comment_id)
        )
        await self._emit("Ticket_Comment_Update", comment, None)
        return comment

    async def add_task(
        self, ticket: dict[str, Any], fields: dict[str, Any], actor: dict[str, Any]
    ) -> dict[str, Any]:
        task = {
            "id": f"1166048{uuid.uuid4().int % 10**12:012d}",
            "subject": fields.get("subject", "Follow up"),
            "status": "Not Started",
            "statusType": "Open",
            "dueDate": fields.get("dueDate"),
            "ownerId": fields.get("ownerId") or ticket.get("assigneeId"),
            "ticketId": ticket["id"],
            "departmentId": ticket.get("departmentId"),
            "completedTime": None,
            "createdTime": format_time(self.clock.now()),
            "modifiedTime": format_time(self.clock.now()),
            "createdBy": actor["id"],
            "modifiedBy": actor["id"],
        }
        self.tasks.append(task)
        await self._emit("Task_Add", task, None)
        return task

    async def change_task(
        self, task_id: str, changes: dict[str, Any], actor: dict[str, Any]
    ) -> dict[str, Any] | None:
        task = next((t for t in self.tasks if t["id"] == task_id), None)
        if task is None:
            return None
        if changes.get("status") == "Completed":
            changes = {
                **changes,
                "statusType": "Closed",
                "completedTime": format_time(self.clock.now()),
            }
        prev = {k: task.get(k) for k in changes if task.get(k) != changes[k]}
        task.update(changes, modifiedBy=actor["id"], modifiedTime=format_time(self.clock.now()))
        if prev:
            await self._emit("Task_Update", task, prev)
        return task

    async def ratings(self, since: datetime, until: datetime) -> list[dict[str, Any]]:
        rows = await self.db.fetchall(
            "SELECT doc FROM sd_ratings WHERE at >= ? AND at <= ? ORDER BY at DESC",
            (format_time(since), format_time(until)),
        )
        return [json.loads(r["doc"]) for r in rows]

    async def add_rating(
        self, ticket: dict[str, Any], rating: str, feedback: str | None
    ) -> dict[str, Any]:
        found = {
            "id": f"1166047{uuid.uuid4().int % 10**12:012d}",
            "rating": rating.upper(),
            "ratedTime": format_time(self.clock.now()),
            "feedback": feedback,
            "ticketId": ticket["id"],
            "agentId": ticket.get("assigneeId"),
            "contactId": ticket.get("contactId"),
            "departmentId": ticket.get("departmentId"),
        }
        await self.db.execute(
            "INSERT INTO sd_ratings VALUES (?,?,?)",
            (found["id"], found["ratedTime"], json.dumps(found)),
        )
        return found

    # --- webhooks ---------------------------------------------------------------------------

    async def webhooks(self) -> list[dict[str, Any]]:
        return [json.loads(r["doc"]) for r in await self.db.fetchall("SELECT doc FROM sd_webhooks")]

    async def add_webhook(self, doc: dict[str, Any]) -> dict[str, Any]:
        doc = {
            **doc,
            "id": f"9{uuid.uuid4().int % 10**17:017d}",
            "type": "CUSTOMER_WEBHOOK",
            "createdTime": format_time(self.clock.now()),
        }
        await self.db.execute("INSERT INTO sd_webhooks VALUES (?, ?)", (doc["id"], json.dumps(doc)))
        return doc

    async def delete_webhook(self, webhook_id: str) -> bool:
        before = len(await self.webhooks())
        await self.db.execute("DELETE FROM sd_webhooks WHERE id = ?", (webhook_id,))
        return len(await self.webhooks()) < before

    async def _emit(
        self, event_type: str, payload: dict[str, Any], prev: dict[str, Any] | None
    ) -> None:
        for hook in await self.webhooks():
            subscriptions = hook.get("subscriptions") or {}
            if hook.get("isEnabled", True) and event_type in subscriptions:
                options = subscriptions.get(event_type) or {}
                departments = options.get("departmentIds")
                if departments and payload.get("departmentId") not in departments:
                    continue
                include_prev = bool(options.get("includePrevState"))
                sent = payload
                if event_type.startswith("Ticket_Comment"):
                    sent = self.wire_comment(payload)
                elif event_type.startswith("Ticket_"):
                    sent = self.wire_ticket(payload)
                self.deliverer.deliver(hook, event_type, sent, prev if include_prev else None)


def _ticket_row(t: dict[str, Any]) -> tuple[Any, ...]:
    return (
        t["id"],
        int(t["ticketNumber"]),
        t.get("status"),
        t.get("statusType"),
        t.get("assigneeId"),
        t.get("departmentId"),
        (t.get("email") or "").casefold(),
        t.get("priority"),
        t.get("createdTime"),
        t.get("modifiedTime"),
        t.get("dueDate"),
        t.get("closedTime"),
        json.dumps(t),
    )


def _where(where: Iterable[tuple[str, Any]]) -> tuple[str, list[Any]]:
    """`(sql fragment with ?, value)` pairs joined with AND; a list value expands to IN (…)."""
    parts: list[str] = []
    params: list[Any] = []
    for fragment, value in where:
        if isinstance(value, list | tuple):
            marks = ",".join("?" * len(value)) or "NULL"
            parts.append(fragment.replace("(?)", f"({marks})"))
            params.extend(value)
        elif value is None and "?" not in fragment:
            parts.append(fragment)
        else:
            parts.append(fragment)
            params.append(value)
    return (" WHERE " + " AND ".join(parts) if parts else ""), params
