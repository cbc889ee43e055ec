"""/ticket, /pendingtickets, /deskstatus and the keywords, against the sandbox Desk (SPEC D6-D8)."""

from __future__ import annotations

import pytest

from tests.deskbot.conftest import Deskbot


async def test_ticket_by_number_shows_the_card_with_actions_and_post_here(deskbot: Deskbot) -> None:
    answer = await deskbot.chat().command("ticket", "115")
    assert answer.status == 200 and answer.title.startswith("#115 ")
    text = answer.all_text()
    assert "Aiko Tanaka" in text and "watanabe@abc-corp.com" in text
    assert "due in 40 min" in text  # relative, in the reader's zone
    labels = [b["label"] for b in answer.buttons]
    assert labels == ["Status", "Assign", "Reply", "Comment", "Post here"]
    assert (await deskbot.chat().command("ticket", "#115")).title == answer.title


async def test_my_latest_and_a_customers_latest(deskbot: Deskbot) -> None:
    mine = await deskbot.chat().command("ticket")
    assert mine.title == "My latest tickets" and len(mine.buttons) == 4  # 3 tickets + Post here
    customer = await deskbot.chat().command("ticket", "watanabe@abc-corp.com")
    assert customer.title == "Latest tickets of watanabe@abc-corp.com"
    opened = await deskbot.chat().click(customer.buttons[0])
    assert opened.title.startswith(customer.buttons[0]["label"] + " ")


@pytest.mark.parametrize(
    ("argument", "problem"),
    [
        ("0", "start at 1"),
        ("abc", "neither a ticket number"),
        ("a@", "not a complete e-mail"),
        ("x" * 200, "200 characters"),
        ("日本語のチケット", "neither a ticket number"),
    ],
)
async def test_bad_ticket_arguments_get_the_usage_card(
    deskbot: Deskbot, argument: str, problem: str
) -> None:
    answer = await deskbot.chat().command("ticket", argument)
    assert problem in answer.text and "/ticket [number | customer e-mail]" in answer.text


async def test_missing_ticket_and_customer_without_tickets(deskbot: Deskbot) -> None:
    assert "no ticket #99999" in (await deskbot.chat().command("ticket", "99999")).text
    answer = await deskbot.chat().command("ticket", "nobody@nowhere.example")
    assert "has no tickets" in answer.text


async def test_a_cliq_user_with_no_desk_agent_is_told_so(deskbot: Deskbot) -> None:
    answer = await deskbot.chat("stranger").command("ticket")
    assert answer.title == "Not a Desk agent" and "stranger@elsewhere.example" in answer.text


async def test_post_here_in_the_bot_chat_posts_as_the_bot_to_that_person_once(
    deskbot: Deskbot,
) -> None:
    chat = deskbot.chat()
    answer = await chat.command("ticket", "115")
    banner = await chat.click("Post here")
    assert banner.output["text"] == "Posted to your chat with the bot."
    await chat.click(answer.button("Post here"))  # pressed twice: still one post
    await deskbot.deliver()
    [posted] = deskbot.cliq_messages
    assert (posted["target_kind"], posted["target"]) == ("user", "agent@example.com")
    assert posted["sender"] == "deskbot" and posted["chat_id"] == chat.chat["id"]
    assert posted["body"]["card"]["title"] == answer.title
    assert [b["label"] for b in posted["body"]["buttons"]] == [
        "Status",
        "Assign",
        "Reply",
        "Comment",
    ]


async def test_post_here_in_a_channel_posts_as_the_bot_not_as_the_token_owner(
    deskbot: Deskbot,
) -> None:
    sandbox = deskbot.parts.sandboxes
    assert sandbox is not None
    channel = sandbox.cliq.add_channel("Support", bots=["deskbot"], members=["agent@example.com"])
    chat = deskbot.chat(
        id=channel["chat_id"], type="channel", channel_unique_name="support", title="#Support"
    )
    await chat.command("ticket", "115")
    assert (await chat.click("Post here")).output["text"] == "Posted to #support."
    [posted] = deskbot.cliq_messages
    assert (posted["target_kind"], posted["target"], posted["sender"]) == (
        "channel",
        "support",
        "deskbot",
    )


async def test_post_here_where_the_bot_is_not_a_member_says_so_and_works_once_added(
    deskbot: Deskbot,
) -> None:
    sandbox = deskbot.parts.sandboxes
    assert sandbox is not None
    channel = sandbox.cliq.add_channel("Sales", members=["agent@example.com"])
    chat = deskbot.chat(
        id=channel["chat_id"], type="channel", channel_unique_name="sales", title="#Sales"
    )
    answer = await chat.command("ticket", "115")
    refused = await chat.click("Post here")
    assert refused.kind in ("banner", "message")  # longer than a banner holds: a message
    assert "the bot is not a member of #sales" in refused.output["text"]
    assert deskbot.cliq_messages == []
    sandbox.cliq.add_channel("Sales", bots=["deskbot"])
    again = await chat.click(answer.button("Post here"))
    assert again.output["text"] == "Posted to #sales."
    assert [m["target"] for m in deskbot.cliq_messages] == ["sales"]


@pytest.mark.parametrize(
    ("kind", "named"),
    [("dm", "a direct chat"), ("chat", "a group chat"), ("thread", "a thread"), ("", "this kind")],
)
async def test_post_here_where_a_bot_cannot_post_says_why_and_queues_nothing(
    deskbot: Deskbot, kind: str, named: str
) -> None:
    chat = deskbot.chat(id="CT_2200_55500001", type=kind, title="Aiko, Ada")
    await chat.command("ticket", "115")
    refused = await chat.click("Post here")
    assert refused.kind in ("banner", "message")  # longer than a banner holds: a message
    assert f"The bot can't post in {named}" in refused.output["text"]
    assert await deskbot.parts.outbox.counts() == dict.fromkeys(
        ("delivered", "dead", "waiting", "rerouted"), 0
    )


async def test_post_here_while_cliq_is_down_never_says_posted(deskbot: Deskbot) -> None:
    sandbox = deskbot.parts.sandboxes
    assert sandbox is not None
    chat = deskbot.chat()
    await chat.command("ticket", "115")
    sandbox.cliq.fail("503", 10)  # down for every attempt the client makes in this click
    banner = await chat.click("Post here")
    assert banner.kind in ("banner", "message")  # longer than a banner holds: a message
    assert banner.output["text"].startswith("Not posted yet: Cliq 503 service_unavailable")
    assert deskbot.cliq_messages == []
    sandbox.cliq.faults.clear()  # Cliq is back
    deskbot.clock.advance(minutes=5)
    await deskbot.deliver()
    assert [m["target"] for m in deskbot.cliq_messages] == ["agent@example.com"]


@pytest.mark.parametrize(
    ("word", "title"),
    [
        ("Overdue Tickets", "Overdue tickets"),
        ("due  today", "Due today"),
        ("OPEN TICKETS", "Open tickets"),
    ],
)
async def test_keywords_and_menu_actions(deskbot: Deskbot, word: str, title: str) -> None:
    answer = await deskbot.chat().say(word)
    assert answer.title == title
    sub_action = " ".join(w.capitalize() for w in word.split())
    menu = await deskbot.chat().menu("Tickets", sub_action)
    assert menu.title == title


async def test_overdue_tickets_are_overdue(deskbot: Deskbot) -> None:
    answer = await deskbot.chat().say("Overdue Tickets")
    assert answer.text.count("overdue by") == 3


async def test_ticket_suggestions(deskbot: Deskbot) -> None:
    answer = await deskbot.chat().suggest("ticket", "1")
    titles = [s["title"] for s in answer.output]
    assert titles and all(t.startswith("#1") for t in titles)


async def test_pending_tickets_per_department(deskbot: Deskbot) -> None:
    answer = await deskbot.chat().command("pendingtickets")
    [table] = answer.slides
    assert table["data"]["headers"] == ["Department", "Open", "On hold", "Overdue", "Unassigned"]
    assert [r["Department"] for r in table["data"]["rows"]] == ["Support", "Japan Support"]
    single = await deskbot.chat("light").command("pendingtickets")
    assert [r["Department"] for r in single.slides[0]["data"]["rows"]] == ["Support"]


async def test_desk_status_all_and_each_section(deskbot: Deskbot) -> None:
    everything = await deskbot.chat().command("deskstatus")
    text = everything.all_text()
    assert "New" in text and "Closed" in text and "Happiness" in text and "Top agents" in text
    top = await deskbot.chat().command("deskstatus", "TOP")
    assert "Top agents" in top.all_text() and "Happiness" not in top.all_text()
    bad = await deskbot.chat().command("deskstatus", "nonsense")
    assert "not a view; choose one of: new, closed, happiness, top" in bad.text


async def test_a_commands_fixed_words_forgive_full_width(deskbot: Deskbot) -> None:
    """A view or option word typed in full width (a Japanese input method) reads as typed in
    ASCII, as command names and ticket numbers do; a wrong one is still named."""
    for word, shows in (
        ("ＴＯＰ", "Top agents"),
        ("ｈａｐｐｉｎｅｓｓ", "Happiness"),
        ("ｎｅｗ", "New"),
    ):
        answer = await deskbot.chat().command("deskstatus", word)
        assert shows in answer.all_text() and "not a view" not in answer.all_text(), word
    bad = await deskbot.chat().command("deskstatus", "ｔｏｐｓ")
    assert "“tops” is not a view" in bad.text


async def test_open_tickets_come_from_desks_own_status_list(deskbot: Deskbot) -> None:
    """ "Open" means every status whose statusType is Open in Desk's `/organizationFields`
    (custom ones included), not a list of names written in our code."""
    sandbox = deskbot.parts.sandboxes
    assert sandbox is not None
    base = sandbox.urls["desk"]
    session = deskbot.client.session
    deskbot.clock.advance(minutes=1)
    async with session.post(
        f"{base}/sandbox/tickets",
        json={"subject": "Kettle sings off-key", "actor": "admin@example.com"},
    ) as response:
        number = (await response.json())["ticketNumber"]
    async with session.patch(
        f"{base}/sandbox/tickets/{number}",
        json={"actor": "admin@example.com", "status": "In Progress"},
    ) as response:
        assert response.status == 200
    answer = await deskbot.chat().say("Open Tickets")
    assert "Kettle sings off-key" in answer.text


async def test_post_here_at_cliqs_posting_limit_says_so_and_posts_when_its_turn_comes(
    deskbot: Deskbot,
) -> None:
    sandbox = deskbot.parts.sandboxes
    assert sandbox is not None
    channel = sandbox.cliq.add_channel("Support", bots=["deskbot"], members=["agent@example.com"])
    pace = deskbot.parts.config.notifications.posts_per_minute
    for number in range(pace):
        await deskbot.parts.sender.queue(
            "channel", "support", {"text": f"n{number}"}, dedupe_key=f"busy:{number}"
        )
    await deskbot.deliver()
    chat = deskbot.chat(
        id=channel["chat_id"], type="channel", channel_unique_name="support", title="#Support"
    )
    await chat.command("ticket", "115")
    answer = await chat.click("Post here")
    assert "Not posted yet: the bot is posting at Cliq's limit of 50" in answer.text
    assert len(deskbot.cliq_messages) == pace
    deskbot.clock.advance(minutes=1)
    await deskbot.deliver()
    assert deskbot.cliq_messages[-1]["body"]["card"]["title"].startswith("#115")


@pytest.mark.parametrize(
    ("command", "args"),
    [("ticket", "１１５"), ("ｔｉｃｋｅｔ", "＃１１５"), ("ticket", " #１１５ ")],
)
async def test_full_width_input_is_understood(deskbot: Deskbot, command: str, args: str) -> None:
    """Japanese input methods type full-width letters and digits: read as their ASCII forms."""
    answer = await deskbot.chat().command(command, args)
    assert "#115" in answer.all_text(), answer.text


async def test_a_full_width_keyword_is_understood(deskbot: Deskbot) -> None:
    answer = await deskbot.chat().say("ｐｉｎｇ")
    assert answer.text.startswith("pong"), answer.text
