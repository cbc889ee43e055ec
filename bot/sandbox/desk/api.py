"""The sandbox Desk's `/api/v1` routes: Desk's paths, shapes and quirks (reference/desk.md §3-5).

204 with no body for an empty result, `{"teams": […]}`, `errorCode` bodies, the `orgId` header
required, credit headers on every answer, and the acting agent taken from the OAuth token.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler

from bot.desk.wire import format_time, parse_time
from bot.sandbox.desk.contract import (
    CONCURRENCY,
    WEBHOOKS_ALLOWED,
    check_query,
    subscription_errors,
)
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
async def desk_rules(request: web.Request, handler: Handler) -> web.StreamResponse:
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
    if sandbox.in_flight >= CONCURRENCY[sandbox.edition]:
        # desk.md §4.2: concurrent calls are capped per portal; Desk answers 429.
        return error(429, "TOO_MANY_REQUESTS", "Too many concurrent requests for this portal.")
    sandbox.in_flight += 1
    sandbox.most_in_flight = max(sandbox.most_in_flight, sandbox.in_flight)
    try:
        return await _answer(request, handler, sandbox)
    finally:
        sandbox.in_flight -= 1


async def _answer(
    request: web.Request, handler: Handler, sandbox: DeskSandbox
) -> web.StreamResponse:
    if (fault := sandbox.fault_for(request.path)) is not None:
        status, code = fault
        if code == "STALL":
            await sandbox.stalled.wait()  # set when the sandbox stops
            raise web.HTTPServiceUnavailable()
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
    """`from` (0-based) and `limit` (1 to `most`) of a list call; ValueError when out of range."""
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
    "recentThread": "modified",
    "customerResponseTime": "modified",
    "relevance": "number",
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
        return web.json_response(request.app[STATE].wire_agent(request[ACTOR]))

    async def agents(request: web.Request) -> web.Response:
        sandbox = request.app[STATE]
        check_query("agents", request.query)
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
        return listing([sandbox.wire_agent(a) for a in found[offset : offset + limit]])

    async def agent(request: web.Request) -> web.Response:
        sandbox = request.app[STATE]
        found = sandbox.agent_by_id(request.match_info["id"])
        if not found:
            return error(404, "URL_NOT_FOUND", "No such agent")
        return web.json_response(sandbox.wire_agent(found))

    async def departments(request: web.Request) -> web.Response:
        offset, limit = paging(request, 200)
        return listing(request.app[STATE].departments[offset : offset + limit])

    async def teams(request: web.Request) -> web.Response:
        sandbox = request.app[STATE]
        check_query("teams", request.query)
        dep = request.match_info.get("dep")
        found = [t for t in sandbox.teams if dep is None or t["departmentId"] == dep]
        return web.json_response({"teams": [sandbox.wire_team(t) for t in found]})

    async def organization_fields(request: web.Request) -> web.Response:
        check_query("organizationFields", request.query)
        values = [{"value": v, "statusType": t} for v, t in request.app[STATE].statuses()]
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
        check_query("webhooks", request.query)
        return web.json_response({"data": await request.app[STATE].webhooks()})

    async def create_webhook(request: web.Request) -> web.Response:
        sandbox = request.app[STATE]
        if WEBHOOKS_ALLOWED[sandbox.edition] <= len(await sandbox.webhooks()):
            # Free and Standard editions have no webhooks (WebhookDocument.do); Desk's edition
            # refusal is Common.json `licenseErrorResponse`.
            return error(
                403,
                "LICENSE_ACCESS_LIMITED",
                "Your Zoho Desk Edition does not support this feature/operation.",
                feature="WEBHOOK",
                editionType=sandbox.edition.upper(),
                maxAllowedEntity=str(WEBHOOKS_ALLOWED[sandbox.edition]),
                isTrial=False,
            )
        body = await request.json()
        problems = subscription_errors(body if isinstance(body, dict) else {})
        if problems:
            return error(
                422,
                "INVALID_DATA",
                "The data you have provided is invalid.",
                errors=[
                    {"fieldName": p.split(" ", 1)[0], "errorType": "invalid", "errorMessage": p}
                    for p in problems
                ],
            )
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
