"""The sandbox Desk against the contract fixtures: same top-level shape, and each item carries
the fixture's core keys with the same JSON types, so the sandbox cannot drift from Zoho."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.sandbox.world import SandboxWorld

FIXTURES = Path(__file__).parent.parent / "fixtures" / "desk"
TICKET = "1166045000000000115"

# fixture → (path, query, the keys every item must carry)
CASES: dict[str, tuple[str, dict[str, str], set[str]]] = {
    "myinfo": (
        "/myinfo",
        {},
        {
            "id",
            "zuid",
            "emailId",
            "name",
            "rolePermissionType",
            "associatedDepartmentIds",
            "status",
        },
    ),
    "agents": ("/agents", {"limit": "50"}, {"id", "zuid", "emailId", "name", "status"}),
    "departments": ("/departments", {}, {"id", "name", "isEnabled"}),
    "teams": ("/teams", {}, {"id", "name", "departmentId", "agents"}),
    "organization_fields": (
        "/organizationFields",
        {"module": "tickets"},
        {"id", "apiName", "allowedValues"},
    ),
    "ticket": (
        f"/tickets/{TICKET}",
        {"include": "contacts,assignee"},
        {
            "id",
            "ticketNumber",
            "subject",
            "status",
            "statusType",
            "priority",
            "dueDate",
            "assigneeId",
            "departmentId",
            "createdTime",
            "modifiedTime",
            "webUrl",
            "email",
        },
    ),
    "tickets_list": (
        "/tickets",
        {"limit": "5"},
        {"id", "ticketNumber", "subject", "status", "dueDate", "assigneeId", "departmentId"},
    ),
    "tickets_search": (
        "/tickets/search",
        {"ticketNumber": "115"},
        {"id", "ticketNumber", "subject", "statusType", "modifiedTime"},
    ),
    "tickets_count": ("/ticketsCount", {}, {"count"}),
    "tickets_count_by_field_values": (
        "/ticketsCountByFieldValues",
        {"field": "statusType,overDue,escalated"},
        {"statusType", "overDue", "escalated"},
    ),
    "customer_happiness": (
        "/customerHappiness",
        {"department": "allDepartment", "duration": "LAST_7_DAYS"},
        {"id", "rating", "ratedTime", "ticketId"},
    ),
    "mail_reply_addresses": (
        "/mailReplyAddress",
        {"departmentId": "5000000000001"},
        {"id", "address", "isActive", "isVerified"},
    ),
}


def items(body: Any) -> list[dict[str, Any]]:
    for key in ("data", "teams"):
        if isinstance(body, dict) and isinstance(body.get(key), list):
            return body[key]
    return [body]


def kind(value: Any) -> str:
    return "null" if value is None else type(value).__name__


@pytest.mark.parametrize("name", sorted(CASES))
async def test_sandbox_answers_in_the_fixtures_shape(world: SandboxWorld, name: str) -> None:
    path, query, core = CASES[name]
    expected = json.loads((FIXTURES / f"{name}.json").read_text())
    headers = {
        "Authorization": f"Zoho-oauthtoken {await world.tokens.token()}",
        "orgId": "700000001",
    }
    url = f"{world.sandboxes.urls['desk']}/api/v1{path}"
    async with world.session.get(url, params=query, headers=headers) as response:
        assert response.status == 200
        got = await response.json()
    assert isinstance(got, type(expected))
    if isinstance(expected, dict):
        assert {k for k in ("data", "teams", "count") if k in expected} <= set(got)
    sample, model = items(expected)[0], items(got)[0]
    assert core <= set(sample), "the core keys come from the fixture"
    assert core <= set(model)
    for key in core:
        if sample[key] is not None and model[key] is not None:
            assert kind(model[key]) == kind(sample[key]), key
