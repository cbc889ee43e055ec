"""Every Deskbot call that needs a Desk agent declares it (`requires=desk_agent`): a Cliq user
with no Desk agent gets the same "Not a Desk agent" card from each, and nothing runs."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from bot.testing import Conversation
from tests.deskbot.conftest import Deskbot


def _button(key: str) -> dict[str, Any]:
    return {"label": "x", "key": key, "action": {"type": "invoke.function"}}


CALLS: dict[str, Callable[[Conversation], Awaitable[Any]]] = {
    "/ticket": lambda chat: chat.command("ticket", "115"),
    "/pendingtickets": lambda chat: chat.command("pendingtickets"),
    "/deskstatus": lambda chat: chat.command("deskstatus"),
    "/checkin": lambda chat: chat.command("checkin"),
    "/checkout": lambda chat: chat.command("checkout"),
    "/break": lambda chat: chat.command("break", "meal"),
    "/attendance": lambda chat: chat.command("attendance"),
    "/attendance week": lambda chat: chat.command("attendance", "week"),
    "/deskbot connect": lambda chat: chat.command("deskbot", "connect"),
    "Overdue Tickets": lambda chat: chat.say("Overdue Tickets"),
    "Open Tickets (sub-action)": lambda chat: chat.menu("Tickets", "Open Tickets"),
    "check in": lambda chat: chat.say("check in"),
    "Check In (sub-action)": lambda chat: chat.menu("Attendance", "Check In"),
    "Status button": lambda chat: chat.click(_button("status:1:0")),
    "Assign to me button": lambda chat: chat.click(_button("mine:1:0")),
    "attendance move button": lambda chat: chat.click(_button("att:1")),
    "confirm button": lambda chat: chat.click(_button("confirm:nothing")),
}


@pytest.mark.parametrize("call", CALLS)
async def test_a_cliq_user_with_no_desk_agent_is_told_so_everywhere(
    deskbot: Deskbot, call: str
) -> None:
    answer = await CALLS[call](deskbot.chat("stranger"))
    assert answer.title == "Not a Desk agent", answer.output
    assert "stranger@elsewhere.example" in answer.text
