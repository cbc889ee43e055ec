"""Assigning a team: Ticket.json's update body does not list `teamId`, while some live portals
take it. The sandbox switch `desk_patch_team` gives both answers; the bot is right under each:
the team is assigned, or the agent is told to pick an agent, and nothing else changes."""

from __future__ import annotations

import pytest

from bot.config import Config
from tests.deskbot.conftest import Deskbot


@pytest.fixture(params=[False, True], ids=["teamId refused", "teamId taken"])
def config(config: Config, request: pytest.FixtureRequest) -> Config:
    sandbox = config.sandbox.model_copy(update={"desk_patch_team": request.param})
    return config.model_copy(update={"sandbox": sandbox})


async def test_assigning_a_team_works_or_says_why(deskbot: Deskbot) -> None:
    await deskbot.connect("admin@example.com")
    chat = deskbot.chat("admin")
    await chat.command("ticket", "115")
    form = await chat.click("Assign")
    owners = {o["label"]: o["value"] for o in form.output["inputs"][0]["options"]}
    before = await deskbot.parts.desk.ticket_by_number(115)
    answer = await chat.submit({"owner": owners["Team: Support Tier 1"]})
    after = await deskbot.parts.desk.ticket_by_number(115)
    assert before is not None and after is not None
    sandbox = deskbot.parts.sandboxes
    assert sandbox is not None
    if sandbox.desk.patch_team:
        assert "Assigned → a team" in answer.text
        assert after.team_id == owners["Team: Support Tier 1"].split(":")[1]
    else:
        assert "pick an agent" in answer.text  # a banner, or a message when longer than 50
        assert after.assignee_id == before.assignee_id and after.team_id == before.team_id
