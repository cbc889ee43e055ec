"""Ambiguous deliveries (issue 10 item 5): Cliq takes a post and the answer is lost (504, or the
connection closes). The sender does not post again blindly: it first looks in the chat's recent
messages (bot/cliq/recheck.py). These tests count the duplicates that reach Cliq."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from tests.deskbot.conftest import Deskbot

POSTS = 20


async def queue(deskbot: Deskbot, target_kind: str, targets: list[str]) -> None:
    for number in range(POSTS):
        target = targets[number % len(targets)]
        await deskbot.parts.sender.queue(
            target_kind, target, {"text": f"post {number}"}, dedupe_key=f"lost:{number}"
        )


async def deliver_through(
    deskbot: Deskbot, fault: str, target_kind: str, targets: list[str]
) -> Counter[str]:
    """Every post's first attempt meets `fault`; then Cliq answers normally. What arrived."""
    sandbox = deskbot.parts.sandboxes
    assert sandbox is not None
    sandbox.cliq.fail(fault, POSTS)
    await queue(deskbot, target_kind, targets)
    await deskbot.deliver()
    assert not sandbox.cliq.faults  # one fault per post: each first attempt met it
    for _ in range(3):
        deskbot.clock.advance(minutes=1)
        await deskbot.deliver()
    counts = await deskbot.parts.outbox.counts()
    assert counts["delivered"] == POSTS and counts["waiting"] == counts["dead"] == 0
    return Counter(m["body"]["text"] for m in sandbox.cliq.messages)


async def installed(deskbot: Deskbot) -> None:
    await deskbot.parts.installation.install(str(deskbot.client.make_url("")).rstrip("/"))


@pytest.mark.parametrize("fault", ["lost", "drop"])
async def test_a_channel_post_whose_answer_was_lost_is_found_and_not_posted_again(
    deskbot: Deskbot, fault: str
) -> None:
    await installed(deskbot)
    arrived = await deliver_through(deskbot, fault, "channel", ["desk"])
    assert sorted(arrived) == sorted(f"post {n}" for n in range(POSTS))
    duplicates = sum(n - 1 for n in arrived.values())
    assert duplicates == 0  # a blind re-post made 20
    stats = deskbot.parts.sender.stats
    assert stats["answers_lost"] == POSTS and stats["lost_answers_found_posted"] == POSTS


async def test_a_gateway_timeout_before_cliq_took_it_is_checked_then_posted_once(
    deskbot: Deskbot,
) -> None:
    await installed(deskbot)
    arrived = await deliver_through(deskbot, "504", "channel", ["desk"])
    assert set(arrived.values()) == {1} and len(arrived) == POSTS
    assert deskbot.parts.sender.stats["reposted_after_check"] == POSTS


async def test_bot_dms_cannot_be_checked_so_a_lost_answer_repeats_them_once_counted(
    deskbot: Deskbot,
) -> None:
    """The window that remains: the org token cannot read a person's chat with the bot, so a DM
    whose answer was lost is posted again (at-least-once), and counted as unverifiable."""
    await installed(deskbot)
    people = ["agent@example.com", "admin@example.com"]
    deskbot.subscribe(*people)
    arrived = await deliver_through(deskbot, "lost", "user", people)
    assert set(arrived.values()) == {2}  # every one twice: 20 duplicates out of 20
    stats = deskbot.parts.sender.stats
    assert stats["reposted_unverifiable"] == POSTS and stats["lost_answers_found_posted"] == 0


async def test_lost_answers_show_in_healthz(deskbot: Deskbot) -> None:
    await installed(deskbot)
    await deliver_through(deskbot, "lost", "channel", ["desk"])
    async with deskbot.client.get("/healthz") as response:
        delivery = (await response.json())["delivery"]
    assert delivery == {"answers_lost": POSTS, "lost_answers_found_posted": POSTS}


@pytest.mark.parametrize("fault", ["lost", "drop"])
async def test_a_post_cliq_took_long_before_its_answer_was_lost_is_found(
    deskbot: Deskbot, fault: str
) -> None:
    """Cliq takes the post at once but its answer is given up much later (a read timeout, 30 s;
    a stalled connection): the chat is searched from when the attempt began. It was searched
    from when the answer was given up, less 30 s of clock skew, so a post Cliq had taken more
    than 30 s before was not found and was posted twice."""
    await installed(deskbot)
    sandbox = deskbot.parts.sandboxes
    assert sandbox is not None
    record = sandbox.cliq.record

    def answered_late(*args: Any, **kwargs: Any) -> dict[str, Any]:
        message = record(*args, **kwargs)
        deskbot.clock.advance(seconds=45)  # the answer is lost 45 s after Cliq took the post
        return message

    sandbox.cliq.record = answered_late  # type: ignore[method-assign]
    arrived = await deliver_through(deskbot, fault, "channel", ["desk"])
    assert sorted(arrived) == sorted(f"post {n}" for n in range(POSTS))
    assert set(arrived.values()) == {1}  # each once: it was posted twice
    stats = deskbot.parts.sender.stats  # (a fault may meet a chat listing instead of a post)
    assert stats["lost_answers_found_posted"] == stats["answers_lost"] > 0
    assert stats["reposted_after_check"] == 0
