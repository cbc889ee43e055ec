"""/attendance status, checkout, report and export name agents one way (issue: names with
spaces, quotes, e-mails, first names; a refusal shows the sub-command's usage), and count the
same people as the board: a light agent is neither listed in /help's attendance nor counted."""

from __future__ import annotations

import pytest

from tests.deskbot.conftest import Deskbot


@pytest.mark.parametrize(
    "said",
    ["Aiko Tanaka", '"Aiko Tanaka"', "agent@example.com", "Aiko", "「aiko tanaka」", "Aiko_Tanaka"],
)
async def test_status_and_checkout_take_a_full_name_quoted_or_not(
    deskbot: Deskbot, said: str
) -> None:
    await deskbot.chat("agent").command("checkin")
    admin = deskbot.chat("admin")
    status = await admin.command("attendance", f"status {said}")
    assert status.text.startswith("Aiko Tanaka: Check In"), status.text
    out = await admin.command("attendance", f"checkout {said}")
    assert "Aiko Tanaka" in out.text and "Usage" not in out.text, out.text
    assert (await admin.command("attendance", f"status {said}")).text.startswith(
        "Aiko Tanaka: Check Out"
    )


async def test_a_report_of_a_quoted_name_and_a_first_name(deskbot: Deskbot) -> None:
    admin = deskbot.chat("admin")
    report = await admin.command("attendance", 'report "Kenji Watanabe" Yuki 2026-03-01 2026-03-02')
    assert report.text.startswith("2 agents"), report.text
    assert "Kenji Watanabe" in str(report.slides) and "Yuki Sato" in str(report.slides)


async def test_a_name_of_several_people_lists_them_with_the_subcommands_usage(
    deskbot: Deskbot,
) -> None:
    deskbot.parts.sandboxes.desk.agents.append(
        {"id": "6000000001999", "zuid": "70009999", "name": "Yuki Tanaka", "firstName": "Yuki",
         "lastName": "Tanaka", "emailId": "yuki.t@example.com", "status": "ACTIVE",
         "rolePermissionType": "Standard", "associatedDepartmentIds": ["5000000000001"],
         "isConfirmed": True}
    )  # fmt: skip
    admin = deskbot.chat("admin")
    for verb, usage in (
        ("status", "Usage: /attendance status [agent: name or e-mail]"),
        ("checkout", "Usage: /attendance checkout <agent: name or e-mail>"),
        ("report", "Usage: /attendance report"),
    ):
        answer = await admin.command("attendance", f"{verb} Yuki")
        assert "“Yuki” is more than one agent" in answer.text, answer.text
        assert "Yuki Sato (yuki@example.com)" in answer.text
        assert "Yuki Tanaka (yuki.t@example.com)" in answer.text
        assert usage in answer.text and "board [page]" not in answer.text
        nobody = await admin.command("attendance", f"{verb} Nobody Here")
        assert "No Desk agent “Nobody”" in nobody.text and usage in nobody.text
    two = await admin.command("attendance", "status Kenji Watanabe, Yuki Sato")
    assert "Name one agent." in two.text


async def test_a_light_agent_is_counted_nowhere_in_attendance(deskbot: Deskbot) -> None:
    light_help = await deskbot.chat("light").command("help")
    assert "/attendance" not in str(light_help.output)
    assert "/attendance" in str((await deskbot.chat("agent").command("help")).output)
    admin = deskbot.chat("admin")
    report = await admin.command("attendance", "report all 2026-03-01 2026-03-02")
    board = await admin.command("attendance", "board")
    seeded = len(deskbot.parts.sandboxes.desk.agents)
    assert report.text.startswith(f"{seeded - 1} agents,")  # all but the light agent
    assert board.text.startswith(f"{seeded - 1} agents,")
    assert "Lee Light" not in str(report.slides)
    refused = await admin.command("attendance", "status Lee Light")
    assert "No Desk agent" in refused.text


async def test_an_admin_who_never_checked_in_is_named(deskbot: Deskbot) -> None:
    mine = await deskbot.chat("admin").command("attendance", "status")
    assert mine.text.startswith("Ada Admin: "), mine.text
    ada = await deskbot.chat("admin").command("attendance", "status Ada Admin")
    assert ada.text.startswith("Ada Admin: "), ada.text
