"""The test kit's sandbox Cliq (`bot.testing.cliq_sandbox`): a test awaits a post made in the
background (`sandbox.cliq.posted`) instead of polling or wrapping the bot's `late_reply`."""

from __future__ import annotations

import asyncio

import aiohttp

from bot.framework import CliqClient, FrozenClock, Message
from bot.testing import CliqOnlySandbox, cliq_sandbox


async def test_posted_waits_for_a_post_made_in_the_background() -> None:
    async with cliq_sandbox(FrozenClock()) as sandbox, aiohttp.ClientSession() as session:
        assert isinstance(sandbox, CliqOnlySandbox)
        cliq = CliqClient(session, sandbox.cliq_url, sandbox.tokens(session), "pager")
        await cliq.create_channel("ops")
        await cliq.add_bot_to_channel("ops")
        waiting = asyncio.ensure_future(sandbox.cliq.posted("channel", "ops", count=2))
        also = asyncio.ensure_future(sandbox.cliq.posted("channel", "ops"))
        await cliq.post_to_channel("ops", Message(text="one"))
        [first] = await asyncio.wait_for(also, timeout=5)
        assert first["body"] == {"text": "one"} and not waiting.done()
        await cliq.post_to_channel("ops", Message(text="two"))
        both = await asyncio.wait_for(waiting, timeout=5)
        assert [m["body"]["text"] for m in both] == ["one", "two"]


async def test_posted_answers_at_once_when_the_posts_are_there() -> None:
    async with cliq_sandbox(FrozenClock()) as sandbox:
        sandbox.cliq.record("user", "agent@example.com", {"text": "hi"}, "pager")
        [post] = await asyncio.wait_for(sandbox.cliq.posted("user", "agent@example.com"), 1)
        assert post["body"] == {"text": "hi"}


async def test_posts_to_other_targets_do_not_end_the_wait() -> None:
    async with cliq_sandbox(FrozenClock()) as sandbox:
        waiting = asyncio.ensure_future(sandbox.cliq.posted("user", "agent@example.com"))
        sandbox.cliq.record("user", "admin@example.com", {"text": "not hers"}, "pager")
        await asyncio.sleep(0)  # let the waiter see the other post
        assert not waiting.done()
        sandbox.cliq.record("user", "agent@example.com", {"text": "hers"}, "pager")
        [post] = await asyncio.wait_for(waiting, 1)
        assert post["body"] == {"text": "hers"}
