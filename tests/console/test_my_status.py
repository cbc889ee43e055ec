"""`/console/` my status (issue 15 item 1, SPEC A5, A9): the current status, the Online timer's
start, a button for every move allowed now, today's and this week's time; a move made here
shows in chat at once and a move made in chat shows here (the same service, no second copy)."""

from __future__ import annotations

import re

from tests.console.conftest import Console, signed_in_as
from tests.deskbot.conftest import Deskbot

AGENT = "agent@example.com"
MOVES = re.compile(r'name="status" value="(\d+)">\s*<button[^>]*>([^<]+)<')


def moves(page: str) -> dict[str, str]:
    """Each move button's status name → id."""
    return {name.strip(): status for status, name in MOVES.findall(page)}


async def move(console: Console, page: str, name: str) -> str:
    answer = await console.post(
        "/console/status", {"csrf": await console.csrf(), "status": moves(page)[name]}
    )
    assert answer.status == 303 and answer.headers["Location"] == "/console/?moved=1"
    return await (await console.get(answer.headers["Location"])).text()


async def test_a_move_here_shows_in_chat_and_a_move_in_chat_shows_here(deskbot: Deskbot) -> None:
    console = await signed_in_as(deskbot, AGENT)
    page = await (await console.get("/console/")).text()
    assert "You are <strong" in page and "Check Out</strong>" in page
    assert set(moves(page)) == {"Check In"}
    page = await move(console, page, "Check In")
    assert "Done: you are Check In now." in page
    chat = deskbot.chat("agent")
    assert "You are *Check In*" in (await chat.command("attendance")).text
    # the other way: a break taken in chat is the console's state at the next load
    assert "Short Break" in (await chat.command("break", "short")).text
    page = await (await console.get("/console/")).text()
    assert "Short Break</strong>" in page and 'data-running="no"' in page
    assert "Check In" in moves(page) and "Check Out" in moves(page)


async def test_every_status_is_reachable_and_the_timer_runs_only_online(
    deskbot: Deskbot,
) -> None:
    tracker = deskbot.parts.attendance
    for number in range(1, 9):  # more than a Cliq card's five buttons
        await tracker.add_status(f"Project {number}", "online" if number % 2 else "offline")
    console = await signed_in_as(deskbot, AGENT)
    page = await move(console, await (await console.get("/console/")).text(), "Check In")
    offered = moves(page)
    allowed = (await tracker.status(AGENT)).allowed
    assert set(offered) == {s.name for s in allowed} and len(offered) >= 10
    deskbot.clock.advance(minutes=30)
    page = await (await console.get("/console/")).text()
    assert 'data-worked-ms="1800000" data-running="yes"' in page
    page = await move(console, page, "Project 2")  # Offline: the timer stops
    deskbot.clock.advance(minutes=20)
    page = await (await console.get("/console/")).text()
    assert 'data-worked-ms="1800000" data-running="no"' in page
    assert "Project 2</strong>" in page and "(Offline)" in page
    page = await move(console, page, "Project 3")  # Online again
    deskbot.clock.advance(minutes=10)
    page = await (await console.get("/console/")).text()
    assert 'data-worked-ms="2400000" data-running="yes"' in page
    assert re.search(r"<dt>Today</dt><dd>40 min</dd>", page)
    assert re.search(r"<dt>This week</dt><dd>40 min</dd>", page)


async def test_a_move_the_state_machine_refuses_is_explained_and_nothing_moves(
    deskbot: Deskbot,
) -> None:
    console = await signed_in_as(deskbot, AGENT)
    page = await (await console.get("/console/")).text()
    short_break = str((await deskbot.parts.attendance.book.get("Short Break")).id)
    refused = await console.post(
        "/console/status", {"csrf": await console.csrf(), "status": short_break}
    )
    text = await refused.text()
    assert refused.status == 409 and "Check In" in moves(text)
    assert (await deskbot.parts.attendance.status(AGENT)).status.name == "Check Out"
    for junk in ("", "x", "-1", "1" * 30, "１"):
        answer = await console.post(
            "/console/status", {"csrf": await console.csrf(), "status": junk}
        )
        assert answer.status in (400, 404, 409), junk
        assert answer.content_type == "text/html"
    assert page


async def test_an_unknown_status_id_is_a_page_not_a_500(deskbot: Deskbot) -> None:
    console = await signed_in_as(deskbot, AGENT)
    answer = await console.post("/console/status", {"csrf": await console.csrf(), "status": "999"})
    assert answer.status in (400, 404, 409) and answer.content_type == "text/html"


async def test_the_pages_script_reads_the_state_a_chat_move_changed(deskbot: Deskbot) -> None:
    console = await signed_in_as(deskbot, AGENT)
    polled = await console.get("/console/status.json", headers={"Accept": "application/json"})
    assert polled.status == 200 and polled.headers["Cache-Control"] == "no-store"
    assert await polled.json() == {
        "status_id": 2,
        "status": "Check Out",
        "running": False,
        "worked_ms": 0,
    }
    await deskbot.chat("agent").command("checkin")
    deskbot.clock.advance(minutes=5)
    state = await (await console.get("/console/status.json")).json()
    assert state["status"] == "Check In" and state["running"] and state["worked_ms"] == 300_000
    # signed out, a script's read is refused (401), not sent to Zoho's sign-in
    await console.post("/console/logout", {"csrf": await console.csrf()})
    gone = await console.get("/console/status.json", headers={"Accept": "application/json"})
    assert gone.status == 401
    page = await console.get("/console/")
    assert page.status == 302 and page.headers["Location"].startswith("/console/login")
