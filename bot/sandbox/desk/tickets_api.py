"""The sandbox Desk's ticket routes: lists, search, counts, ratings, writes, comments,
blueprints and tasks (reference/desk.md §3)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from aiohttp import web

from bot.desk.wire import format_time, parse_time
from bot.sandbox.desk.api import (
    ACTOR,
    STATE,
    csv,
    enrich,
    error,
    listing,
    order_by,
    paging,
    time_range,
)
from bot.sandbox.desk.contract import TICKET_UPDATE_KEYS, check_query, due_date, invalid_field
from bot.sandbox.desk.nulls import picked

SEND_REPLY_CHANNELS = frozenset({"EMAIL", "FACEBOOK", "TWITTER", "FORUMS"})
"""Thread.json `sendReply`: the `channel` values its discriminator maps to a body schema."""


def reply_addresses_of(department_id: str) -> list[dict[str, Any]]:
    """A department's reply addresses, shaped as MailReplyAddress.json `secondListViewJson`:
    an inactive verified one first, then an active unverified one, then the usable one."""
    tail = department_id[-1:]
    return [
        {
            "id": f"99{department_id}{n}",
            "address": f"{name}-{tail}@sandbox.example",
            "displayName": "Sandbox Support",
            "departmentId": department_id,
            "isActive": active,
            "isVerified": verified,
            "isSmtpEnabled": False,
        }
        for n, (name, active, verified) in enumerate(
            [("old-support", False, True), ("new-support", True, False), ("support", True, True)]
        )
    ]


def routes() -> list[web.RouteDef]:
    async def tickets(request: web.Request) -> web.Response:
        sandbox, q = request.app[STATE], request.query
        check_query("tickets", q)
        offset, limit = paging(request)
        where: list[tuple[str, Any]] = []
        assignee = csv(q.get("assignee"))
        if assignee == ["Unassigned"]:
            where.append(("assignee_id IS NULL", None))
        elif assignee:
            where.append(("assignee_id IN (?)", assignee))
        if status := csv(q.get("status")):
            where.append(("status IN (?)", status))
        if dep := q.get("departmentId"):
            where.append(("department_id = ?", dep))
        now = sandbox.clock.now()
        for due in csv(q.get("dueDate")):
            if due == "overdue":
                where += [("status_type != 'Closed'", None), ("due < ?", format_time(now))]
            elif due == "today":
                start = now.replace(hour=0, minute=0, second=0, microsecond=0)
                where += [
                    ("due >= ?", format_time(start)),
                    ("due < ?", format_time(start + timedelta(days=1))),
                ]
        found = await sandbox.find(
            where, order=order_by(q.get("sortBy")), offset=offset, limit=limit
        )
        include = csv(q.get("include"))
        return listing([sandbox.wire_ticket(await enrich(sandbox, t, include)) for t in found])

    async def ticket(request: web.Request) -> web.Response:
        sandbox = request.app[STATE]
        check_query("ticket", request.query)
        found = await sandbox.ticket(request.match_info["id"])
        if found is None:
            return error(
                404, "URL_NOT_FOUND", "The URL you requested could not be found on our server."
            )
        include = csv(request.query.get("include"))
        return web.json_response(sandbox.wire_ticket(await enrich(sandbox, found, include)))

    def search_where(request: web.Request) -> list[tuple[str, Any]]:
        q = request.query
        where: list[tuple[str, Any]] = []
        if number := q.get("ticketNumber"):
            where.append(("number = ?", int(number) if number.isdigit() else -1))
        if email := q.get("email"):
            where.append(("email = ?", email.casefold()))
        if status := csv(q.get("status")):
            where.append(("status IN (?)", status))
        if assignee := q.get("assigneeId"):
            where.append(("assignee_id = ?", assignee))
        if dep := q.get("departmentId"):
            where.append(("department_id = ?", dep))
        for key, column in (
            ("createdTimeRange", "created"),
            ("modifiedTimeRange", "modified"),
            ("dueDateRange", "due"),
        ):
            if found := time_range(q.get(key)):
                where += [(f"{column} >= ?", found[0]), (f"{column} <= ?", found[1])]
        return where

    async def search(request: web.Request) -> web.Response:
        sandbox = request.app[STATE]
        check_query("tickets/search", request.query)
        offset, limit = paging(request)
        where = search_where(request)
        if sandbox.search_lag:
            # Desk's search index lags new records (docs/zoho-contract.md): a ticket created
            # less than `search_lag` ago is not found yet.
            where.append(("created <= ?", format_time(sandbox.clock.now() - sandbox.search_lag)))
        found = await sandbox.find(
            where, order=order_by(request.query.get("sortBy")), offset=offset, limit=limit
        )
        return listing([sandbox.wire_ticket(t) for t in found], count=await sandbox.count(where))

    async def tickets_count(request: web.Request) -> web.Response:
        check_query("ticketsCount", request.query)
        return web.json_response({"count": await request.app[STATE].count(search_where(request))})

    async def count_by_values(request: web.Request) -> web.Response:
        sandbox = request.app[STATE]
        check_query("ticketsCountByFieldValues", request.query)
        where = search_where(request)
        body: dict[str, Any] = {}
        for field in csv(request.query.get("field")):
            if field in ("statusType", "status", "priority"):
                column = {"statusType": "status_type", "status": "status", "priority": "priority"}[
                    field
                ]
                counts = await sandbox.count_by(column, where)
                body[field] = [
                    {
                        "value": v.upper().replace(" ", "")
                        if field == "statusType"
                        else v.casefold(),
                        "count": str(n),
                    }
                    for v, n in counts.items()
                ]
                if field != "statusType" and picked(sandbox.seed_number, field, "null-value"):
                    # TicketCount.json: `value` is ["string", "null"] for these fields.
                    body[field].append({"value": None, "count": "0"})
            elif field == "overDue":
                body["overDue"] = await sandbox.count(
                    [
                        *where,
                        ("status_type != 'Closed'", None),
                        ("due < ?", format_time(sandbox.clock.now())),
                    ]
                )
            elif field == "escalated":
                body["escalated"] = await sandbox.count([*where, ("status = ?", "Escalated")])
            else:
                raise ValueError(f"field {field!r} is not supported")
        return web.json_response(body)

    async def happiness(request: web.Request) -> web.Response:
        sandbox, q = request.app[STATE], request.query
        if "department" not in q and "departmentId" not in q:
            return error(422, "INVALID_DATA", "department is mandatory")
        now = sandbox.clock.now()
        durations = {
            "LAST24HOURS": timedelta(hours=24),
            "LAST_1_HOUR": timedelta(hours=1),
            "LAST_7_DAYS": timedelta(days=7),
            "LAST_30_DAYS": timedelta(days=30),
        }
        if q.get("startTime"):
            since = parse_time(q["startTime"])
            until = parse_time(q.get("endTime") or str(int(now.timestamp() * 1000)))
        else:
            since, until = (
                now - durations.get(q.get("duration", "LAST_7_DAYS"), timedelta(days=7)),
                now,
            )
        found = await sandbox.ratings(since, until)
        dep = q.get("department") or q.get("departmentId")
        if dep and dep != "allDepartment":
            found = [r for r in found if r["departmentId"] == dep]
        offset, limit = paging(request)
        return listing(found[offset : offset + limit])

    async def patch_ticket(request: web.Request) -> web.Response:
        sandbox, actor = request.app[STATE], request[ACTOR]
        if actor["rolePermissionType"] == "Light":
            return error(403, "FORBIDDEN", "Light agents cannot edit tickets.")
        body = await request.json()
        allowed = TICKET_UPDATE_KEYS | ({"teamId"} if sandbox.patch_team else set())
        unknown = set(body) - allowed
        if unknown:
            return error(
                422,
                "INVALID_DATA",
                "The data you have provided is invalid.",
                errors=[{"fieldName": f"/{k}", "errorType": "unknown"} for k in unknown],
            )
        if "dueDate" in body:
            try:
                body["dueDate"] = due_date(body["dueDate"])
            except ValueError as exc:
                return web.json_response(invalid_field("dueDate", str(exc)), status=422)
        if "status" in body and body["status"] not in dict(sandbox.statuses()):
            return error(
                422,
                "INVALID_DATA",
                "The data you have provided is invalid.",
                errors=[{"fieldName": "/status", "errorType": "invalid"}],
            )
        if body.get("assigneeId") and sandbox.agent_by_id(body["assigneeId"]) is None:
            return error(
                422,
                "INVALID_DATA",
                "The data you have provided is invalid.",
                errors=[
                    {
                        "fieldName": "/assigneeId",
                        "errorType": "invalid",
                        "errorMessage": "No agent with this id.",
                    }
                ],
            )
        changed = await sandbox.change_ticket(request.match_info["id"], body, actor)
        if changed is None:
            return error(
                404, "URL_NOT_FOUND", "The URL you requested could not be found on our server."
            )
        return web.json_response(changed)

    async def reply_addresses(request: web.Request) -> web.Response:
        check_query("mailReplyAddress", request.query)
        found = reply_addresses_of(request.query["departmentId"])
        if "isActive" in request.query:
            wanted = request.query["isActive"] == "true"
            found = [a for a in found if a["isActive"] is wanted]
        offset, limit = paging(request)
        return listing(found[offset : offset + limit])

    async def send_reply(request: web.Request) -> web.Response:
        sandbox, actor = request.app[STATE], request[ACTOR]
        if actor["rolePermissionType"] == "Light":
            return error(403, "FORBIDDEN", "Light agents cannot reply to customers.")
        ticket = await sandbox.ticket(request.match_info["id"])
        if ticket is None:
            return error(
                404, "URL_NOT_FOUND", "The URL you requested could not be found on our server."
            )
        body = await request.json()
        # Thread.json `commonSendReplyJson`: `channel` and `content` are required; `channel` is
        # the discriminator (EMAIL, FACEBOOK, TWITTER, FORUMS) choosing the body's schema.
        if body.get("channel") not in SEND_REPLY_CHANNELS:
            return error(
                422, "INVALID_DATA", "channel (EMAIL, FACEBOOK, TWITTER, FORUMS) is required"
            )
        if not body.get("content") or not body.get("to") or not body.get("fromEmailAddress"):
            return error(422, "INVALID_DATA", "content, to and fromEmailAddress are required")
        usable = {
            a["address"]
            for a in reply_addresses_of(ticket.get("departmentId") or "")
            if a["isActive"] and a["isVerified"]
        }
        if body["fromEmailAddress"] not in usable:
            return error(
                422,
                "INVALID_DATA",
                "The data you have provided is invalid.",
                errors=[
                    {
                        "fieldName": "/fromEmailAddress",
                        "errorType": "invalid",
                        "errorMessage": "Not an active, verified reply address of the department.",
                    }
                ],
            )
        if body.get("ticketStatus"):
            await sandbox.change_ticket(ticket["id"], {"status": body["ticketStatus"]}, actor)
        thread = {
            "id": f"77{ticket['id']}",
            "ticketId": ticket["id"],
            "channel": "EMAIL",
            "direction": "out",
            "content": body["content"],
            "to": body["to"],
            "fromEmailAddress": body["fromEmailAddress"],
            "contentType": "plainText",
            "createdTime": format_time(sandbox.clock.now()),
        }
        sandbox.replies.append(thread)
        return web.json_response(thread)

    async def comments(request: web.Request) -> web.Response:
        sandbox = request.app[STATE]
        if await sandbox.ticket(request.match_info["id"]) is None:
            return error(
                404, "URL_NOT_FOUND", "The URL you requested could not be found on our server."
            )
        check_query("comments", request.query)
        offset, limit = paging(request)
        found = (await sandbox.comments(request.match_info["id"]))[offset : offset + limit]
        return listing([sandbox.wire_comment(c) for c in found])

    async def add_comment(request: web.Request) -> web.Response:
        sandbox, actor = request.app[STATE], request[ACTOR]
        body = await request.json()
        if not str(body.get("content", "")).strip():
            return error(422, "INVALID_DATA", "content is required")
        public = bool(body.get("isPublic"))
        if public and actor["rolePermissionType"] == "Light":
            return error(403, "FORBIDDEN", "Light agents may add private comments only.")
        if await sandbox.ticket(request.match_info["id"]) is None:
            return error(
                404, "URL_NOT_FOUND", "The URL you requested could not be found on our server."
            )
        comment = await sandbox.add_comment(
            request.match_info["id"], body["content"], public, actor
        )
        return web.json_response(comment)

    async def blueprint(request: web.Request) -> web.Response:
        sandbox = request.app[STATE]
        ticket = await sandbox.ticket(request.match_info["id"])
        if ticket is None:
            return error(
                404, "URL_NOT_FOUND", "The URL you requested could not be found on our server."
            )
        found = sandbox.blueprint(ticket)
        return web.json_response(found) if found else web.Response(status=204)

    async def tasks(request: web.Request) -> web.Response:
        sandbox = request.app[STATE]
        check_query("tasks", request.query)
        offset, limit = paging(request, 99)
        dep = request.query["departmentId"]
        found = [t for t in sandbox.tasks if t["departmentId"] == dep]
        sort = request.query.get("sortBy") or "-modifiedTime"
        key = sort.removeprefix("-")
        # A field left empty (a task without a due date: optional in Desk) sorts after every
        # value, in either direction (Task.json does not say; this is the sandbox's choice).
        valued = [t for t in found if t.get(key) is not None]
        valued.sort(key=lambda t: str(t[key]), reverse=sort.startswith("-"))
        found = valued + [t for t in found if t.get(key) is None]
        return listing(found[offset : offset + limit])

    v1 = "/api/v1"
    return [
        web.get(f"{v1}/tickets", tickets),
        web.get(f"{v1}/tickets/search", search),
        web.get(f"{v1}/tickets/{{id}}", ticket),
        web.patch(f"{v1}/tickets/{{id}}", patch_ticket),
        web.post(f"{v1}/tickets/{{id}}/sendReply", send_reply),
        web.get(f"{v1}/tickets/{{id}}/comments", comments),
        web.post(f"{v1}/tickets/{{id}}/comments", add_comment),
        web.get(f"{v1}/tickets/{{id}}/blueprint", blueprint),
        web.get(f"{v1}/tasks", tasks),
        web.get(f"{v1}/ticketsCount", tickets_count),
        web.get(f"{v1}/ticketsCountByFieldValues", count_by_values),
        web.get(f"{v1}/customerHappiness", happiness),
        web.get(f"{v1}/mailReplyAddress", reply_addresses),
    ]
