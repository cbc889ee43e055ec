"""Issue 11 item 7: every failure class we know of gets an answer the person can act on, from
every card action (a button that opens a form, a form's change, a one-click change), with one
log line and no traceback; "Sorry, that failed" is left for true bugs."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from types import SimpleNamespace
from typing import Any

import pytest

from bot.app import build_bot
from bot.cliq.errors import (
    CliqCredentialsRefused,
    CliqError,
    CliqRateLimited,
    CliqRejected,
    CliqUnavailable,
)
from bot.cliq.message import Message
from bot.config import Config
from bot.i18n import Languages
from bot.identity.secrets import TokenBox
from bot.testing import Conversation
from tests.deskbot.conftest import Deskbot

Spoil = Callable[[], Awaitable[None] | None]
Act = Callable[[Conversation, Any, "Spoil"], Awaitable[Any]]


async def spoiled(spoil: Spoil) -> None:
    """Break something, just before the action's last step."""
    done = spoil()
    if done is not None:
        await done


async def open_status(chat: Conversation, card: Any, spoil: Spoil) -> Any:
    await spoiled(spoil)
    return await chat.click(card.button("Status"))


async def change_status(chat: Conversation, card: Any, spoil: Spoil) -> Any:
    form = await chat.click(card.button("Status"))
    assert form.kind == "form", form.output
    await spoiled(spoil)
    return await chat.submit({"status": "On Hold"}, form=form.output)


async def add_comment(chat: Conversation, card: Any, spoil: Spoil) -> Any:
    form = await chat.click(card.button("Comment"))
    assert form.kind == "form", form.output
    await spoiled(spoil)
    return await chat.submit({"content": "Looking into it"}, form=form.output)


async def assign_to_me(chat: Conversation, card: Any, spoil: Spoil) -> Any:
    """Assign to me, clicked on a card of the ticket (its key as the card draws it)."""
    mine = {**card.button("Status"), "label": "Assign to me"}
    mine["key"] = card.button("Status")["key"].replace("status:", "mine:", 1)
    await spoiled(spoil)
    return await chat.click(mine)


CHANGES = [change_status, add_comment, assign_to_me]


async def acting(deskbot: Deskbot, act: Act, spoil: Spoil) -> Any:
    await deskbot.connect("agent@example.com")
    chat = deskbot.chat()
    card = await chat.command("ticket", "115")
    return await act(chat, card, spoil)


def plain(answer: Any) -> str:
    out = answer.output
    return out.get("text", "") if isinstance(out, dict) else ""


def no_traceback(caplog: pytest.LogCaptureFixture) -> None:
    logged = [r for r in caplog.records if r.exc_info]
    assert not logged, [r.getMessage() for r in logged]


def is_connect_card(answer: Any, why: str) -> None:
    assert answer.title == "Connect Zoho Desk", answer.output
    assert why in answer.text
    assert answer.buttons[0]["action"]["data"]["web"].startswith("http://127.0.0.1:8080/oauth/")


@pytest.mark.parametrize("act", CHANGES)
async def test_a_revoked_connection_gets_the_connect_card(
    deskbot: Deskbot, act: Act, caplog: pytest.LogCaptureFixture
) -> None:
    registry = deskbot.parts.sandboxes.registry  # type: ignore[union-attr]
    answer = await acting(
        deskbot, act, lambda: registry.refuse("sandbox-refresh-agent@example.com")
    )
    is_connect_card(answer, "Zoho no longer accepts your Desk connection (invalid_code)")
    no_traceback(caplog)


@pytest.mark.parametrize("act", CHANGES)
async def test_a_connection_zoho_never_saw_gets_the_connect_card(
    deskbot: Deskbot, act: Act, caplog: pytest.LogCaptureFixture
) -> None:
    """After a restart of the sandboxes, or a token minted elsewhere: Accounts doesn't know it."""

    async def forgotten() -> None:
        await deskbot.parts.connections.store("agent@example.com", "1000.never.issued")

    answer = await acting(deskbot, act, forgotten)
    is_connect_card(answer, "no longer accepts your Desk connection")
    no_traceback(caplog)


@pytest.mark.parametrize("act", [open_status, *CHANGES])
async def test_a_connection_sealed_under_another_key_gets_the_connect_card(
    deskbot: Deskbot, act: Act, caplog: pytest.LogCaptureFixture
) -> None:
    """DESKBOT_TOKEN_KEY changed since the agent connected: the stored token can't be opened."""

    async def resealed() -> None:
        sealed = TokenBox("an older key").seal("sandbox-refresh-agent@example.com")
        async with deskbot.parts.db.transaction() as tx:
            await tx.execute(
                "UPDATE agent_connections SET sealed_refresh_token = ? WHERE email = ?",
                (sealed, "agent@example.com"),
            )

    answer = await acting(deskbot, act, resealed)
    is_connect_card(answer, "To change tickets from Cliq, connect your Zoho Desk account")
    assert await deskbot.parts.connections.refresh_token("agent@example.com") is None
    no_traceback(caplog)


DESK_FAILURES = [
    (403, "FORBIDDEN", "Ask your Desk administrator"),
    (403, "LICENSE_ACCESS_LIMITED", "Your Desk edition doesn't include this"),
    (403, "SCOPE_MISMATCH", "Run /deskbot connect"),
    (404, "URL_NOT_FOUND", "gone from Desk"),
    (422, "INVALID_DATA", "Desk refused the change"),
    (429, "TOO_MANY_REQUESTS", "try again in a minute"),
    (429, "THRESHOLD_EXCEEDED", "make the change in Desk itself"),
    (503, "SERVICE_UNAVAILABLE", "busy or unreachable"),
    (500, "INTERNAL_SERVER_ERROR", "busy or unreachable"),
]


@pytest.mark.parametrize(("status", "code", "words"), DESK_FAILURES)
@pytest.mark.parametrize("act", [change_status, assign_to_me])
async def test_each_desk_failure_says_what_to_do(
    deskbot: Deskbot,
    act: Act,
    status: int,
    code: str,
    words: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    desk = deskbot.parts.sandboxes.desk  # type: ignore[union-attr]
    answer = await acting(deskbot, act, lambda: desk.fail(status, code, count=20))
    desk.faults.clear()
    assert words in plain(answer), answer.output
    assert answer.title != "Sorry, that failed"
    no_traceback(caplog)


async def test_a_true_bug_is_still_sorry_with_a_reference(
    deskbot: Deskbot, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.commands import actions

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(actions, "status_form", broken)
    caplog.set_level(logging.ERROR)
    answer = await acting(deskbot, open_status, lambda: None)
    assert answer.title == "Sorry, that failed" and "reference" in answer.text
    assert [r for r in caplog.records if r.exc_info]


@pytest.mark.parametrize(
    ("error", "words"),
    [
        (CliqUnavailable(503, "service_unavailable", "down"), "try again in a minute"),
        (CliqRateLimited(429, "too_many_requests", "slow down", 42.4), "try again in 42 s"),
        (
            CliqCredentialsRefused("invalid_code", "refused", "DESKBOT_CLIQ_REFRESH_TOKEN"),
            "An admin must renew DESKBOT_CLIQ_REFRESH_TOKEN",
        ),
        (CliqRejected(400, "input_pattern_mismatch", "bad channel name"), "bad channel name"),
    ],
)
def test_a_cliq_failure_a_listener_did_not_expect_says_what_to_do(
    config: Config, error: CliqError, words: str
) -> None:
    """The safety net for Cliq calls made from listeners: by class, never the error card."""
    replies = build_bot(config).error_replies
    answer = replies[CliqError](error, SimpleNamespace(words=Languages().words("en")))
    assert isinstance(answer, Message) or answer.status == "failure"
    assert words in answer.text


@pytest.mark.parametrize(
    ("error", "words"),
    [
        (CliqUnavailable(503, "service_unavailable", "down"), "1分後にもう一度お試しください"),
        (CliqRateLimited(429, "too_many_requests", "slow down", 42.4), "42秒後"),
        (
            CliqCredentialsRefused("invalid_code", "refused", "DESKBOT_CLIQ_REFRESH_TOKEN"),
            "管理者が DESKBOT_CLIQ_REFRESH_TOKEN を更新する必要があります",
        ),
        (CliqRejected(400, "input_pattern_mismatch", "bad channel name"), "bad channel name"),
    ],
)
def test_a_cliq_failure_is_said_in_the_readers_language(
    config: Config, error: CliqError, words: str
) -> None:
    """The same answers to a Japanese reader: Japanese words, Cliq's own reason as it is."""
    replies = build_bot(config).error_replies
    answer = replies[CliqError](error, SimpleNamespace(words=Languages().words("ja")))
    assert words in answer.text


READS = [("ticket", "115"), ("ticket", ""), ("pendingtickets", ""), ("deskstatus", "")]


@pytest.mark.parametrize(("status", "code", "words"), DESK_FAILURES)
async def test_each_desk_failure_says_what_to_do_for_commands_and_keywords(
    deskbot: Deskbot, status: int, code: str, words: str, caplog: pytest.LogCaptureFixture
) -> None:
    desk = deskbot.parts.sandboxes.desk  # type: ignore[union-attr]
    chat = deskbot.chat()
    await chat.command("help")
    for name, args in READS:
        desk.fail(status, code, count=20)
        answer = await chat.command(name, args)
        desk.faults.clear()
        assert words in plain(answer) or words in answer.text, (name, answer.output)
    desk.fail(status, code, count=20)
    said = await chat.say("Open Tickets")
    desk.faults.clear()
    assert words in plain(said), said.output
    no_traceback(caplog)
