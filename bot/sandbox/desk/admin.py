"""The sandbox Desk's admin API, for demos and tests (documented in the README).

    POST  /sandbox/tickets                     {"subject", "email"?, "departmentId"?, "assignee"?, "actor"?}
    PATCH /sandbox/tickets/{number}            {"actor": "<agent e-mail>", "status"?, "assignee"?, …}
    POST  /sandbox/tickets/{number}/comments   {"actor", "content", "public"?}
    POST  /sandbox/tickets/{number}/rating     {"rating": "good|ok|bad", "feedback"?}
    PATCH /sandbox/comments/{id}               {"actor", "content"}            (Ticket_Comment_Update)
    POST  /sandbox/tickets/{number}/tasks      {"actor", "subject", "dueDate"?, "owner"?}   (Task_Add)
    PATCH /sandbox/tasks/{id}                  {"actor", "status"?, "dueDate"?}             (Task_Update)
    POST  /sandbox/clock                       {"minutes": n}     (bot/sandbox/world_clock.py)
    GET   /sandbox/state                       counts, webhooks and deliveries

Changes made here behave like changes in Desk's UI: they fire the same webhook events.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from bot.sandbox.desk.api import STATE, error
from bot.sandbox.desk.contract import due_date
from bot.sandbox.desk.state import DeskSandbox


def _actor(sandbox: DeskSandbox, body: dict[str, Any]) -> dict[str, Any] | None:
    return sandbox.agent_by_email(body.get("actor") or "admin@example.com")


def _changes(sandbox: DeskSandbox, body: dict[str, Any]) -> dict[str, Any]:
    changes: dict[str, Any] = {
        k: body[k]
        for k in (
            "status",
            "priority",
            "dueDate",
            "departmentId",
            "subject",
            "teamId",
            "isEscalated",
        )
        if k in body
    }
    if "dueDate" in changes:  # null: no due date; else a time as Desk's documents allow
        changes["dueDate"] = due_date(changes["dueDate"])
    if "assignee" in body:
        agent = sandbox.agent_by_email(body["assignee"]) if body["assignee"] else None
        if body["assignee"] and agent is None:
            raise ValueError(f"no agent {body['assignee']}")
        changes["assigneeId"] = agent["id"] if agent else None
    return changes


def _task_fields(body: dict[str, Any]) -> dict[str, Any]:
    """A task's fields checked as Task.json types them: `subject` a string of at most 300
    characters, `dueDate` null (no due date) or a time. ValueError says what is wrong."""
    fields = dict(body)
    if "subject" in fields and (
        not isinstance(fields["subject"], str) or not 0 < len(fields["subject"]) <= 300
    ):
        raise ValueError("subject is a text of 1 to 300 characters")
    if "dueDate" in fields:
        fields["dueDate"] = due_date(fields["dueDate"])
    return fields


def routes() -> list[web.RouteDef]:
    async def create(request: web.Request) -> web.Response:
        sandbox = request.app[STATE]
        body = await request.json()
        actor = _actor(sandbox, body)
        if actor is None:
            return error(400, "INVALID_DATA", "unknown actor")
        try:
            fields = {**body, **_changes(sandbox, body)}
        except ValueError as exc:
            return error(400, "INVALID_DATA", str(exc))
        return web.json_response(await sandbox.create_ticket(fields, actor), status=201)

    async def change(request: web.Request) -> web.Response:
        sandbox = request.app[STATE]
        body = await request.json()
        ticket = await sandbox.ticket_by_number(request.match_info["number"])
        actor = _actor(sandbox, body)
        if ticket is None or actor is None:
            return error(404, "URL_NOT_FOUND", "no such ticket or actor")
        try:
            changes = _changes(sandbox, body)
        except ValueError as exc:
            return error(400, "INVALID_DATA", str(exc))
        return web.json_response(await sandbox.change_ticket(ticket["id"], changes, actor))

    async def comment(request: web.Request) -> web.Response:
        sandbox = request.app[STATE]
        body = await request.json()
        ticket = await sandbox.ticket_by_number(request.match_info["number"])
        actor = _actor(sandbox, body)
        if ticket is None or actor is None or not body.get("content"):
            return error(400, "INVALID_DATA", "ticket, actor and content are required")
        found = await sandbox.add_comment(
            ticket["id"], body["content"], bool(body.get("public")), actor
        )
        return web.json_response(found, status=201)

    async def edit_comment(request: web.Request) -> web.Response:
        sandbox = request.app[STATE]
        body = await request.json()
        actor = _actor(sandbox, body)
        found = await sandbox.edit_comment(
            request.match_info["comment"], str(body.get("content", "")), actor or {}
        )
        if found is None or actor is None:
            return error(404, "URL_NOT_FOUND", "no such comment or actor")
        return web.json_response(found)

    async def add_task(request: web.Request) -> web.Response:
        sandbox = request.app[STATE]
        body = await request.json()
        ticket = await sandbox.ticket_by_number(request.match_info["number"])
        actor = _actor(sandbox, body)
        if ticket is None or actor is None:
            return error(404, "URL_NOT_FOUND", "no such ticket or actor")
        owner = sandbox.agent_by_email(body.get("owner")) if body.get("owner") else None
        if body.get("owner") and owner is None:
            return error(400, "INVALID_DATA", f"no agent {body['owner']}")
        try:  # Task.json createTask: only subject and departmentId are required
            fields = {**body, "ownerId": owner["id"] if owner else None, **_task_fields(body)}
        except ValueError as exc:
            return error(400, "INVALID_DATA", str(exc))
        return web.json_response(await sandbox.add_task(ticket, fields, actor), status=201)

    async def change_task(request: web.Request) -> web.Response:
        sandbox = request.app[STATE]
        body = await request.json()
        actor = _actor(sandbox, body)
        try:
            changes = _task_fields(
                {k: body[k] for k in ("status", "dueDate", "subject") if k in body}
            )
        except ValueError as exc:
            return error(400, "INVALID_DATA", str(exc))
        found = await sandbox.change_task(request.match_info["task"], changes, actor or {})
        if found is None or actor is None:
            return error(404, "URL_NOT_FOUND", "no such task or actor")
        return web.json_response(found)

    async def rate(request: web.Request) -> web.Response:
        sandbox = request.app[STATE]
        body = await request.json()
        ticket = await sandbox.ticket_by_number(request.match_info["number"])
        if ticket is None or str(body.get("rating", "")).lower() not in ("good", "ok", "bad"):
            return error(400, "INVALID_DATA", "a known ticket and rating good|ok|bad are required")
        return web.json_response(
            await sandbox.add_rating(ticket, body["rating"], body.get("feedback")), status=201
        )

    async def state(request: web.Request) -> web.Response:
        sandbox = request.app[STATE]
        return web.json_response(
            {
                "tickets": await sandbox.count(),
                "agents": len(sandbox.agents),
                "webhooks": await sandbox.webhooks(),
                "delivered": len(sandbox.deliverer.delivered),
                "failed": len(sandbox.deliverer.failed),
                "now": sandbox.clock.now().isoformat(),
            }
        )

    return [
        web.post("/sandbox/tickets", create),
        web.patch("/sandbox/tickets/{number}", change),
        web.post("/sandbox/tickets/{number}/comments", comment),
        web.post("/sandbox/tickets/{number}/rating", rate),
        web.patch("/sandbox/comments/{comment}", edit_comment),
        web.post("/sandbox/tickets/{number}/tasks", add_task),
        web.patch("/sandbox/tasks/{task}", change_task),
        web.get("/sandbox/state", state),
    ]
