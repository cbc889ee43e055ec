"""Acting on tickets from cards (SPEC D5, X4), against the sandbox Desk."""

from __future__ import annotations

import asyncio
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.deskbot.conftest import Deskbot


async def ticket_115(deskbot: Deskbot, who: str = "agent"):  # type: ignore[no-untyped-def]
    chat = deskbot.chat(who)
    card = await chat.command("ticket", "115")
    return chat, card


async def test_an_unconnected_agent_gets_the_connect_card(deskbot: Deskbot) -> None:
    chat, _ = await ticket_115(deskbot)
    answer = await chat.click("Assign")
    assert answer.title == "Connect Zoho Desk"
    url = answer.buttons[0]["action"]["data"]["web"]
    assert url.startswith("http://127.0.0.1:8080/oauth/connect?k=") and len(url) <= 256
    token = url.split("k=")[1]
    consent = await deskbot.client.get(f"/oauth/connect?k={token}", allow_redirects=False)
    assert consent.status == 302
    assert "/oauth/v2/auth?" in consent.headers["Location"]
    assert "login_hint=agent@example.com" in consent.headers["Location"]


async def test_the_connect_flow_stores_the_agents_token(deskbot: Deskbot) -> None:
    answer = await deskbot.chat().command("deskbot", "connect")
    url = answer.buttons[0]["action"]["data"]["web"]
    ours = await deskbot.client.get(url.split("8080")[1], allow_redirects=False)
    session = deskbot.client.session
    async with session.get(ours.headers["Location"], allow_redirects=False) as consent:
        assert consent.status == 302
        back = urlsplit(consent.headers["Location"])
    callback = f"/oauth/callback?{back.query}"
    response = await deskbot.client.get(callback)
    assert response.status == 200 and "connected for agent@example.com" in await response.text()
    assert await deskbot.parts.connections.refresh_token("agent@example.com")
    again = await deskbot.client.get(
        callback, headers={"Accept": "application/json"}
    )  # a state (and a code) works once
    assert again.status == 400 and "already used" in (await again.json())["reason"]
    query = parse_qs(back.query)
    forged = await deskbot.client.get(
        f"/oauth/callback?code={query['code'][0]}&state=forged.x",
        headers={"Accept": "application/json"},
    )
    assert forged.status == 400 and (await forged.json())["error"] == "bad_state"
    bye = await deskbot.chat().command("deskbot", "disconnect")
    assert bye.output["text"] == "Your Desk connection is removed."
    assert await deskbot.parts.connections.refresh_token("agent@example.com") is None


async def connect_through_zoho(deskbot: Deskbot, who: str) -> str:
    """Run the whole connect flow for `who`; the authorize URL we sent them to."""
    answer = await deskbot.chat(who).command("deskbot", "connect")
    url = answer.buttons[0]["action"]["data"]["web"]
    ours = await deskbot.client.get(url.split("8080")[1], allow_redirects=False)
    async with deskbot.client.session.get(ours.headers["Location"], allow_redirects=False) as z:
        back = urlsplit(z.headers["Location"])
    response = await deskbot.client.get(f"/oauth/callback?{back.query}")
    assert response.status == 200, await response.text()
    return ours.headers["Location"]


async def test_connecting_again_does_not_burn_refresh_tokens(deskbot: Deskbot) -> None:
    """Zoho keeps 20 refresh tokens per user per client and deletes the oldest: consent is
    asked only when the agent has no working token, so the org's token (the admin's, same
    client) survives any number of connects."""
    sandbox = deskbot.parts.sandboxes
    assert sandbox is not None
    org_tokens = sandbox.registry.refresh_tokens_of("admin@example.com")  # Desk's, Cliq's
    first = await connect_through_zoho(deskbot, "admin")
    assert "prompt=consent" in first
    stored = await deskbot.parts.connections.refresh_token("admin@example.com")
    for _ in range(25):
        assert "prompt=consent" not in await connect_through_zoho(deskbot, "admin")
    assert await deskbot.parts.connections.refresh_token("admin@example.com") == stored
    assert sandbox.registry.refresh_tokens_of("admin@example.com") == [*org_tokens, stored]
    assert await deskbot.parts.desk.ticket_by_number(115) is not None
    # A token Zoho no longer accepts: consent is asked again and a new token stored.
    await deskbot.parts.connections.store("admin@example.com", "1000.refresh.revoked")
    assert "prompt=consent" in await connect_through_zoho(deskbot, "admin")
    assert await deskbot.parts.connections.refresh_token("admin@example.com") not in (
        "1000.refresh.revoked",
        stored,
    )


async def test_status_change_edits_the_card_with_an_audit_line(deskbot: Deskbot) -> None:
    await deskbot.connect("agent@example.com")
    chat, _ = await ticket_115(deskbot)
    form = await chat.click("Status")
    assert form.kind == "form" and form.output["name"] == "status"
    options = [o["value"] for o in form.output["inputs"][0]["options"]]
    assert "On Hold" in options and "Resolved" in options
    edited = await chat.submit({"status": "On Hold"})
    assert edited.kind == "message_edit"
    assert "Status → On Hold by Aiko at 10:00" in edited.text
    ticket = await deskbot.parts.desk.ticket_by_number(115)
    assert ticket is not None and ticket.status == "On Hold"
    me = await deskbot.parts.directory.by_email("agent@example.com")
    assert ticket.modified_by == me.id  # type: ignore[union-attr]  # changed as the clicking agent


LONG_STATUS = "Waiting for the customer to confirm the replacement part arrived"


async def test_a_status_longer_than_an_option_value_round_trips(deskbot: Deskbot) -> None:
    """Desk allows status names up to 120 characters (Field.json), a Cliq option value 50:
    the option carries a short key, mapped back to the full name on submit."""
    assert len(LONG_STATUS) > 50
    await deskbot.connect("agent@example.com")
    chat, _ = await ticket_115(deskbot)
    form = await chat.click("Status")
    options = {o["label"]: o["value"] for o in form.output["inputs"][0]["options"]}
    assert "In Progress" in options and LONG_STATUS in options  # Desk's own list
    assert all(len(v) <= 50 for v in options.values())
    edited = await chat.submit({"status": options[LONG_STATUS]})
    assert f"Status → {LONG_STATUS}" in edited.text
    ticket = await deskbot.parts.desk.ticket_by_number(115)
    assert ticket is not None and ticket.status == LONG_STATUS
    await chat.click("Reply")
    replied = await chat.submit({"content": "Back to work.", "then_status": options["In Progress"]})
    assert "Replied, status → In Progress" in replied.text
    await chat.click("Status")
    refused = await chat.submit({"status": "status~0000000000000000"})
    assert (
        refused.kind == "form_error"
        and "not one of the choices" in refused.output["inputs"]["status"]
    )


async def test_assign_reply_comment_and_assign_to_me(deskbot: Deskbot) -> None:
    await deskbot.connect("admin@example.com")
    chat, card = await ticket_115(deskbot, "admin")
    assert "Assign to me" not in [b["label"] for b in card.buttons]  # Post here took the room
    form = await chat.click("Assign")
    owners = {o["label"]: o["value"] for o in form.output["inputs"][0]["options"]}
    assert "Maria Garcia" in owners and "Team: Support Tier 1" in owners
    assert "Kenji Watanabe" not in owners  # another department
    edited = await chat.submit({"owner": owners["Maria Garcia"]})
    assert "Assigned → Maria Garcia by Ada" in edited.text
    assert "Assign to me" in [b["label"] for b in edited.buttons]
    mine = await chat.click("Assign to me")
    assert "Assigned → Ada Admin" in mine.text
    await chat.click("Reply")
    replied = await chat.submit({"content": "We replaced the toner.", "then_status": "Resolved"})
    assert "Replied, status → Resolved" in replied.text
    sandbox = deskbot.parts.sandboxes
    assert sandbox is not None and sandbox.desk.replies[-1]["to"] == "watanabe@abc-corp.com"
    form = await chat.click("Comment")
    labels = [o["label"] for o in form.output["inputs"][1]["options"]]
    assert labels == ["Private: agents only", "Public: the customer sees it"]
    commented = await chat.submit({"content": "Checked with the vendor", "visibility": "public"})
    assert "Public comment added" in commented.text


async def test_a_stale_card_asks_before_overwriting(deskbot: Deskbot) -> None:
    await deskbot.connect("agent@example.com")
    chat, _ = await ticket_115(deskbot)
    form = await chat.click("Status")
    deskbot.clock.advance(minutes=2)
    sandbox = deskbot.parts.sandboxes
    assert sandbox is not None
    async with deskbot.client.session.patch(
        f"{sandbox.urls['desk']}/sandbox/tickets/115",
        json={"actor": "maria@example.com", "status": "Escalated"},
    ) as response:
        assert response.status == 200
    asked = await chat.submit({"status": "Closed"}, form=form.output)
    assert "Someone changed this ticket in Desk" in asked.text and "Escalated" in asked.all_text()
    assert [b["label"] for b in asked.buttons] == ["Apply anyway"]
    still = await deskbot.parts.desk.ticket_by_number(115)
    assert still is not None and still.status == "Escalated"
    applied = await chat.click("Apply anyway")
    assert "Status → Closed" in applied.text
    assert (await deskbot.parts.desk.ticket_by_number(115)).status == "Closed"  # type: ignore[union-attr]


async def test_a_light_agent_is_refused_changes_but_may_comment_privately(deskbot: Deskbot) -> None:
    await deskbot.connect("light@example.com")
    chat, card = await ticket_115(deskbot, "light")
    assert [b["label"] for b in card.buttons] == ["Comment", "Post here"]
    for action in ("status", "assign", "reply", "mine"):  # keys of an agent's card, clicked anyway
        key = card.button("Comment")["key"].replace("comment:", f"{action}:", 1)
        answer = await chat.click({**card.button("Comment"), "key": key})
        assert answer.kind == "banner" and "Light agents" in answer.output["text"]
    form = await chat.click(card.button("Comment"))
    assert [i["name"] for i in form.output["inputs"]] == ["content", "ticket", "seen", "_sealed"]
    assert "private comment" in form.output["hint"]
    done = await chat.submit({"content": "fyi"})
    assert "Private comment added" in done.text


@pytest.mark.parametrize(
    ("status", "code", "words"),
    [
        (429, "THRESHOLD_EXCEEDED", "credits for today are used up"),
        (500, "INTERNAL_SERVER_ERROR", "busy or unreachable"),
        (403, "FORBIDDEN", "don't have permission"),
    ],
)
async def test_desk_failures_become_clear_banners(
    deskbot: Deskbot, status: int, code: str, words: str
) -> None:
    await deskbot.connect("agent@example.com")
    chat, _ = await ticket_115(deskbot)
    sandbox = deskbot.parts.sandboxes
    assert sandbox is not None
    sandbox.desk.fail(status, code, count=10)
    answer = await chat.click("Status")
    assert answer.kind in ("banner", "message") and words in answer.output["text"]
    if status == 500:
        assert len(deskbot.waits) == 4  # retried with backoff, without the test waiting
    sandbox.desk.faults.clear()


async def test_a_ticket_gone_from_desk(deskbot: Deskbot) -> None:
    await deskbot.connect("agent@example.com")
    chat = deskbot.chat()
    answer = await chat.click(
        {
            "label": "Status",
            "key": "status:1166045000999999999:0",
            "action": {"type": "invoke.function", "data": {"name": "botbutton"}},
        }
    )
    assert answer.kind == "banner" and "gone from Desk" in answer.output["text"]
    broken = await chat.click(
        {
            "label": "Status",
            "key": "status:nonsense",
            "action": {"type": "invoke.function", "data": {"name": "botbutton"}},
        }
    )
    assert "Old card" in broken.output["text"]


def test_more_than_100_assignees_use_a_dynamic_select() -> None:
    """Cliq: a drop-down holds 100 options; "configure dynamic_select only when the results
    are more than 100" (dynamic-drop-down.html)."""
    from bot.cards.forms import assign_form
    from bot.desk.people import Agent, Team
    from bot.desk.tickets import Ticket
    from bot.i18n import Languages

    ticket = Ticket(id="1", ticket_number="115")
    agents = [Agent(id=str(n), name=f"Agent {n}") for n in range(95)]
    teams = [Team(id=str(1000 + n), name=f"Team {n}") for n in range(6)]
    words = Languages().words("en")
    small = assign_form(ticket, agents[:94], teams, seen=0, words=words).to_wire()
    assert small["inputs"][0]["type"] == "select" and len(small["inputs"][0]["options"]) == 100
    large = assign_form(ticket, agents, teams, seen=0, words=words).to_wire()
    assert large["inputs"][0]["type"] == "dynamic_select" and "options" not in large["inputs"][0]


async def test_the_assign_dynamic_select_answers_what_was_typed(deskbot: Deskbot) -> None:
    from bot.testing.conversation import envelope

    await deskbot.connect("admin@example.com")
    chat, _ = await ticket_115(deskbot, "admin")
    form = await chat.click("Assign")
    hidden = {i["name"]: i["value"] for i in form.output["inputs"] if i["type"] == "hidden"}
    typed = await chat.send(
        envelope(
            "function",
            "form_dynamic_select_handler",
            name="botform",
            params={
                "user": chat.user,
                "target": {"name": "owner", "query": "mar"},
                "form": {"name": "assign", "values": hidden},
            },
        )
    )
    options = typed.output["options"]
    assert options[0]["label"] == "Maria Garcia"  # starts with "mar" first
    assert all("mar" in o["label"].casefold() for o in options)
    edited = await chat.submit({"owner": options[0]["value"]}, form=form.output)
    assert "Assigned → Maria Garcia" in edited.text


async def _stale(deskbot: Deskbot, form_button: str, values: dict[str, str]):  # type: ignore[no-untyped-def]
    """A form of ticket 115 submitted after someone else changed the ticket: the "Apply anyway"
    question, and the ticket's id."""
    await deskbot.connect("agent@example.com")
    chat, _ = await ticket_115(deskbot)
    form = await chat.click(form_button)
    deskbot.clock.advance(minutes=2)
    sandbox = deskbot.parts.sandboxes
    assert sandbox is not None
    async with deskbot.client.session.patch(
        f"{sandbox.urls['desk']}/sandbox/tickets/115",
        json={"actor": "maria@example.com", "status": "Escalated"},
    ) as response:
        assert response.status == 200
    asked = await chat.submit(values, form=form.output)
    ticket = await deskbot.parts.desk.ticket_by_number(115)
    assert ticket is not None
    return chat, asked.button("Apply anyway"), ticket.id


@pytest.mark.parametrize(
    ("form_button", "values"),
    [
        ("Status", {"status": "Closed", "note": "Closing: fixed by the vendor"}),
        ("Comment", {"content": "Checked with the vendor", "visibility": "private"}),
    ],
)
async def test_apply_anyway_acts_once_however_often_clicked(
    deskbot: Deskbot, form_button: str, values: dict[str, str]
) -> None:
    chat, apply, ticket_id = await _stale(deskbot, form_button, values)
    sandbox = deskbot.parts.sandboxes
    assert sandbox is not None
    before = len(await sandbox.desk.comments(ticket_id))
    first = await chat.click(apply)
    assert "Closed" in first.text or "comment added" in first.text
    again = await chat.click(apply)
    assert again.kind == "banner" and "Already done" in again.output["text"]
    together = await asyncio.gather(chat.click(apply), chat.click(apply))
    assert all("Already done" in a.output["text"] for a in together)
    assert len(await sandbox.desk.comments(ticket_id)) == before + 1


async def test_two_clicks_at_once_act_once(deskbot: Deskbot) -> None:
    chat, apply, ticket_id = await _stale(
        deskbot, "Comment", {"content": "Only once", "visibility": "private"}
    )
    sandbox = deskbot.parts.sandboxes
    assert sandbox is not None
    before = len(await sandbox.desk.comments(ticket_id))
    answers = await asyncio.gather(chat.click(apply), chat.click(apply))
    assert sorted("Already done" in a.text for a in answers) == [False, True]
    assert len(await sandbox.desk.comments(ticket_id)) == before + 1


async def test_a_failed_apply_anyway_can_be_clicked_again(deskbot: Deskbot) -> None:
    chat, apply, ticket_id = await _stale(
        deskbot, "Comment", {"content": "Retry me", "visibility": "private"}
    )
    sandbox = deskbot.parts.sandboxes
    assert sandbox is not None
    sandbox.desk.fail(403, "FORBIDDEN", count=10)
    refused = await chat.click(apply)
    assert "permission" in refused.text
    sandbox.desk.faults.clear()
    applied = await chat.click(apply)
    assert "comment added" in applied.text
    assert [c for c in await sandbox.desk.comments(ticket_id) if "Retry me" in str(c)]
