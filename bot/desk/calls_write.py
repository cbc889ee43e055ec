"""Writes and per-ticket reads: PATCH, replies, comments, threads, blueprints, webhooks."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import datetime
from typing import Any, Literal

from bot.desk.activities import Task
from bot.desk.calls_read import ReadCalls, Values
from bot.desk.conversation import Comment, MailReplyAddress, Thread
from bot.desk.errors import NoReplyAddress
from bot.desk.events import Webhook
from bot.desk.paging import collect, csv, models
from bot.desk.tickets import Blueprint, Ticket
from bot.desk.wire import format_time

TASK_PAGE = 99  # Task.json getTasks: limit maximum 99
TaskSort = Literal[
    "modifiedTime", "-modifiedTime", "createdTime", "-createdTime", "dueDate", "-dueDate"
]


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()
"""Marks a PATCH field as "leave alone" (None means "clear it", e.g. `assigneeId: null`)."""


class WriteCalls(ReadCalls):
    """Calls that change Desk, and the per-ticket reads that go with them."""

    _reply_addresses: dict[str, MailReplyAddress]

    # --- acting on a ticket -----------------------------------------------------------------

    async def update_ticket(
        self,
        ticket_id: str,
        *,
        status: str | None = UNSET,
        assignee_id: str | None = UNSET,
        team_id: str | None = UNSET,
        priority: str | None = UNSET,
        due_date: datetime | None = UNSET,
    ) -> Ticket:
        """`PATCH /tickets/{id}` with only the given keys; None clears (unassign)."""
        changes = {
            "status": status,
            "assigneeId": assignee_id,
            "teamId": team_id,
            "priority": priority,
            "dueDate": due_date,
        }
        body = {k: _json_value(v) for k, v in changes.items() if v is not UNSET}
        if not body:
            raise ValueError("update_ticket needs at least one field to change")
        answer = await self.http.request("PATCH", f"/tickets/{ticket_id}", json_body=body)
        return Ticket.model_validate(answer)

    async def reply_address(self, department_id: str) -> MailReplyAddress:
        """The department's from-address for replies, cached: the first that is both active
        and verified (MailReplyAddress.json lists `isActive` and `isVerified`; there is no
        "default" flag). NoReplyAddress when the department has none."""
        if department_id not in self._reply_addresses:
            body = await self.http.request(
                "GET", "/mailReplyAddress", params={"departmentId": department_id}
            )
            found = [MailReplyAddress.model_validate(a) for a in (body or {}).get("data") or []]
            usable = [a for a in found if a.is_active is not False and a.is_verified is True]
            if not usable:
                raise NoReplyAddress(
                    f"department {department_id} has no active, verified reply address"
                )
            self._reply_addresses[department_id] = usable[0]
        return self._reply_addresses[department_id]

    async def send_reply(
        self,
        ticket_id: str,
        content: str,
        *,
        to: str | None = None,
        from_address: str | None = None,
        content_type: Literal["plainText", "html"] = "plainText",
        ticket_status: str | None = None,
        cc: str | None = None,
    ) -> Thread:
        """E-mail the customer (`POST /tickets/{id}/sendReply`). Without `to`/`from_address`
        the ticket is read for its e-mail and department, whose reply address is used."""
        if to is None or from_address is None:
            ticket = await self.ticket(ticket_id)
            to = to or ticket.email or (ticket.contact.email if ticket.contact else None)
            if from_address is None:
                if not ticket.department_id:
                    raise NoReplyAddress(f"ticket {ticket_id} has no department")
                from_address = (await self.reply_address(ticket.department_id)).address
        if not to:
            raise ValueError(f"ticket {ticket_id} has no customer e-mail to reply to")
        body: dict[str, Any] = {
            "channel": "EMAIL",
            "fromEmailAddress": from_address,
            "to": to,
            "contentType": content_type,
            "content": content,
            "isForward": False,
        }
        if ticket_status is not None:
            body["ticketStatus"] = ticket_status
        if cc is not None:
            body["cc"] = cc
        path = f"/tickets/{ticket_id}/sendReply"
        return Thread.model_validate(await self.http.request("POST", path, json_body=body))

    async def add_comment(
        self,
        ticket_id: str,
        content: str,
        *,
        public: bool = False,
        content_type: Literal["plainText", "html"] = "plainText",
    ) -> Comment:
        """`POST /tickets/{id}/comments`: a private note unless `public`. Mention an agent
        with `zsu[@user:<zuid>]zsu`."""
        body: dict[str, Any] = {
            "isPublic": public,
            "contentType": content_type,
            "content": content,
            "attachmentIds": [],
        }
        path = f"/tickets/{ticket_id}/comments"
        return Comment.model_validate(await self.http.request("POST", path, json_body=body))

    async def comments(
        self,
        ticket_id: str,
        *,
        include: Values | None = None,
        sort_by: str | None = "-commentedTime",
        limit: int | None = None,
    ) -> list[Comment]:
        """`GET /tickets/{id}/comments`, newest first; `include=mentions,plainText`."""
        params = {"include": csv(include), "sortBy": sort_by}
        path = f"/tickets/{ticket_id}/comments"
        return await collect(models(self.http, Comment, path, params, max_items=limit))

    async def comment(
        self, ticket_id: str, comment_id: str, *, include: Values | None = "mentions,plainText"
    ) -> Comment:
        """One comment, by default with its mentions resolved to agents."""
        path = f"/tickets/{ticket_id}/comments/{comment_id}"
        body = await self.http.request("GET", path, params={"include": csv(include)})
        return Comment.model_validate(body)

    async def threads(self, ticket_id: str, *, limit: int | None = None) -> list[Thread]:
        """`GET /tickets/{id}/threads` (paged by 200)."""
        path = f"/tickets/{ticket_id}/threads"
        return await collect(models(self.http, Thread, path, {}, page_size=200, max_items=limit))

    async def blueprint(self, ticket_id: str, *, include: Values | None = None) -> Blueprint | None:
        """The ticket's blueprint and its transitions; None when it has none (204)."""
        params = {"include": csv(include)}
        body = await self.http.request("GET", f"/tickets/{ticket_id}/blueprint", params=params)
        return Blueprint.model_validate(body) if body else None

    # --- activities ---------------------------------------------------------------------------

    def iter_tasks(
        self, department_id: str, *, sort_by: TaskSort = "-modifiedTime"
    ) -> AsyncIterator[Task]:
        """`GET /tasks` of one department (Task.json: `departmentId` is required, `limit` at
        most 99), in pages of 99, by default the most recently changed first."""
        params = {"departmentId": department_id, "sortBy": sort_by}
        return models(self.http, Task, "/tasks", params, page_size=TASK_PAGE)

    async def tasks_changed_since(self, department_id: str, since: datetime | None) -> list[Task]:
        """A department's tasks changed at or after `since` (all of them when None): pages
        newest-changed first and stops at the first older one."""
        found: list[Task] = []
        async for task in self.iter_tasks(department_id):
            if since is not None and task.modified_time is not None and task.modified_time < since:
                break
            found.append(task)
        return found

    # --- webhooks ---------------------------------------------------------------------------

    async def webhooks(self) -> list[Webhook]:
        body = await self.http.request("GET", "/webhooks")
        return [Webhook.model_validate(w) for w in (body or {}).get("data") or []]

    async def create_webhook(
        self,
        name: str,
        url: str,
        subscriptions: Mapping[str, Mapping[str, Any] | None],
        *,
        description: str | None = None,
        enabled: bool = True,
        include_events_from: Sequence[str] | None = None,
    ) -> Webhook:
        """`POST /webhooks`; Desk first GETs `url` and needs 200. Keep the answer's `id`:
        it is the `aud` of the JWTs Desk signs deliveries with."""
        body: dict[str, Any] = {
            "name": name,
            "url": url,
            "isEnabled": enabled,
            "subscriptions": {
                k: dict(v) if v is not None else None for k, v in subscriptions.items()
            },
        }
        if description is not None:
            body["description"] = description
        if include_events_from is not None:
            body["includeEventsFrom"] = list(include_events_from)
        return Webhook.model_validate(await self.http.request("POST", "/webhooks", json_body=body))

    async def delete_webhook(self, webhook_id: str) -> None:
        await self.http.request("DELETE", f"/webhooks/{webhook_id}")


def _json_value(value: Any) -> Any:
    return format_time(value) if isinstance(value, datetime) else value
