"""One-shot kept answers: claimed once, across connections to one SQLite file (two processes)."""

from __future__ import annotations

import asyncio

import pytest

from bot.clock import FrozenClock
from bot.store.answers import AlreadyUsed, Answers
from bot.store.db import Database


async def test_a_kept_answer_is_claimed_once_across_processes(
    store_url: str, clock: FrozenClock
) -> None:
    first_db, second_db = await Database.open(store_url), await Database.open(store_url)
    first, second = Answers(first_db, clock), Answers(second_db, clock)
    await first.setup()
    await second.setup()
    answer_id = await first.keep("Ada@Example.com", "CT_1", {"action": "comment"})
    assert await first.claim(answer_id, "someone@example.com") is None  # not theirs
    assert await first.claim("no-such-id", "ada@example.com") is None
    outcomes = await asyncio.gather(
        first.claim(answer_id, "ada@example.com"),
        second.claim(answer_id, "ada@example.com"),
        return_exceptions=True,
    )
    assert sorted(type(o).__name__ for o in outcomes) == ["AlreadyUsed", "KeptAnswer"]
    await second.release(answer_id)  # the action failed: the button works again
    assert (await first.claim(answer_id, "ada@example.com")) is not None
    with pytest.raises(AlreadyUsed):
        await second.claim(answer_id, "ada@example.com")
    await first_db.close()
    await second_db.close()
