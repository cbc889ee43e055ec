"""The daily digest (SPEC D9): no catch-up for days before a place existed, a late digest only
for a real miss (once), and the admin's preview and send."""

from __future__ import annotations

from typing import Any

import pytest

from tests.deskbot.conftest import Deskbot
from tests.deskbot.test_notifications import installed, settle
from tests.deskbot.test_scheduled import digests_in, restarted

JAPAN = "5000000000003"
BILLING = "5000000000002"


async def channel(deskbot: Deskbot, name: str) -> None:
    """A channel that exists in Cliq with the bot in it."""
    await deskbot.parts.cliq.create_channel(name)
    await deskbot.parts.cliq.add_bot_to_channel(name)


async def map_now(deskbot: Deskbot, department: str, name: str) -> None:
    await deskbot.parts.settings.map_department(department, name, at=deskbot.clock.now())


async def tick(deskbot: Deskbot, **advance: Any) -> list[dict[str, Any]]:
    """Move the clock, run the scheduler (as after a restart: a new one on the same database)
    and deliver: the digests Cliq received in this tick."""
    before = len(digests_in(deskbot.cliq_messages))
    deskbot.clock.advance(**advance)
    await restarted(deskbot).digests()
    return digests_in(await settle(deskbot))[before:]


@pytest.mark.parametrize("hours", [0, 8.5, 12, 23])  # 01:00, 09:30, 13:00, 00:00 UTC
async def test_a_fresh_install_owes_no_digest_for_the_days_before_it(
    deskbot: Deskbot, hours: float
) -> None:
    """Whenever the bot is first installed, its first digest is the next one on time: none is
    posted "late" for a day (today's or yesterday's) whose time came before it existed."""
    deskbot.clock.advance(hours=hours)
    await installed(deskbot)
    await channel(deskbot, "supportjp")
    await map_now(deskbot, JAPAN, "supportjp")
    assert await tick(deskbot) == []
    assert await tick(deskbot, minutes=1) == []
    # the next 09:00 UTC, whichever day it is, posts both on time
    now = deskbot.clock.now()
    wait = (9 - now.hour - now.minute / 60) % 24 or 24
    posted = await tick(deskbot, hours=wait, minutes=5)
    assert sorted(m["target"] for m in posted) == ["desk", "supportjp"]
    assert not any("late" in m["body"]["text"] for m in posted)


async def test_a_place_mapped_later_owes_nothing_for_days_before_its_mapping(
    deskbot: Deskbot,
) -> None:
    """Mapped after its digest time (first time, again after an unmap days later, or moved to
    another channel the same day): no late digest, and never a second one for a day."""
    await installed(deskbot)
    await channel(deskbot, "supportjp")
    await channel(deskbot, "jp2")
    await map_now(deskbot, JAPAN, "supportjp")
    await tick(deskbot)  # 01:00, first look
    assert len(await tick(deskbot, hours=8, minutes=5)) == 2  # 09:05, both on time
    await deskbot.parts.settings.unmap_department(JAPAN)
    # three days later, at 12:00, mapped again: the 09:00 of that day came before it
    assert len(await tick(deskbot, days=3, hours=3)) == 1  # the org channel's, late
    await map_now(deskbot, JAPAN, "supportjp")
    assert await tick(deskbot, minutes=1) == []
    # moved to another channel the same day after its digest: that day is done
    assert [m["target"] for m in await tick(deskbot, days=1, hours=-2, minutes=-50)] == [
        "desk",
        "supportjp",
    ]
    await map_now(deskbot, JAPAN, "jp2")
    assert await tick(deskbot, hours=2) == []
    assert [m["target"] for m in await tick(deskbot, days=1, hours=-2)] == ["desk", "jp2"]


async def test_a_real_miss_is_posted_late_once(deskbot: Deskbot) -> None:
    """Down over a digest time the place had run before: that day's digest comes late, once,
    however often the bot restarts; older missed days are not replayed."""
    await installed(deskbot)
    await channel(deskbot, "supportjp")
    await map_now(deskbot, JAPAN, "supportjp")
    await tick(deskbot)
    assert len(await tick(deskbot, hours=8, minutes=5)) == 2
    late = await tick(deskbot, days=3, hours=2)  # down for three days, back at 11:05
    assert len(late) == 2 and all("This digest is late" in m["body"]["text"] for m in late)
    assert await tick(deskbot, minutes=5) == []
    assert await tick(deskbot, minutes=5) == []


async def test_the_digest_posted_has_resolution_then_unresolved(deskbot: Deskbot) -> None:
    await installed(deskbot)
    await tick(deskbot)
    [digest] = await tick(deskbot, hours=8, minutes=5)
    titles = [s.get("title") for s in digest["body"]["slides"]]
    assert titles[0] == "Resolution" and titles[-1] == "Unresolved"
    resolution = str(digest["body"]["slides"][0]["data"])
    assert "Open" not in resolution and "Overdue" not in resolution
    unresolved = {k for pair in digest["body"]["slides"][-1]["data"] for k in pair}
    assert unresolved == {"Open", "Overdue"}


async def test_a_reinstall_owes_nothing_for_the_days_it_was_uninstalled(deskbot: Deskbot) -> None:
    """Uninstalling stops all posts (SPEC D1); installing again days later, after the digest
    time, posts no late digest for that day, in the org channel or a mapped one."""
    url = await installed(deskbot)
    await channel(deskbot, "supportjp")
    await map_now(deskbot, JAPAN, "supportjp")
    await tick(deskbot)
    assert len(await tick(deskbot, hours=8, minutes=5)) == 2
    await deskbot.parts.installation.uninstall(url)
    assert await tick(deskbot, days=1) == []  # uninstalled: nothing
    deskbot.clock.advance(days=2, hours=3)  # 12:05, three days on
    await deskbot.parts.installation.install(url)
    assert await tick(deskbot) == []
    assert await tick(deskbot, minutes=30) == []
    posted = await tick(deskbot, days=1, hours=-3, minutes=-30)  # 09:05 the next day
    assert sorted(m["target"] for m in posted) == ["desk", "supportjp"]
    assert not any("late" in m["body"]["text"] for m in posted)
