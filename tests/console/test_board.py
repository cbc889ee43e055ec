"""`/console/board` (issue 15, SPEC A6, A9): the chat's board in the browser — a column per status,
a card per agent with the time since the change, its refresh fragment, and an admin check-out
after a confirmation that tells the agent by the same DM as the chat's check-out. Admins only."""

from __future__ import annotations

import re

import pytest

from tests.console.conftest import Console, signed_in_as
from tests.deskbot.conftest import Deskbot

AGENT = "agent@example.com"
ADMIN = "admin@example.com"
COLUMN = re.compile(r'<h2 id="column-(\d+)">([^<]+?) <span class="count">\((\d+)\)</span></h2>')


def columns(page: str) -> dict[str, list[str]]:
    """Each column's status name → the names on its cards, in order."""
    found: dict[str, list[str]] = {}
    parts = re.split(r'(?=<section class="column)', page)
    for part in parts[1:]:
        head = COLUMN.search(part)
        assert head, part[:300]
        names = re.findall(r'class="who"[^>]*>([^<]+)<', part)
        assert len(names) == int(head.group(3))
        found[head.group(2)] = names
    return found


def agent_id(deskbot: Deskbot, email: str) -> str:
    assert deskbot.parts.sandboxes is not None
    record = deskbot.parts.sandboxes.desk.agent_by_email(email)
    assert record is not None
    return str(record["id"])


@pytest.mark.parametrize("path", ["/console/board", "/console/board/columns"])
async def test_an_agent_is_refused_the_board(deskbot: Deskbot, path: str) -> None:
    agent = await signed_in_as(deskbot, AGENT)
    refused = await agent.get(path)
    assert refused.status == 403
    page = await refused.text()
    assert "Only admins can do that." in page and "column-" not in page
    assert 'href="/console/board"' not in await (await agent.get("/console/")).text()


async def test_a_move_in_chat_shows_on_the_board_with_the_time_since(deskbot: Deskbot) -> None:
    admin = await signed_in_as(deskbot, ADMIN)
    page = await (await admin.get("/console/board")).text()
    before = columns(page)
    assert "Aiko Tanaka" in before["Check Out"]
    assert all("Lee Light" not in names for names in before.values())  # light: no attendance
    assert "not checked in yet" in page
    await deskbot.chat("agent").command("checkin")
    deskbot.clock.advance(minutes=65)
    page = await (await admin.get("/console/board/columns")).text()
    assert "<html" not in page  # the fragment alone, for the page's refresh
    after = columns(page)
    assert after["Check In"] == ["Aiko Tanaka"]
    assert "Aiko Tanaka" not in after["Check Out"]
    card = page[page.index("Aiko Tanaka") :][:600]
    assert "1 h 5 min" in card and "since 01:00" in card  # the viewer's zone: UTC here
    assert f'href="/console/agents/{agent_id(deskbot, AGENT)}"' in page
    assert f'href="/console/board/checkout/{agent_id(deskbot, AGENT)}"' in page


async def test_times_on_the_board_are_in_the_viewers_zone(deskbot: Deskbot) -> None:
    await deskbot.parts.zones.remember(ADMIN, "Asia/Tokyo")
    await deskbot.chat("agent").command("checkin")
    admin = await signed_in_as(deskbot, ADMIN)
    page = await (await admin.get("/console/board")).text()
    assert "since 10:00" in page and "times in Asia/Tokyo" in page  # 01:00 UTC


async def checkout_via_board(admin: Console, deskbot: Deskbot, email: str) -> str:
    """Open the confirmation, then confirm it; the page the confirmation answers with."""
    path = f"/console/board/checkout/{agent_id(deskbot, email)}"
    confirm = await admin.get(path)
    assert confirm.status == 200
    text = await confirm.text()
    assert "They will be told by DM." in text and 'method="post"' in text
    answer = await admin.post(path, {"csrf": await admin.csrf()})
    assert answer.status == 303, await answer.text()  # post/redirect/get: a reload is a GET
    assert answer.headers["Location"].startswith("/console/board?done=")
    shown = await admin.get(answer.headers["Location"])
    assert shown.status == 200
    return await shown.text()


async def test_checking_an_agent_out_tells_them_by_the_chats_dm(deskbot: Deskbot) -> None:
    deskbot.subscribe(AGENT)
    await deskbot.chat("agent").command("checkin")
    deskbot.clock.advance(minutes=30)
    admin = await signed_in_as(deskbot, ADMIN)
    page = await checkout_via_board(admin, deskbot, AGENT)
    assert "Aiko Tanaka is checked out (by you, at 01:30). They are told by DM." in page
    assert "Aiko Tanaka" in columns(page)["Check Out"]
    state = await deskbot.parts.attendance.status(AGENT)
    assert not state.checked_in
    await deskbot.deliver()
    dms = [m for m in deskbot.cliq_messages if m["target"] == AGENT]
    assert len(dms) == 1 and "Ada" in dms[0]["body"]["text"]
    # the same DM the chat's check-out sends: same notice, same text
    await deskbot.chat("agent").command("checkin")
    await deskbot.chat("admin").command("attendance", f"checkout {AGENT}")
    await deskbot.deliver()
    chat_dm = [m for m in deskbot.cliq_messages if m["target"] == AGENT][-1]
    assert chat_dm["body"]["text"].replace("01:30", "") == dms[0]["body"]["text"].replace(
        "01:30", ""
    )


async def test_an_agent_already_out_is_said_to_be_and_nothing_is_stored(deskbot: Deskbot) -> None:
    await deskbot.chat("agent").command("checkin")
    admin = await signed_in_as(deskbot, ADMIN)
    path = f"/console/board/checkout/{agent_id(deskbot, AGENT)}"
    csrf = await admin.csrf()
    await deskbot.chat("agent").command("checkout")  # between the confirmation and the click
    answer = await admin.post(path, {"csrf": csrf})
    assert answer.status == 409
    assert "Aiko Tanaka is already checked out (since 01:00)." in await answer.text()
    events = await deskbot.parts.attendance.log.events(AGENT)
    assert [e.actor for e in events] == [AGENT, AGENT]


async def test_a_check_out_without_the_csrf_token_changes_nothing(deskbot: Deskbot) -> None:
    await deskbot.chat("agent").command("checkin")
    admin = await signed_in_as(deskbot, ADMIN)
    path = f"/console/board/checkout/{agent_id(deskbot, AGENT)}"
    for forged in ({}, {"csrf": "forged"}):
        answer = await admin.post(path, forged)
        assert answer.status == 403
    assert (await deskbot.parts.attendance.status(AGENT)).checked_in


async def test_an_agent_cannot_check_anyone_out(deskbot: Deskbot) -> None:
    await deskbot.chat("admin").command("checkin")
    agent = await signed_in_as(deskbot, AGENT)
    path = f"/console/board/checkout/{agent_id(deskbot, ADMIN)}"
    assert (await agent.get(path)).status == 403
    assert (await agent.post(path, {"csrf": await agent.csrf()})).status == 403
    assert (await deskbot.parts.attendance.status(ADMIN)).checked_in


@pytest.mark.parametrize("wanted", ["999999", "x" * 50, "..%2F..%2Fetc"])
async def test_an_unknown_agent_is_a_page_saying_so(deskbot: Deskbot, wanted: str) -> None:
    admin = await signed_in_as(deskbot, ADMIN)
    answer = await admin.get(f"/console/board/checkout/{wanted}")
    assert answer.status == 404
    assert "There is no such agent on the board" in await answer.text()


@pytest.mark.parametrize("before", [[], ["checkin", "checkout"], ["checkin", "break meal"]])
async def test_an_admin_checking_herself_out_is_answered_as_for_anyone(
    deskbot: Deskbot, before: list[str]
) -> None:
    """Her own card: the confirmation says she checks herself out (no DM); done, a 303 to the
    board saying so; not checked in (a double click, or never), 409 saying since when."""
    for words in before:  # her chat remembers her zone, Asia/Tokyo (UTC+9)
        await deskbot.chat("admin").command(*words.split(" ", 1))
    deskbot.clock.advance(minutes=10)
    admin = await signed_in_as(deskbot, ADMIN)
    path = f"/console/board/checkout/{agent_id(deskbot, ADMIN)}"
    csrf = await admin.csrf()
    if before and before[-1] != "checkout":
        confirm = await (await admin.get(path)).text()
        assert "You are checking yourself out" in confirm and "by DM" not in confirm
        assert "Check myself out" in confirm
        done = await admin.post(path, {"csrf": csrf})
        assert done.status == 303
        page = await (await admin.get(done.headers["Location"])).text()
        assert "You are checked out (at 10:10)." in page and "by DM" not in page
    events = await deskbot.parts.attendance.log.events(ADMIN)
    for _ in range(2):  # a double click
        again = await admin.post(path, {"csrf": csrf})
        assert again.status == 409, await again.text()
        said = (
            "You are not checked in (never checked in)."
            if not before
            else ("You are already checked out (since 10:")
        )
        text = await again.text()
        assert said in text, text[text.find("<main") :][:1500]
    assert await deskbot.parts.attendance.log.events(ADMIN) == events
    # the chat's /attendance checkout gives the same refusal, by the same service
    chat = await deskbot.chat("admin").command("attendance", f"checkout {ADMIN}")
    assert chat.kind == "banner" and (
        "not checked in" in chat.output["text"] or "already checked out" in chat.output["text"]
    )


async def test_the_board_after_a_check_out_says_only_the_viewers_own_check_outs(
    deskbot: Deskbot,
) -> None:
    await deskbot.chat("agent").command("checkin")
    await deskbot.chat("agent").command("checkout")  # the agent's own event, not the admin's
    admin = await signed_in_as(deskbot, ADMIN)
    [_, own] = await deskbot.parts.attendance.log.events(AGENT)
    for done in (str(own.id), "999999", "x", "9" * 40, ""):
        page = await (await admin.get(f"/console/board?done={done}")).text()
        assert 'class="notice"' not in page


@pytest.mark.parametrize("page", ["99", "2", "0", "x"])
async def test_a_board_page_that_does_not_exist_is_said_not_ignored(
    deskbot: Deskbot, page: str
) -> None:
    admin = await signed_in_as(deskbot, "admin@example.com")
    shown = await (await admin.get(f"/console/board?page={page}")).text()
    assert f"There is no page {page}: this board shows every agent on one page." in shown
    plain = await (await admin.get("/console/board?page=1")).text()
    assert "There is no page" not in plain


async def test_the_chat_board_past_its_last_page_says_so(deskbot: Deskbot) -> None:
    answer = await deskbot.chat("admin").command("attendance", "board 99")
    assert answer.text.startswith("There is no page 99: the board has 1 page, shown here.")
    ja = await deskbot.chat("admin", language="ja").command("attendance", "board 5")
    assert "5ページ目はありません" in ja.text, ja.text
