"""What Zoho Desk's published OpenAPI documents allow, as the sandbox Desk enforces it.

Every rule here is taken from Zoho's Desk OpenAPI 3.1 documents (`zoho/zohodesk-oas`, read in the
`api-evangelist/zoho` snapshot, `openapi/_original/<File>.json`); docs/zoho-contract.md lists
each with its source and the test that holds our client to it. A route's handler calls
`check_query` first; a broken rule raises `ValueError`, which the sandbox answers as Desk does:
422 `UNPROCESSABLE_ENTITY` with the reason.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

OAS = "https://github.com/api-evangelist/zoho/blob/main/openapi/_original/{}.json"

# Query parameters each route documents (Ticket.json getTickets, Search.json searchTickets, …).
# `orgId` is documented as a query parameter too; the sandbox also takes it as the header.
QUERY: dict[str, frozenset[str]] = {
    "tickets": frozenset(
        "include departmentId dueDate limit channel from sortBy assignee teamIds"
        " receivedInDays closedTime status orgId".split()
    ),
    "ticket": frozenset({"include", "orgId"}),
    # `email` is not in Search.json, but public clients use it against live Desk (desk.md §3.3).
    "tickets/search": frozenset(
        "ticketNumber accountName subject departmentId channel customerResponseTimeRange"
        " description productName _all limit from dueDateRange sortBy id tag productId"
        " contactId contactName createdTimeRange priority assigneeId accountId"
        " modifiedTimeRange category status orgId email".split()
    ),
    "ticketsCount": frozenset(
        "contactId departmentId createdTimeRange modifiedTimeRange category assigneeId"
        " orgId".split()
    ),
    "ticketsCountByFieldValues": frozenset(
        "contactId departmentId createdTimeRange modifiedTimeRange category assigneeId orgId"
        " accountId field".split()
    ),
    "tasks": frozenset({"include", "departmentId", "limit", "from", "sortBy", "orgId"}),
    "mailReplyAddress": frozenset({"departmentId", "limit", "from", "isActive", "orgId"}),
    "comments": frozenset({"include", "limit", "from", "sortBy", "orgId"}),
    "comment": frozenset({"include", "orgId"}),
    "agents": frozenset(
        "include roleIds searchStr limit rolePermissionType profileIds from isConfirmed"
        " departmentIds status orgId".split()
    ),
    "organizationFields": frozenset({"module", "departmentId", "orgId"}),
    "teams": frozenset({"orgId"}),
    "webhooks": frozenset({"orgId"}),
}

REQUIRED_QUERY: dict[str, frozenset[str]] = {
    "tasks": frozenset({"departmentId"}),  # Task.json getTasks: departmentId required
    "mailReplyAddress": frozenset({"departmentId"}),  # MailReplyAddress.json
    "organizationFields": frozenset({"module"}),  # Field.json getFields
}

# `sortBy` enums (a leading `-` means descending).
SORT_BY: dict[str, frozenset[str]] = {
    "tickets": frozenset({"dueDate", "createdTime", "recentThread"}),  # Ticket.json getTickets
    "tickets/search": frozenset(  # Search.json searchTickets
        {"relevance", "modifiedTime", "createdTime", "customerResponseTime"}
    ),
    "tasks": frozenset(  # Task.json getTasks
        {"category", "subject", "dueDate", "status", "createdTime", "modifiedTime", "priority"}
    ),
}

MOST: dict[str, int] = {"tasks": 99}  # Task.json getTasks: limit maximum 99

# Ticket.json updateTicket: `updateRequestjson` is `additionalProperties: false` over these
# keys (commonKeys + commonRequestJson + the update's own). No `teamId`, no `departmentId`
# (moving a ticket is `POST /tickets/{id}/move`).
TICKET_UPDATE_KEYS = frozenset(
    "assigneeId category cf channel classification contactId customFields description dueDate"
    " email language phone priority productId resolution sharedDepartments status subCategory"
    " subject uploads".split()
)

# Webhook.json `webhookjson`: url ≤ 100 characters, `subscriptions` and `url` required.
WEBHOOK_URL_MAX = 100
WEBHOOK_KEYS = frozenset(
    "subscriptions url includeEventsFrom isEnabled name description ignoreSourceId".split()
)
# Webhook.json `subscriptions`: each event takes null, or an object with exactly these keys
# (`minProperties` = `maxProperties` = the number of keys, `additionalProperties: false`).
# Events not listed here take only null.
SUBSCRIPTION_KEYS: dict[str, frozenset[str]] = {
    "Ticket_Add": frozenset({"departmentIds"}),
    "Ticket_Update": frozenset({"departmentIds", "fields", "includePrevState"}),
    "Ticket_Comment_Add": frozenset({"departmentIds"}),
    "Ticket_Comment_Update": frozenset({"departmentIds"}),
    "Ticket_Thread_Add": frozenset({"departmentIds", "direction"}),
    "Task_Add": frozenset({"departmentIds"}),
    "Task_Update": frozenset({"departmentIds", "includePrevState"}),
    "Call_Add": frozenset({"departmentIds"}),
    "Call_Update": frozenset({"departmentIds", "includePrevState"}),
    "Event_Add": frozenset({"departmentIds"}),
    "Event_Update": frozenset({"departmentIds", "includePrevState"}),
    "IM_Message_Add": frozenset({"departmentIds"}),
    "Contact_Update": frozenset({"includePrevState"}),
    "Account_Update": frozenset({"includePrevState"}),
    "Agent_Update": frozenset({"includePrevState"}),
    "Department_Update": frozenset({"includePrevState"}),
    "Article_Update": frozenset({"includePrevState"}),
}
NULL_ONLY_EVENTS = frozenset(
    "Ticket_Delete Ticket_Attachment_Add Ticket_Attachment_Update Task_Delete Call_Delete"
    " Event_Delete Contact_Add Contact_Delete Account_Add Account_Delete Agent_Add"
    " Agent_Delete Agent_Presence_Update Department_Add Article_Add Article_Delete"
    " Article_Feedback_Add".split()
)

# Webhooks per edition (https://desk.zoho.com/support/WebhookDocument.do): Free 0,
# Standard 0, Professional 5, Enterprise 10. Express is not listed: taken as 0.
EDITIONS = ("free", "express", "standard", "professional", "enterprise")
WEBHOOKS_ALLOWED = {"free": 0, "express": 0, "standard": 0, "professional": 5, "enterprise": 10}
# Concurrent calls in flight per portal (help.zoho.com "Working with API credits", desk.md §4.2).
CONCURRENCY = {"free": 5, "express": 10, "standard": 10, "professional": 15, "enterprise": 25}


def check_query(route: str, query: Mapping[str, str]) -> None:
    """Refuse query parameters the route does not document, missing required ones, a `sortBy`
    outside its enum and a `limit` over the route's maximum (ValueError with the reason)."""
    allowed = QUERY.get(route)
    if allowed is not None:
        extra = sorted(set(query) - allowed)
        if extra:
            raise ValueError(f"Extra query parameter {extra[0]!r} is present in the request")
    for name in sorted(REQUIRED_QUERY.get(route, frozenset())):
        if not query.get(name):
            raise ValueError(f"The query parameter {name!r} is mandatory")
    sort = query.get("sortBy")
    enum = SORT_BY.get(route)
    if sort and enum is not None and sort.removeprefix("-") not in enum:
        raise ValueError(f"The value passed for the 'sortBy' query parameter is invalid: {sort}")
    most = MOST.get(route)
    limit = query.get("limit")
    if most is not None and limit and limit.isdigit() and int(limit) > most:
        raise ValueError(f"The value passed for the 'limit' query parameter is invalid: {limit}")


def subscription_errors(body: Mapping[str, Any]) -> list[str]:
    """What is wrong with a webhook create body, by Webhook.json (empty: nothing)."""
    problems = [f"/{k} is not allowed" for k in sorted(set(body) - WEBHOOK_KEYS)]
    url = body.get("url")
    if not isinstance(url, str) or not url:
        problems.append("/url is required")
    elif len(url) > WEBHOOK_URL_MAX:
        problems.append(f"/url is longer than {WEBHOOK_URL_MAX} characters")
    subscriptions = body.get("subscriptions")
    if not isinstance(subscriptions, dict) or not subscriptions:
        return [*problems, "/subscriptions is required"]
    for event, options in subscriptions.items():
        keys = SUBSCRIPTION_KEYS.get(event)
        if keys is None and event not in NULL_ONLY_EVENTS:
            problems.append(f"/subscriptions/{event} is not an event")
        elif options is None:
            continue
        elif keys is None or not isinstance(options, dict) or set(options) != keys:
            wanted = ", ".join(sorted(keys or ())) or "nothing (null)"
            problems.append(f"/subscriptions/{event} needs exactly: {wanted}")
    return problems


# Ticket.json and Task.json type `dueDate` as `["string", "null"]` with this pattern (the same in
# both): null means no due date (optional in Desk); any other value must be a UTC time with `Z`.
# The sandbox answers an accepted time in Desk's own form (`2026-03-02T09:00:00.000Z`).
DUE_DATE = re.compile(
    r"((?:19|20)\d\d)[-/.](0?[1-9]|1[012])[-/.](0?[1-9]|[12][0-9]|3[01])"
    r"T([01]?[0-9]|2[0-3]):([0-5]?[0-9]):([0-5]?[0-9])(?:[/.](\d{0,3}))?Z"
)


def due_date(value: Any) -> str | None:
    """A `dueDate` as Desk keeps it: None for null, else the time in Desk's form. ValueError for
    what the documents' pattern refuses (an empty string, a date without a time, epoch numbers)
    and for a day the month does not have."""
    if value is None:
        return None
    found = DUE_DATE.fullmatch(value) if isinstance(value, str) else None
    refused = f"dueDate {str(value)[:40]!r} is not a time like 2026-03-02T09:00:00.000Z"
    if found is None:
        raise ValueError(refused)
    year, month, day, hour, minute, second, millis = found.groups()
    try:
        moment = datetime(
            int(year),
            int(month),
            int(day),
            int(hour),
            int(minute),
            int(second),
            int((millis or "0").ljust(3, "0")) * 1000,
            tzinfo=UTC,
        )
    except ValueError:  # 30 February and the like
        raise ValueError(refused) from None
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}Z"


def invalid_field(field: str, reason: str) -> dict[str, Any]:
    """Common.json `invalidDataErrorResponse`: 422 INVALID_DATA names the field as a JSON
    pointer with its `errorType`."""
    return {
        "errorCode": "INVALID_DATA",
        "message": "The data you have provided is invalid.",
        "errors": [{"fieldName": f"/{field}", "errorType": "invalid", "errorMessage": reason}],
    }
