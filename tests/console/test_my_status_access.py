"""Who may use attendance from the console is decided as in the chat (`[attendance] roles`,
`departments`; attendance.access): here only agents may, so an admin opens the console but has
no moves, and a move posted anyway changes nothing."""

from __future__ import annotations

import pytest

from bot.config import Config
from tests.console.conftest import signed_in_as
from tests.deskbot.conftest import Deskbot


@pytest.fixture
def config(config: Config) -> Config:
    attendance = config.attendance.model_copy(update={"roles": ["agent"]})
    return config.model_copy(update={"attendance": attendance})


async def test_a_role_attendance_leaves_out_has_no_moves_in_the_console(deskbot: Deskbot) -> None:
    admin = await signed_in_as(deskbot, "admin@example.com")
    page = await admin.get("/console/")
    text = await page.text()
    assert page.status == 200 and "Attendance is not enabled for the admin role." in text
    assert 'name="status"' not in text
    # the same answer as the chat's
    chat = await deskbot.chat("admin").command("checkin")
    assert "Attendance is not enabled for the admin role." in chat.text
    posted = await admin.post("/console/status", {"csrf": await admin.csrf(), "status": "1"})
    assert posted.status == 403 and "not enabled for the admin role" in await posted.text()
    assert (await deskbot.parts.attendance.status("admin@example.com")).status.name == "Check Out"
    agent = await signed_in_as(deskbot, "agent@example.com")
    assert 'name="status"' in await (await agent.get("/console/")).text()
