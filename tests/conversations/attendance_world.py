"""Helpers for attendance conversations: a person with their own Cliq settings, and more Desk
agents in the sandbox Desk."""

from __future__ import annotations

from typing import Any

from bot.sandbox.cliq.replies import check_reply
from bot.testing import Conversation
from tests.deskbot.conftest import PEOPLE, Deskbot


def person(world: Deskbot, who: str, **user: Any) -> Conversation:
    """`who` of tests/deskbot's PEOPLE, with changes to their Cliq user (e.g. `timezone`),
    in their own chat with the bot."""
    base = world.chat(who)
    return Conversation(
        world.client,
        world.signer,
        user={**PEOPLE[who], **user},
        chat=base.chat,
        check_output=check_reply,
    )


def add_desk_agents(world: Deskbot, count: int, *, role: str = "Standard") -> list[str]:
    """`count` more active agents in the sandbox Desk (before the bot first reads the agents);
    their e-mails."""
    sandboxes = world.parts.sandboxes
    assert sandboxes is not None
    desk = sandboxes.desk
    emails = []
    for n in range(count):
        email = f"agent{n:04d}@example.com"
        desk.agents.append(
            {
                "id": f"6000000009{n:04d}",
                "zuid": f"7100{n:04d}",
                "name": f"Agent {n:04d}",
                "firstName": "Agent",
                "lastName": f"{n:04d}",
                "emailId": email,
                "status": "ACTIVE",
                "rolePermissionType": role,
                "associatedDepartmentIds": [desk.departments[0]["id"]],
                "timeZone": "Europe/London",
                "isConfirmed": True,
            }
        )
        emails.append(email)
    return emails
