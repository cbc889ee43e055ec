"""Issue 11 item 1: every form and button value is checked on the server against what the form
offered this person and against Desk's lists now, whatever the client sends; a value that was
not offered gets a clear answer and nothing is written to Desk."""

from __future__ import annotations

from typing import Any

import pytest

from bot.sandbox.desk.seed import DEPARTMENTS, PEOPLE
from tests.deskbot.conftest import Deskbot


async def desk_record(deskbot: Deskbot, number: int = 115) -> dict[str, Any]:
    """Ticket 115 as the sandbox Desk holds it, with its comments and the replies sent."""
    desk = deskbot.parts.sandboxes.desk  # type: ignore[union-attr]
    ticket = await desk.ticket_by_number(str(number))
    assert ticket is not None
    return {
        "ticket": desk.wire_ticket(ticket),
        "comments": await desk.comments(ticket["id"]),
        "replies": list(desk.replies),
    }


async def opened(deskbot: Deskbot, who: str, button: str):  # type: ignore[no-untyped-def]
    await deskbot.connect(f"{who}@example.com")
    chat = deskbot.chat(who)
    card = await chat.command("ticket", "115")
    form = await chat.click(card.button(button))
    assert form.kind == "form", form.output
    return chat, form


def not_offered(answer: Any, field: str) -> None:
    assert answer.kind == "form_error", answer.output
    assert "not one of the choices offered" in answer.output["inputs"][field]


@pytest.mark.parametrize("value", ["9", "Nonsense", "open", "status~0000000000000000", " Open"])
async def test_a_status_the_form_did_not_offer_is_refused_and_nothing_written(
    deskbot: Deskbot, value: str
) -> None:
    chat, form = await opened(deskbot, "agent", "Status")
    before = await desk_record(deskbot)
    not_offered(await chat.submit({"status": value, "note": "a note"}, form=form.output), "status")
    assert await desk_record(deskbot) == before  # neither the status nor the note's comment


@pytest.mark.parametrize("value", ["9", "Deleted status", "--"])
async def test_reply_then_set_status_out_of_range_sends_nothing(
    deskbot: Deskbot, value: str
) -> None:
    """The issue's example: "then set status" = 9 became ticket 115's status."""
    chat, form = await opened(deskbot, "agent", "Reply")
    before = await desk_record(deskbot)
    answer = await chat.submit({"content": "Hello", "then_status": value}, form=form.output)
    not_offered(answer, "then_status")
    assert await desk_record(deskbot) == before  # no e-mail sent, no status set


async def outsiders(deskbot: Deskbot) -> tuple[list[str], list[str]]:
    """An agent and a team the Assign form of ticket 115 does not offer (another department)."""
    ticket = await deskbot.parts.desk.ticket_by_number(115)
    assert ticket is not None and ticket.department_id
    others = [d for d, _ in DEPARTMENTS if d != ticket.department_id]
    agents = await deskbot.parts.directory.all()
    agent = next(a for a in agents if ticket.department_id not in a.associated_department_ids)
    teams = await deskbot.parts.desk.teams(others[0])
    return [f"agent:{agent.id}"], [f"team:{teams[0].id}"]


async def test_an_owner_the_assign_form_did_not_offer_is_refused(deskbot: Deskbot) -> None:
    chat, form = await opened(deskbot, "agent", "Assign")
    offered = {o["value"] for o in form.output["inputs"][0]["options"]}
    agents, teams = await outsiders(deskbot)
    before = await desk_record(deskbot)
    for owner in [*agents, *teams, "agent:1", "team:1", "agent:6000000001999"]:
        assert owner not in offered
        not_offered(await chat.submit({"owner": owner}, form=form.output), "owner")
    assert await desk_record(deskbot) == before
    mine = next(v for v in offered if v.startswith("agent:"))
    done = await chat.submit({"owner": mine}, form=form.output)
    assert done.kind == "message_edit" and "Assigned →" in done.text


@pytest.mark.parametrize(("who", "value"), [("light", "public")])
async def test_a_comment_visibility_not_offered_is_refused(
    deskbot: Deskbot, who: str, value: str
) -> None:
    """A light agent's form offers no public choice: sending "public" anyway writes nothing."""
    chat, form = await opened(deskbot, who, "Comment")
    assert "visibility" not in [i["name"] for i in form.output["inputs"]]
    forged = {**form.output, "inputs": [*form.output["inputs"], {"name": "visibility"}]}
    before = await desk_record(deskbot)
    answer = await chat.submit({"content": "hello customer", "visibility": value}, form=forged)
    not_offered(answer, "visibility")
    assert await desk_record(deskbot) == before


@pytest.mark.parametrize("value", ["shared", "PUBLIC", "private-only"])
async def test_an_agents_comment_visibility_outside_the_radio_is_refused(
    deskbot: Deskbot, value: str
) -> None:
    chat, form = await opened(deskbot, "agent", "Comment")
    before = await desk_record(deskbot)
    answer = await chat.submit({"content": "hello", "visibility": value}, form=form.output)
    assert answer.kind == "form_error" and "visibility" in answer.output["inputs"]
    assert await desk_record(deskbot) == before


async def test_button_keys_are_checked_like_form_values(deskbot: Deskbot) -> None:
    """Keys a client can forge: another person's Post here, a ticket id that is not one, and
    a ticket button clicked by someone who is no Desk agent."""
    chat = deskbot.chat("agent")
    card = await chat.command("ticket", "115")
    post = card.button("Post here")
    other = deskbot.chat("admin")
    refused = await other.click(post)
    assert "Only the person who asked can post this" in (refused.output.get("text") or "")
    assert not [m for m in deskbot.cliq_messages if "115" in str(m)]
    bad = await chat.click({**card.button("Status"), "key": "show:115abc"})
    assert "Old card" in bad.output["text"]
    stranger = Deskbot.chat(deskbot, "stranger", id="CT_1", type="bot")
    seen = await stranger.click({**card.button("Status"), "key": "show:1166045000000000115"})
    assert seen.title == "Not a Desk agent"


def test_every_form_route_checks_its_choices() -> None:
    """Each form Deskbot offers declares what it offered (`offered=`, the router checks it on
    submit), so a form added later cannot trust its choices by omission: a form without
    choices declares that it offers none (`lambda ctx, values: {}`)."""
    from bot.app import routers

    forms = {f.name: f for r in routers() for f in r.forms}
    assert {"status", "reply", "assign", "comment"} <= set(forms)
    assert [name for name, f in forms.items() if f.offered is None] == []
    assert PEOPLE  # the seed the outsiders come from


@pytest.mark.parametrize(
    "forged",
    [
        {"ticket": "1166045000000000116"},  # another ticket than the card's
        {"seen": "0"},  # skip the "someone changed it since" question
        {"seen": "99999999999"},
        {"_sealed": "seen,ticket.forged"},
    ],
)
async def test_a_hidden_value_changed_in_a_form_changes_nothing(
    deskbot: Deskbot, forged: dict[str, str]
) -> None:
    chat, form = await opened(deskbot, "agent", "Status")
    before = await desk_record(deskbot)
    answer = await chat.submit({"status": "Closed", **forged}, form=form.output)
    assert answer.kind == "banner" and "outdated" in answer.output["text"]
    assert await desk_record(deskbot) == before
