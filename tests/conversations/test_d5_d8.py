"""SPEC D5-D8 as a person meets them in Cliq, against the sandboxes: what they type or click,
and the words they see. Aiko is an agent (ticket 115 is hers), Ada an admin, Lee a light agent.

D5 acting from a card · D6 slash commands · D7 keywords in the bot's chat · D8 shown to me first.
"""

from __future__ import annotations

from typing import Any

from tests.deskbot.conftest import Deskbot, deskbot  # noqa: F401  (the fixture)


def labels(answer: Any) -> list[str]:
    return [b["label"] for b in answer.buttons]


def field_options(form: Any, name: str) -> dict[str, str]:
    """A form input's options as the person sees them: label → value."""
    field = next(i for i in form.output["inputs"] if i["name"] == name)
    return {o["label"]: o["value"] for o in field["options"]}


# --- D5: acting from a card --------------------------------------------------------------


async def test_d5_aiko_connects_then_changes_assigns_replies_and_comments(
    deskbot: Deskbot,  # noqa: F811
) -> None:
    aiko = deskbot.chat("agent")
    card = await aiko.command("ticket", "115")
    assert card.title.startswith("#115 ")
    assert labels(card) == ["Status", "Assign", "Reply", "Comment", "Post here"]

    # Not connected yet: the card asks her to connect, with her own link.
    asked = await aiko.click("Status")
    assert asked.title == "Connect Zoho Desk"
    assert "connect your Zoho Desk account once" in asked.text
    assert labels(asked) == ["Connect Desk"]
    await deskbot.connect("agent@example.com")

    # Status, with a note: the card is redrawn with who did what, when.
    form = await aiko.click(card.button("Status"))
    assert form.output["title"] == "Status of #115" and form.output["hint"] == "Now: Open"
    assert {"Open", "On Hold", "Closed", "In Progress"} <= set(field_options(form, "status"))
    changed = await aiko.submit({"status": "On Hold", "note": "Waiting for the vendor"})
    assert "Status → On Hold, note added by Aiko at 10:00" in changed.text
    assert "On Hold" in changed.text

    # Assign, from the card as redrawn: the department's agents and teams.
    form = await aiko.click(changed.button("Assign"))
    owners = field_options(form, "owner")
    assert "Maria Garcia" in owners and any(label.startswith("Team: ") for label in owners)
    assigned = await aiko.submit({"owner": owners["Maria Garcia"]})
    assert "Assigned → Maria Garcia by Aiko" in assigned.text
    assert "Maria Garcia" in assigned.all_text()

    # Reply to the customer, setting a status after.
    form = await aiko.click(assigned.button("Reply"))
    assert form.output["hint"] == "An e-mail to watanabe@abc-corp.com"
    replied = await aiko.submit({"content": "We're on it.", "then_status": "Open"})
    assert "Replied, status → Open by Aiko" in replied.text

    # A public comment, labelled as such.
    form = await aiko.click(replied.button("Comment"))
    assert list(field_options(form, "visibility")) == [
        "Private: agents only",
        "Public: the customer sees it",
    ]
    commented = await aiko.submit({"content": "Vendor confirmed", "visibility": "public"})
    assert "Public comment added by Aiko" in commented.text

    # Every change was made in Desk as Aiko.
    ticket = await deskbot.parts.desk.ticket_by_number(115)
    me = await deskbot.parts.directory.by_email("agent@example.com")
    assert ticket.status == "Open" and ticket.modified_by == me.id


async def test_d5_ada_takes_a_ticket_and_a_forged_choice_changes_nothing(
    deskbot: Deskbot,  # noqa: F811
) -> None:
    await deskbot.connect("admin@example.com")
    ada = deskbot.chat("admin")
    card = await ada.command("ticket", "115")
    form = await ada.click(card.button("Assign"))
    me = field_options(form, "owner")["Me (Ada Admin)"]
    assert next(iter(field_options(form, "owner"))) == "Me (Ada Admin)"

    forged = await ada.submit({"owner": "agent:1"})
    assert forged.kind == "form_error"
    assert "not one of the choices offered" in forged.output["inputs"]["owner"]

    taken = await ada.submit({"owner": me}, form=form.output)
    assert "Assigned → Ada Admin by Ada" in taken.text
    assert labels(taken) == ["Status", "Assign", "Reply", "Comment"]


async def test_d5_lee_a_light_agent_sees_only_a_private_comment(
    deskbot: Deskbot,  # noqa: F811
) -> None:
    await deskbot.connect("light@example.com")
    lee = deskbot.chat("light")
    card = await lee.command("ticket", "115")
    assert labels(card) == ["Comment", "Post here"]
    form = await lee.click("Comment")
    assert form.output["hint"] == "A private comment: agents see it, the customer doesn't."
    done = await lee.submit({"content": "Customer called again"})
    assert "Private comment added by Lee" in done.text
    assert labels(done) == ["Comment"]


async def test_d5_a_revoked_connection_brings_the_connect_card_back(
    deskbot: Deskbot,  # noqa: F811
) -> None:
    await deskbot.connect("agent@example.com")
    aiko = deskbot.chat("agent")
    card = await aiko.command("ticket", "115")
    form = await aiko.click(card.button("Status"))
    deskbot.parts.sandboxes.registry.refuse("sandbox-refresh-agent@example.com")
    answer = await aiko.submit({"status": "Closed"}, form=form.output)
    assert answer.title == "Connect Zoho Desk"
    assert "Zoho no longer accepts your Desk connection" in answer.text
    assert "nothing was changed" in answer.text
    assert (await deskbot.parts.desk.ticket_by_number(115)).status == "Open"


# --- D6: slash commands ------------------------------------------------------------------


async def test_d6_the_slash_commands_answer_what_the_spec_lists(
    deskbot: Deskbot,  # noqa: F811
) -> None:
    aiko = deskbot.chat("agent")

    mine = await aiko.command("ticket")
    assert mine.title == "My latest tickets"
    assert len([b for b in mine.buttons if b["label"].startswith("#")]) == 3

    one = await aiko.command("ticket", "115")
    assert one.title.startswith("#115 ") and "watanabe@abc-corp.com" in one.all_text()
    assert (await aiko.command("ticket", "#115")).title == one.title

    customer = await aiko.command("ticket", "watanabe@abc-corp.com")
    assert customer.title == "Latest tickets of watanabe@abc-corp.com"

    pending = await aiko.command("pendingtickets")
    assert pending.title == "Pending tickets" and "Unresolved tickets" in pending.text
    for word in ("Open", "On hold", "Overdue", "Unassigned"):
        assert word.casefold() in pending.all_text().casefold()

    status = await aiko.command("deskstatus")
    assert status.title == "Desk status" and "The last 24 hours" in status.text
    everything = status.all_text().casefold()
    for word in ("new", "closed", "happiness"):
        assert word in everything
    happiness = await aiko.command("deskstatus", "happiness")
    assert "happiness" in happiness.all_text().casefold()

    picked = await aiko.suggest("ticket", "11")
    assert "#115" in [row["title"] for row in picked.output]


async def test_d6_wrong_or_extra_words_get_the_usage_card(deskbot: Deskbot) -> None:  # noqa: F811
    aiko = deskbot.chat("agent")
    extra = await aiko.command("pendingtickets", "foo")
    assert "/pendingtickets takes nothing more: “foo” is extra." in extra.text
    assert "Usage: /pendingtickets" in extra.text
    wrong = await aiko.command("deskstatus", "yesterday")
    assert "“yesterday” is not a view" in wrong.text
    assert "Usage: /deskstatus [new | closed | happiness | top]" in wrong.text
    typo = await aiko.command("tickt", "115")
    assert "Did you mean */ticket*?" in typo.text


# --- D7: keywords in the bot's chat ------------------------------------------------------


async def test_d7_keywords_answer_the_three_latest_of_their_kind(
    deskbot: Deskbot,  # noqa: F811
) -> None:
    aiko = deskbot.chat("agent")
    for typed, title in (
        ("Overdue Tickets", "Overdue tickets"),
        ("  due   TODAY ", "Due today"),
        ("open tickets", "Open tickets"),
    ):
        answer = await aiko.say(typed)
        assert answer.title == title, (typed, answer.output)
        shown = [b for b in answer.buttons if b["label"].startswith("#")]
        assert 1 <= len(shown) <= 3 or "Nothing" in answer.text
    from_menu = await aiko.menu("Tickets", "Overdue Tickets")
    assert from_menu.title == "Overdue tickets"
    unknown = await aiko.say("overdue tix")
    assert "I don't know “overdue tix”" in unknown.text


# --- D8: shown to me first ---------------------------------------------------------------


async def test_d8_an_answer_is_mine_until_i_post_it(deskbot: Deskbot) -> None:  # noqa: F811
    sandbox = deskbot.parts.sandboxes
    channel = sandbox.cliq.add_channel("Support", bots=["deskbot"], members=["agent@example.com"])
    aiko = deskbot.chat(
        "agent", id=channel["chat_id"], type="channel", channel_unique_name="support"
    )
    card = await aiko.command("ticket", "115")
    assert labels(card)[-1] == "Post here"
    await deskbot.deliver()
    assert deskbot.cliq_messages == []  # nobody else sees it yet

    posted = await aiko.click("Post here")
    assert posted.output["text"] == "Posted to #support."
    [message] = deskbot.cliq_messages
    assert message["target"] == "support" and message["sender"] == "deskbot"
    assert message["body"]["card"]["title"] == card.title
    assert "Post here" not in [b["label"] for b in message["body"]["buttons"]]

    ada = deskbot.chat(
        "admin", id=channel["chat_id"], type="channel", channel_unique_name="support"
    )
    not_hers = await ada.click(card.button("Post here"))
    assert "Only the person who asked can post this" in not_hers.output["text"]
    assert len(deskbot.cliq_messages) == 1
