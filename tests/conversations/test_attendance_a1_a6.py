"""SPEC A1-A6 and A9, as people live them in Cliq: the words they type, the buttons they press,
and what they read back. The real app, its sandbox Desk and Cliq (whose reply rules refuse what
Cliq would), and the frozen clock."""

from __future__ import annotations

import re

import pytest

from bot.testing import Answer, Conversation
from tests.conversations.attendance_world import add_desk_agents, person
from tests.deskbot.conftest import PEOPLE, Deskbot

OFFLINE = ["Training", "Team meeting", "Off-site training"]
ONLINE = ["Client visit", "Chat duty"]


async def add_statuses(admin: Conversation, count: int) -> list[str]:
    """`count` custom statuses added by the admin in chat, Online and Offline mixed."""
    names = []
    for n in range(count):
        name = f"Custom {n + 1}" if n >= 5 else (OFFLINE + ONLINE)[n]
        kind = "online" if n % 2 else "offline"
        answer = await admin.command("attendance", f"statuses add {name} {kind}")
        assert answer.output["text"] == f"Added {name} ({kind.title()}).", answer.output
        names.append(name)
    return names


async def reach(agent: Conversation, card: Answer, status: str) -> Answer:
    """Move to `status` from `card` the way a person would: its button if the card has one,
    else Change status and the select."""
    labels = [b["label"] for b in card.buttons]
    if status in labels:
        return await agent.click(status)
    assert "Change status" in labels, labels
    assert "*Change status*, or type a status's name" in card.text
    form = await agent.click("Change status")
    assert form.kind == "form" and form.output["title"] == "Change status"
    select = form.output["inputs"][0]  # then the hidden seal
    by_label = {o["label"]: o["value"] for o in select["options"]}
    [label] = [lab for lab in by_label if lab.rsplit(" (", 1)[0] == status]
    assert label.endswith(("(Online)", "(Offline)"))
    return await agent.submit({"status": by_label[label]})


@pytest.mark.parametrize("custom", [0, 3, 20])
async def test_a1_every_status_is_reachable_whatever_the_number(
    deskbot: Deskbot, custom: int
) -> None:
    admin, agent = deskbot.chat("admin"), deskbot.chat("agent")
    names = await add_statuses(admin, custom)
    everything = ["Check Out", "Meal Break", "Short Break", *names]
    card = await agent.command("checkin")
    assert "You are *Check In*" in card.text
    assert len(card.buttons) <= 5
    for status in everything:
        answer = await reach(agent, card, status)
        assert f"You are *{status}*" in answer.text, (status, answer.text)
        card = await agent.click("Check In")  # back to work, from wherever they are
        assert "You are *Check In*" in card.text


async def test_a1_a_status_can_be_typed_by_name(deskbot: Deskbot) -> None:
    admin, agent = deskbot.chat("admin"), deskbot.chat("agent")
    await add_statuses(admin, 20)
    await agent.command("checkin")
    typed = await agent.command("attendance", "  off-site   TRAINING ")
    assert "You are *Off-site training*" in typed.text
    said = await agent.say("custom 17")
    assert "You are *Custom 17*" in said.text
    full_width = await agent.say("Ｃｕｓｔｏｍ　１８")
    assert "You are *Custom 18*" in full_width.text


async def test_a1_an_unknown_status_name_gets_the_list_of_statuses(deskbot: Deskbot) -> None:
    admin, agent = deskbot.chat("admin"), deskbot.chat("agent")
    await add_statuses(admin, 3)
    answer = await agent.command("attendance", "Team meetings")
    assert "“Team meetings” is not an attendance command or status" in answer.text
    assert "Statuses: Check In (Online), Check Out (Offline), Meal Break (Offline)" in answer.text
    assert "Team meeting (Online), Off-site training (Offline)." in answer.text
    assert "Usage: /attendance" in answer.text
    chat = await agent.say("Team meetings")  # in the bot's chat: the bot's usual answer
    assert "I don't know “Team meetings”" in chat.text


async def test_a1_a_refused_move_says_why_and_what_is_allowed(deskbot: Deskbot) -> None:
    agent = deskbot.chat("agent")
    answer = await agent.say("training")  # not a status yet: the usual answer
    assert "I don't know" in answer.text
    await deskbot.chat("admin").command("attendance", "statuses add Training offline")
    before = await agent.say("Training")
    assert "Check in first: Training is only possible while checked in." in before.text
    assert [b["label"] for b in before.buttons] == ["Check In"]


async def test_a2_only_online_statuses_count_as_worked_time(deskbot: Deskbot) -> None:
    admin, agent = deskbot.chat("admin"), deskbot.chat("agent")
    await admin.command("attendance", "statuses add Client visit online")
    await admin.command("attendance", "statuses add Training offline")
    await agent.command("checkin")
    deskbot.clock.advance(hours=1)
    await agent.say("client visit")
    deskbot.clock.advance(hours=1)
    await agent.say("training")
    deskbot.clock.advance(hours=1)
    mine = await agent.command("attendance")
    assert "You are *Training*" in mine.text and "Worked today: 2 h." in mine.text


async def test_a3_the_24_hour_rule_checks_out_and_tells_the_agent_once(
    deskbot: Deskbot,
) -> None:
    agent = deskbot.chat("agent")  # Cliq says Aiko is in Asia/Tokyo
    await agent.command("checkin")  # Mon 2 Mar 10:00 in Tokyo
    deskbot.clock.advance(hours=30)
    for _ in range(2):
        await deskbot.parts.attendance.sweep()
        await agent.command("attendance")
        await deskbot.deliver()
    [dm] = deskbot.parts.sandboxes.cliq.to("user", "agent@example.com")
    text = dm["body"]["text"]
    assert dm["body"]["card"]["title"] == "Checked out automatically"
    assert text.startswith("Hello Aiko Tanaka,")
    assert "checked out automatically at *Tue 3 Mar 10:00 JST*" in text
    assert "you checked in on Mon 2 Mar 10:00 JST" in text
    assert "ask an admin to correct your check-out time" in text
    mine = await agent.command("attendance")
    assert "You are *Check Out*" in mine.text


async def test_a4_light_agents_are_refused_clearly(deskbot: Deskbot) -> None:
    light = deskbot.chat("light")
    answer = await light.say("check in")
    assert answer.kind == "banner" and "not available to light agents" in answer.output["text"]


async def test_a5_my_status_and_todays_time(deskbot: Deskbot) -> None:
    agent = deskbot.chat("agent")
    first = await agent.command("attendance")
    assert "You are *Check Out*" in first.text and "Worked today: 0 min." in first.text
    await agent.say("check in")
    deskbot.clock.advance(minutes=95)
    mine = await agent.command("attendance")
    assert "You are *Check In* since 10:00" in mine.text
    assert "Worked today: 1 h 35 min." in mine.text
    assert "Automatic check-out at Tue 3 Mar 10:00." in mine.text


def columns(answer: Answer) -> dict[str, tuple[int, list[str]]]:
    """Board slide title → (the count it shows, the names it lists) for one page."""
    found = {}
    for slide in answer.slides:
        match = re.fullmatch(r"(.+) \(([\d,]+)\)(?:: [\d,]+–[\d,]+)?", slide["title"])
        assert match, slide["title"]
        names = [] if slide["data"] == ["-"] else slide["data"]
        found[match.group(1)] = (int(match.group(2).replace(",", "")), names)
    return found


async def every_page(admin: Conversation, first: Answer) -> list[Answer]:
    pages = [first]
    while "Next" in [b["label"] for b in pages[-1].buttons]:
        pages.append(await admin.click("Next"))
    return pages


async def test_a6_the_board_shows_everyone_by_name_and_counts_what_it_shows(
    deskbot: Deskbot,
) -> None:
    admin, agent = deskbot.chat("admin"), deskbot.chat("agent")
    await admin.command("attendance", "statuses add Training offline")
    await agent.command("checkin")
    await agent.say("Training")
    board = await admin.command("attendance", "board")
    shown = columns(board)
    assert shown["Training"] == (1, ["Aiko Tanaka (since 10:00)"])
    assert "Kenji Watanabe (not checked in yet)" in shown["Check Out"][1]  # never used it
    assert all(count == len(names) for count, names in shown.values())
    assert not any("Lee Light" in n for _, names in shown.values() for n in names)  # may not
    assert board.text.startswith("11 agents, 1 checked in, in 5 statuses.")


async def test_a6_an_admin_opens_an_agents_report_from_the_board(deskbot: Deskbot) -> None:
    admin, agent = deskbot.chat("admin"), deskbot.chat("agent")
    await agent.command("checkin")
    deskbot.clock.advance(hours=2)
    await admin.command("attendance", "board")
    form = await admin.click("Agent report")
    assert form.kind == "form"
    options = {o["label"]: o["value"] for o in form.output["inputs"][0]["options"]}
    report = await admin.submit({"agent": options["Aiko Tanaka: Check In"]})
    assert report.slides[0]["title"] == "Aiko Tanaka · 24 Feb – 2 Mar 2026"  # the last 7 days
    assert "2 h" in report.all_text()


async def test_a6_an_admin_checks_an_agent_out_after_confirming_and_the_agent_is_told(
    deskbot: Deskbot,
) -> None:
    admin = person(deskbot, "admin", timezone="Europe/London")
    agent = deskbot.chat("agent")  # in Asia/Tokyo
    await agent.command("checkin")
    deskbot.clock.advance(hours=8)
    await admin.command("attendance", "board")
    form = await admin.click("Check out…")
    options = {o["label"]: o["value"] for o in form.output["inputs"][0]["options"]}
    assert list(options) == ["Aiko Tanaka: Check In"]  # only who is checked in
    asked = await admin.submit({"agent": options["Aiko Tanaka: Check In"]})
    assert asked.title == "Check an agent out"
    assert asked.text == (
        "Check out *Aiko Tanaka*? They are in Check In since 01:00. They will be told by DM."
    )
    assert "You are *Check In*" in (await agent.command("attendance")).text  # not yet
    button = asked.button("Check out")
    done = await admin.click(button)
    assert done.output["text"] == (
        "Aiko Tanaka is checked out (by you, at 09:00). They are told by DM."
    )
    again = await admin.click(button)
    assert again.output["text"] == "Already done: that agent was checked out."
    repeat = await admin.command("attendance", "checkout agent@example.com")
    assert repeat.output["text"] == "Aiko Tanaka is already checked out (since 09:00)."
    assert "not checked in" not in repeat.output["text"].replace("already", "")
    await deskbot.deliver()
    [dm] = deskbot.parts.sandboxes.cliq.to("user", "agent@example.com")
    assert dm["body"]["card"]["title"] == "Checked out by an admin"
    assert dm["body"]["text"].startswith("Hello Aiko Tanaka,\n*Ada Admin* checked you out at")
    assert "*Mon 2 Mar 18:00 JST*" in dm["body"]["text"]  # the agent's zone, not the admin's
    assert deskbot.parts.sandboxes.cliq.to("user", "admin@example.com") == []
    mine = await agent.command("attendance")
    assert "You are *Check Out*" in mine.text


async def test_a6_the_board_at_a_thousand_agents_and_22_statuses(deskbot: Deskbot) -> None:
    emails = add_desk_agents(deskbot, 1000)
    admin = deskbot.chat("admin")
    customs = await add_statuses(admin, 18)
    statuses = ["Check In", "Check Out", "Meal Break", "Short Break", *customs]
    tracker = deskbot.parts.attendance
    for n, email in enumerate(emails[:700]):  # 300 never used attendance
        await tracker.check_in(email, name=f"Agent {n:04d}")
        where = statuses[n % len(statuses)]
        if where not in ("Check In", "Check Out"):
            await tracker.move(email, where)
        elif where == "Check Out":
            await tracker.check_out(email)
    first = await admin.command("attendance", "board")
    pages = await every_page(admin, first)
    seen: dict[str, list[str]] = {}
    counts: dict[str, int] = {}
    for page in pages:  # each page passed the sandbox Cliq's reply rules on its way
        assert len(page.slides) <= 20 and len(page.buttons) <= 5
        for title, (count, names) in columns(page).items():
            seen.setdefault(title, []).extend(names)
            counts[title] = count
    assert list(seen) == statuses  # every status a column, in order, none dropped
    assert all(counts[s] == len(seen[s]) for s in statuses)  # counts match what is shown
    shown = {
        re.sub(r" \((since .*|not checked in yet)\)$", "", n) for s in statuses for n in seen[s]
    }
    assert {f"Agent {n:04d}" for n in range(1000)} <= shown  # every agent reachable
    assert sum(counts.values()) == 1011  # and the org's own 11 agents who may use attendance
    assert first.text.startswith(f"1,011 agents, {700 - 700 // 22 - 1} checked in")
    assert "Page 1 of 11: agents 1–100 of 1,011, columns 1–2 of 22; 911 more" in first.text
    last = pages[-1]
    assert last.buttons[0]["label"] == "Previous"
    assert f"Page {len(pages)} of {len(pages)}" in last.text


async def test_a9_a_change_shows_at_once_on_the_board_and_in_reports(deskbot: Deskbot) -> None:
    admin, agent = deskbot.chat("admin"), deskbot.chat("agent")
    await agent.command("checkin")
    assert (
        "Aiko Tanaka (since 10:00)"
        in columns(await admin.command("attendance", "board"))["Check In"][1]
    )
    deskbot.clock.advance(minutes=30)
    await agent.say("short break")
    board = columns(await admin.command("attendance", "board"))
    assert board["Short Break"] == (1, ["Aiko Tanaka (since 10:30)"])
    assert board["Check In"][0] == 0
    report = await admin.command("attendance", "report agent@example.com 2026-03-02 2026-03-02")
    assert "· 30 min" in report.all_text()


async def test_a3_the_dm_is_in_the_zone_the_agents_cliq_last_told(deskbot: Deskbot) -> None:
    await deskbot.chat("agent").command("checkin")  # from Tokyo, 10:00
    deskbot.clock.advance(hours=2)
    await person(deskbot, "agent", timezone="Europe/London").command("attendance")  # travelled
    deskbot.clock.advance(hours=30)
    await deskbot.parts.attendance.sweep()
    await deskbot.deliver()
    [dm] = deskbot.parts.sandboxes.cliq.to("user", "agent@example.com")
    assert "checked out automatically at *Tue 3 Mar 01:00 UTC*" in dm["body"]["text"]


async def test_forms_take_only_what_they_offered(deskbot: Deskbot) -> None:
    admin, agent = deskbot.chat("admin"), deskbot.chat("agent")
    await add_statuses(admin, 6)
    await agent.command("checkin")
    form = await agent.click("Change status")
    for forged in ("1", "999", "abc"):  # Check In while in it, no such status, not a number
        refused = await agent.submit({"status": forged}, form=form.output)
        assert refused.kind == "form_error" and "status" in refused.output["inputs"]
    assert "You are *Check In*" in (await agent.command("attendance")).text
    await admin.command("attendance", "board")
    pick = await admin.click("Check out…")
    for forged in ("7", "-1"):
        refused = await admin.submit({"agent": forged}, form=pick.output)
        assert refused.kind == "form_error" and "agent" in refused.output["inputs"]
    other = await admin.submit({"agent": "0", "kept": "someone-elses"}, form=pick.output)
    assert other.kind == "banner" and "outdated" in other.output["text"]  # a hidden value: sealed
    assert "You are *Check In*" in (await agent.command("attendance")).text


async def test_a6_a_board_page_can_be_asked_for_by_number(deskbot: Deskbot) -> None:
    add_desk_agents(deskbot, 250)
    admin = deskbot.chat("admin")
    second = await admin.command("attendance", "board 2")
    assert "Page 2 of 3: agents 101–200 of 261" in second.text
    assert [b["label"] for b in second.buttons][:2] == ["Previous", "Next"]
    beyond = await admin.command("attendance", "board 99")  # the last page, not an error
    assert "Page 3 of 3: agents 201–261 of 261, columns 2–4 of 4." in beyond.text
    assert beyond.text.startswith("There is no page 99: the board has 3 pages; here is the last.")
    bad = await admin.command("attendance", "board two")
    assert "Usage: /attendance board [page number]" in bad.text


async def test_a6_an_agent_who_never_opened_the_bots_chat_still_hears_of_it(
    deskbot: Deskbot,
) -> None:
    """Cliq refuses a DM to someone who never opened the bot's chat: the notice goes to the org
    channel with an @mention, once, never a dead letter."""
    await deskbot.parts.installation.install(str(deskbot.client.make_url("")).rstrip("/"))
    await deskbot.parts.attendance.check_in("kenji@example.com", name="Kenji Watanabe")
    admin = deskbot.chat("admin")
    answer = await admin.command("attendance", "checkout kenji@example.com")
    assert answer.output["text"].startswith("Kenji Watanabe is checked out (by you, at")
    for _ in range(2):
        await deskbot.deliver()
    [posted] = [m for m in deskbot.cliq_messages if "checked you out" in str(m["body"])]
    assert (posted["target_kind"], posted["target"]) == ("channel", "desk")
    assert posted["body"]["text"].startswith("{@kenji@example.com} Hello Kenji Watanabe,")
    assert await deskbot.parts.outbox.dead_letters() == []


def full_width(text: str) -> str:
    """`text` as a Japanese input method in full-width mode types it ('week' → 'ｗｅｅｋ')."""
    return "".join(
        chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else "\u3000" if c == " " else c for c in text
    )


async def test_attendance_words_typed_in_full_width_read_as_ascii(deskbot: Deskbot) -> None:
    """Every attendance verb, break kind, status type and agent named in full width (as a
    Japanese input method types them) is read as its ASCII form: the same answer, not a usage
    card."""
    admin, agent = deskbot.chat("admin"), deskbot.chat("agent")
    await agent.command("checkin")
    agent_email = PEOPLE["agent"]["email"]
    for who, command, args in (
        (agent, "attendance", "week"),
        (agent, "attendance", "statuses"),
        (agent, "attendance", f"status {agent_email}"),
        (admin, "attendance", "board"),
        (admin, "attendance", f"status {agent_email}"),
    ):
        plain = await who.command(command, args)
        wide = await who.command(command, full_width(args))
        assert wide.text == plain.text, (args, wide.text)
        assert "Usage" not in wide.text and "not a" not in wide.text, (args, wide.text)
    broke = await agent.command("break", full_width("meal"))
    assert "You are *Meal Break*" in broke.text, broke.text
    added = await admin.command("attendance", "statuses add Drills " + full_width("online"))
    assert added.output["text"] == "Added Drills (Online).", added.output
