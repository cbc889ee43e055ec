"""The sandbox Desk's `/api/v1` routes: Desk's paths, shapes and quirks (reference/desk.md §3-5).

204 with no body for an empty result, `{"teams": […]}`, `errorCode` bodies, the `orgId` header
required, credit headers on every answer, and the acting agent taken from the OAuth token.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from bot.desk.wire import format_time, parse_time
from bot.sandbox.desk.state import DeskSandbox

STATE = web.AppKey("desk_sandbox", DeskSandbox)
ACTOR = web.RequestKey("actor", dict)
DAILY_CREDITS = 100_000


def error(status: int, code: str, message: str, **extra: Any) -> web.Response:
    return web.json_response({"errorCode": code, "message": message, **extra}, status=status)


def listing(items: list[dict[str, Any]], key: str = "data", **extra: Any) -> web.Response:
    if not items:
        return web.Response(status=204)
    return web.json_response({key: items, **extra})


@web.middleware
async def desk_rules(request: web.Request, handler: Any) -> web.StreamResponse:
    if not request.path.startswith("/api/v1/"):
        return await handler(request)
    sandbox = request.app[STATE]
    header = request.headers.get("Authorization", "")
    email = sandbox.identity(header.removeprefix("Zoho-oauthtoken ").strip()) if header else None
    if email is None:
        return error(401, "INVALID_OAUTH", "The OAuth Token you provided is invalid.")
    org = request.headers.get("orgId")
    if not org:
        return error(400, "INVALID_DATA", "orgId is required in the header")
    if org != sandbox.org_id:
        return error(
            403, "OAUTH_ORG_MISMATCH", "The OAuthToken is not valid for specified organization"
        )
    actor = sandbox.agent_by_email(email)
    if actor is None:
        return error(
            403, "FORBIDDEN", "You do not have sufficient permission to perform this operation."
        )
    request[ACTOR] = actor
    if sandbox.faults:
        status, code = sandbox.faults.pop(0)
        headers = {"Retry-After": "3600"} if code == "THRESHOLD_EXCEEDED" else {}
        return web.json_response(
            {"errorCode": code, "message": f"sandbox fault {code}"}, status=status, headers=headers
        )
    try:
        response = await handler(request)
    except ValueError as exc:
        response = error(422, "UNPROCESSABLE_ENTITY", str(exc))
    except web.HTTPMethodNotAllowed:
        response = error(405, "METHOD_NOT_ALLOWED", f"The method {request.method} is not allowed.")
    except web.HTTPNotFound:
        response = error(
            404, "URL_NOT_FOUND", "The URL you requested could not be found on our server."
        )
    weight = 1 if request.method != "GET" else 3
    sandbox.credits_spent += weight
    response.headers["X-Rate-Limit-Request-Weight-v3"] = str(weight)
    response.headers["X-Rate-Limit-Remaining-v3"] = str(DAILY_CREDITS - sandbox.credits_spent)
    return response


def paging(request: web.Request, most: int = 100) -> tuple[int, int]:
    offset = int(request.query.get("from", "0") or 0)
    limit = int(request.query.get("limit", "10") or 10)
    if offset < 0 or not 1 <= limit <= most:
        raise ValueError(f"'from' must be ≥ 0 and 'limit' 1 to {most}")
    return offset, limit


def csv(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def time_range(value: str | None) -> tuple[str, str] | None:
    if not value:
        return None
    start, _, end = value.partition(",")
    return format_time(parse_time(start)), format_time(parse_time(end))


ORDER = {
    "createdTime": "created",
    "modifiedTime": "modified",
    "dueDate": "due",
    "ticketNumber": "number",
    "priority": "priority",
}


def order_by(sort: str | None) -> str:
    sort = sort or "-createdTime"
    column = ORDER.get(sort.lstrip("-"))
    if column is None:
        raise ValueError(f"sortBy {sort!r} is not supported")
    return f"{column} {'DESC' if sort.startswith('-') else 'ASC'}, number DESC"


async def enrich(
    sandbox: DeskSandbox, ticket: dict[str, Any], include: list[str]
) -> dict[str, Any]:
    ticket = dict(ticket)
    if "assignee" in include and ticket.get("assigneeId"):
        agent = sandbox.agent_by_id(ticket["assigneeId"]) or {}
        ticket["assignee"] = {k: agent.get(k) for k in ("id", "firstName", "lastName", "emailId")}
    if "contacts" in include:
        contact = next((c for c in sandbox.contacts if c["email"] == ticket.get("email")), None)
        ticket["contact"] = contact
    if "departments" in include or "department" in include:
        dep = next((d for d in sandbox.departments if d["id"] == ticket.get("departmentId")), None)
        ticket["department"] = {"id": dep["id"], "name": dep["name"]} if dep else None
    return ticket


def routes() -> list[web.RouteDef]:
    async def myinfo(request: web.Request) -> web.Response:
        return web.json_response(request[ACTOR])

    async def agents(request: web.Request) -> web.Response:
        sandbox = request.app[STATE]
        offset, limit = paging(request, 200)
        found = sandbox.agents
        if search := request.query.get("searchStr"):
            needle = search.casefold()
            found = [
                a
                for a in found
                if needle in a["emailId"].casefold() or needle in a["name"].casefold()
            ]
        if deps := csv(request.query.get("departmentIds")):
            found = [a for a in found if set(deps) & set(a["associatedDepartmentIds"])]
        return listing(found[offset : offset + limit])

    async def agent(request: web.Request) -> web.Response:
        found = request.app[STATE].agent_by_id(request.match_info["id"])
        return web.json_response(found) if found else error(404, "URL_NOT_FOUND", "No such agent")

    async def departments(request: web.Request) -> web.Response:
        offset, limit = paging(request, 200)
        return listing(request.app[STATE].departments[offset : offset + limit])

    async def teams(request: web.Request) -> web.Response:
        sandbox = request.app[STATE]
        dep = request.match_info.get("dep")
        found = [t for t in sandbox.teams if dep is None or t["departmentId"] == dep]
        return web.json_response({"teams": found})

    async def organization_fields(request: web.Request) -> web.Response:
        values = [{"value": v, "statusType": t} for v, t in DeskSandbox.statuses()]
        return web.json_response(
            {
                "data": [
                    {
                        "id": "1166045000000000371",
                        "apiName": "subject",
                        "displayLabel": "Subject",
                        "type": "Text",
                        "isCustomField": False,
                        "allowedValues": None,
                    },
                    {
                        "id": "1166045000000000375",
                        "apiName": "status",
                        "displayLabel": "Status",
                        "type": "Picklist",
                        "isCustomField": False,
                        "allowedValues": values,
                    },
                ]
            }
        )

    async def webhooks(request: web.Request) -> web.Response:
        return web.json_response({"data": await request.app[STATE].webhooks()})

    async def create_webhook(request: web.Request) -> web.Response:
        sandbox = request.app[STATE]
        body = await request.json()
        if not body.get("url") or not isinstance(body.get("subscriptions"), dict):
            return error(422, "INVALID_DATA", "url and subscriptions are required")
        if not await sandbox.deliverer.validate_url(body["url"]):
            return error(422, "INVALID_DATA", "The URL did not answer 200 to Desk's validation GET")
        return web.json_response(await sandbox.add_webhook(body))

    async def delete_webhook(request: web.Request) -> web.Response:
        if await request.app[STATE].delete_webhook(request.match_info["id"]):
            return web.Response(status=204)
        return error(404, "URL_NOT_FOUND", "No such webhook")

    v1 = "/api/v1"
    return [
        web.get(f"{v1}/myinfo", myinfo),
        web.get(f"{v1}/agents", agents),
        web.get(f"{v1}/agents/{{id}}", agent),
        web.get(f"{v1}/departments", departments),
        web.get(f"{v1}/teams", teams),
        web.get(f"{v1}/departments/{{dep}}/teams", teams),
        web.get(f"{v1}/organizationFields", organization_fields),
        web.get(f"{v1}/webhooks", webhooks),
        web.post(f"{v1}/webhooks", create_webhook),
        web.delete(f"{v1}/webhooks/{{id}}", delete_webhook),
    ]
