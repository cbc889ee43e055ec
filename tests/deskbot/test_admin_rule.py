"""One rule for admin (issue 10): every admin-only command and button is refused unless the
caller is a Desk administrator, read from Desk on that call. Cliq's own `admin: true` in the
envelope does not count, and a demotion in Desk counts at once."""

from __future__ import annotations

from typing import Any

import pytest

from bot.cliq.message import BUTTON_FUNCTION
from bot.testing import Conversation
from tests.deskbot.conftest import PEOPLE, Deskbot

ADMIN_COMMANDS = [
    ("deskbot", "channels"),
    ("deskbot", "map Support support"),
    ("deskbot", "unmap Billing disable"),
    ("deskbot", "notify closed off"),
    ("deskbot", "rules test 115 closed"),
    ("attendance", "board"),
    ("attendance", "report agent@example.com 2026-02-23 2026-03-01"),
    ("attendance", "checkout agent@example.com"),
    ("attendance", "statuses"),
    ("attendance", "statuses add Lunch offline"),
    ("attendance", "purge"),
    ("attendance", "status maria@example.com"),
]
ADMIN_BUTTONS = ["attrep:abc:t:0", "attexp:abc", "attpurge:abc"]
ONLY_ADMINS = "Only admins can do that."


def caller(deskbot: Deskbot, who: str, *, cliq_admin: bool) -> Conversation:
    return Conversation(deskbot.client, deskbot.signer, user={**PEOPLE[who], "admin": cliq_admin})


def button(key: str) -> dict[str, Any]:
    return {"label": "x", "key": key, "action": {"data": {"name": BUTTON_FUNCTION}}}


def refused(answer: Any) -> bool:
    assert answer.status == 200, answer
    return answer.kind == "banner" and answer.text == ONLY_ADMINS


@pytest.mark.parametrize("who", ["agent", "light", "stranger"])
@pytest.mark.parametrize("cliq_admin", [False, True], ids=["plain", "cliq-admin-flag"])
async def test_everyone_but_a_desk_admin_is_refused(
    deskbot: Deskbot, who: str, cliq_admin: bool
) -> None:
    chat = caller(deskbot, who, cliq_admin=cliq_admin)
    rules_before = await deskbot.parts.settings.rules()
    statuses_before = await deskbot.parts.attendance.statuses()
    for command, words in ADMIN_COMMANDS:
        assert refused(await chat.command(command, words)), (command, words)
    for key in ADMIN_BUTTONS:
        assert refused(await chat.click(button(key))), key
    assert await deskbot.parts.settings.rules() == rules_before  # nothing changed
    assert await deskbot.parts.attendance.statuses() == statuses_before


@pytest.mark.parametrize("cliq_admin", [False, True], ids=["plain", "cliq-admin-flag"])
async def test_a_desk_admin_may(deskbot: Deskbot, cliq_admin: bool) -> None:
    chat = caller(deskbot, "admin", cliq_admin=cliq_admin)
    for command, words in ADMIN_COMMANDS:
        assert not refused(await chat.command(command, words)), (command, words)
    for key in ADMIN_BUTTONS:
        assert not refused(await chat.click(button(key))), key


async def test_what_everyone_may_is_not_guarded(deskbot: Deskbot) -> None:
    for who in ("agent", "stranger"):
        chat = caller(deskbot, who, cliq_admin=False)
        assert not refused(await chat.command("deskbot", "disconnect"))
        assert not refused(await chat.command("attendance", f"status {PEOPLE[who]['email']}"))


async def test_a_demotion_in_desk_counts_at_the_next_call(deskbot: Deskbot) -> None:
    admin = caller(deskbot, "admin", cliq_admin=True)
    assert not refused(await admin.command("deskbot", "channels"))
    assert deskbot.parts.sandboxes is not None
    record = deskbot.parts.sandboxes.desk.agent_by_email("admin@example.com")
    assert record is not None
    record["rolePermissionType"] = "Standard"  # demoted in Desk, no time passes
    assert refused(await admin.command("deskbot", "channels"))
    assert refused(await admin.command("attendance", "board"))
    record["rolePermissionType"] = "Admin"
    record["status"] = "DISABLED"  # deactivated
    assert refused(await admin.command("deskbot", "channels"))
