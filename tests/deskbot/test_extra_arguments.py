"""Issue 11 item 9: words a command does not take are never silently ignored; the person gets
the command's usage card naming what was extra, and nothing is done."""

from __future__ import annotations

import pytest

from bot.app import routers
from tests.deskbot.conftest import Deskbot


@pytest.mark.parametrize(
    ("who", "name", "args", "extra"),
    [
        ("agent", "pendingtickets", "foo", "/pendingtickets takes nothing more: “foo” is extra."),
        ("agent", "checkin", "now", "/checkin takes nothing more: “now” is extra."),
        ("agent", "checkout", "now please", "/checkout takes nothing more: “now please” is extra."),
        ("agent", "help", "me", "/help takes nothing more: “me” is extra."),
        ("agent", "break", "meal now", "/break takes at most 1 word: “now” is extra."),
        ("agent", "deskstatus", "new today", "/deskstatus takes at most 1 word: “today” is extra."),
        ("agent", "deskbot", "connect me", "/deskbot connect takes nothing more: “me” is extra."),
        ("agent", "deskbot", "disconnect now", "/deskbot disconnect takes nothing more"),
        (
            "admin",
            "deskbot",
            "channels all",
            "/deskbot channels takes nothing more: “all” is extra.",
        ),
        ("agent", "deskbot", "reconnect", "“reconnect” is not something /deskbot does."),
        ("agent", "attendance", "today", "“today” is not an attendance command or status."),
        (
            "admin",
            "attendance",
            "purge now",
            "/attendance purge takes nothing more: “now” is extra.",
        ),
        # an agent's name may have spaces: a word past it that names no one is said, with the
        # sub-command's usage
        (
            "admin",
            "attendance",
            "checkout Aiko Tanaka x",
            "No Desk agent “x”. Usage: /attendance checkout",
        ),
        (
            "admin",
            "attendance",
            "status Ada Admin you",
            "No Desk agent “you”. Usage: /attendance status",
        ),
    ],
)
async def test_extra_words_get_the_usage_card(
    deskbot: Deskbot, who: str, name: str, args: str, extra: str
) -> None:
    await deskbot.connect(f"{who}@example.com")
    answer = await deskbot.chat(who).command(name, args)
    assert answer.kind == "message" and extra in answer.text, answer.output
    usage = next(c.usage for r in routers() for c in r.commands if c.name == name)
    assert f"Usage: {usage}" in answer.text or "Usage:" in answer.text


async def test_nothing_is_done_for_a_command_with_extra_words(deskbot: Deskbot) -> None:
    """The issue's examples did their job and dropped the rest; now they do nothing."""
    await deskbot.connect("agent@example.com")
    chat = deskbot.chat("agent")
    await chat.command("checkin", "now")
    state = await deskbot.parts.attendance.status("agent@example.com", tz="UTC")
    assert state.status.name != "Check In"
    await chat.command("deskbot", "disconnect now")
    assert await deskbot.parts.connections.refresh_token("agent@example.com")
    purge = await deskbot.chat("admin").command("attendance", "purge now")
    assert not purge.buttons  # no "Delete everything" to press


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("pendingtickets", ""),
        ("checkin", ""),
        ("break", "meal"),
        ("deskstatus", "new"),
        ("deskbot", "connect"),
        ("attendance", ""),
        ("attendance", "week"),
        ("help", "   "),
    ],
)
async def test_the_words_a_command_takes_still_work(deskbot: Deskbot, name: str, args: str) -> None:
    answer = await deskbot.chat("agent").command(name, args)
    assert "is extra" not in answer.text and "is not something" not in answer.text
    assert "Usage:" not in answer.text, answer.output


def test_every_command_declares_what_it_takes() -> None:
    """Declared once, on the decorator; /ticket's one argument is read by a parser that refuses
    anything else (tests/deskbot/test_ticket_commands.py)."""
    undeclared = [c.name for r in routers() for c in r.commands if c.takes is None]
    assert undeclared == ["ticket"]
