"""Short links (bot.store.links): fixed-size, unguessable, expiring, single-purpose."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from bot.clock import FrozenClock
from bot.store.db import Database
from bot.store.links import TOKEN_LENGTH, LinkRefused, Links


@pytest.fixture
async def links(store_url: str, clock: FrozenClock) -> AsyncIterator[Links]:
    db = await Database.open(store_url)
    made = Links(db, clock)
    await made.setup()
    yield made
    await db.close()


async def test_a_token_is_fixed_size_whatever_it_stands_for(links: Links) -> None:
    small = await links.issue("p", "a@b.co", {}, lifetime=timedelta(minutes=1))
    large = await links.issue(
        "p", "x" * 200 + "@example.com", {"a": ["y" * 80] * 1000}, lifetime=timedelta(days=1)
    )
    assert len(small) == len(large) == TOKEN_LENGTH
    assert small != large
    assert (await links.redeem("p", large)).payload == {"a": ["y" * 80] * 1000}


async def test_only_the_tokens_digest_is_stored(links: Links) -> None:
    token = await links.issue("p", "a@b.co", {"k": 1}, lifetime=timedelta(minutes=1))
    rows = await links._db.fetchall("SELECT * FROM links")
    stored = " ".join(str(v) for row in rows for v in tuple(row))
    assert token not in stored
    assert hashlib.sha256(token.encode()).hexdigest() in stored


async def test_a_link_opens_only_what_it_was_made_for(links: Links) -> None:
    token = await links.issue("attendance-export", "a@b.co", {}, lifetime=timedelta(minutes=5))
    with pytest.raises(LinkRefused, match="not for this page"):
        await links.redeem("desk-connect", token)
    assert (await links.redeem("attendance-export", token)).owner == "a@b.co"


async def test_a_link_expires(links: Links, clock: FrozenClock) -> None:
    token = await links.issue("p", "a@b.co", {}, lifetime=timedelta(minutes=15))
    clock.advance(minutes=15)
    assert (await links.redeem("p", token)).owner == "a@b.co"  # to the second
    clock.advance(seconds=1)
    with pytest.raises(LinkRefused, match="expired"):
        await links.redeem("p", token)


async def test_expired_links_are_deleted_as_new_ones_are_made(
    links: Links, clock: FrozenClock
) -> None:
    for _ in range(5):
        await links.issue("p", "a@b.co", {}, lifetime=timedelta(minutes=1))
    clock.advance(minutes=2)
    await links.issue("p", "a@b.co", {}, lifetime=timedelta(minutes=1))
    rows = await links._db.fetchall("SELECT COUNT(*) AS n FROM links")
    assert rows[0]["n"] == 1


@pytest.mark.parametrize(
    "token", ["", "x", "x" * 24, "é" * 24, "x" * 65, "x" * 10_000, "' OR 1=1 --", "\x00" * 24]
)
async def test_anything_else_is_refused(links: Links, token: str) -> None:
    await links.issue("p", "a@b.co", {}, lifetime=timedelta(minutes=1))
    with pytest.raises(LinkRefused):
        await links.redeem("p", token)


async def test_a_refusal_says_why_and_never_calls_a_link_of_ours_forged(
    links: Links, clock: FrozenClock
) -> None:
    """Only a token no link could have is "not made by this bot"; one shaped like ours that is
    not stored (an expired link's row is deleted) may have been ours: "not valid or expired"."""
    token = await links.issue("p", "a@b.co", {}, lifetime=timedelta(minutes=1))
    with pytest.raises(LinkRefused) as elsewhere:
        await links.redeem("q", token)
    assert (elsewhere.value.kind, elsewhere.value.owner) == ("elsewhere", "a@b.co")
    clock.advance(minutes=2)
    with pytest.raises(LinkRefused) as expired:
        await links.redeem("p", token)
    assert (expired.value.kind, expired.value.owner) == ("expired", "a@b.co")
    await links.issue("p", "c@d.co", {}, lifetime=timedelta(minutes=1))  # deletes the old row
    for gone in (token, "A" * TOKEN_LENGTH, "-_" * (TOKEN_LENGTH // 2)):
        with pytest.raises(LinkRefused) as unknown:
            await links.redeem("p", gone)
        assert unknown.value.kind == "unknown" and unknown.value.owner is None
        assert "not made by this bot" not in unknown.value.reason
        assert "not valid or has expired" in unknown.value.reason
    for forged in ("", "x", "A" * (TOKEN_LENGTH + 1), "é" * TOKEN_LENGTH, "A=" * 12, "A/" * 12):
        with pytest.raises(LinkRefused, match="not made by this bot") as made:
            await links.redeem("p", forged)
        assert made.value.kind == "forged"
