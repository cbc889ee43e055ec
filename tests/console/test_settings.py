"""`/console/settings` (issue 15, SPEC D1, D2, D9, A1): the channel map, the notification switches,
the digest's places and the status list, changed through the chat's own code — a switch turned
off here is obeyed by the bot's next Desk event. Admins only; every form needs its CSRF token."""

from __future__ import annotations

import re

import pytest

from bot.notify.kinds import Kind
from tests.console.conftest import Console, signed_in_as
from tests.deskbot.conftest import Deskbot
from tests.deskbot.test_digest import tick
from tests.deskbot.test_notifications import change, installed, settle

ADMIN = "admin@example.com"
SUPPORT = "5000000000001"  # the sandbox's first department


async def post(admin: Console, path: str, **fields: str) -> tuple[int, str]:
    answer = await admin.post(path, {"csrf": await admin.csrf(), **fields})
    return answer.status, await answer.text()


def notice(page: str) -> str:
    found = re.search(r'<p class="notice" role="(?:status|alert)">([^<]*)</p>', page)
    assert found, page[:2000]
    return found.group(1)


@pytest.mark.parametrize(
    ("path", "fields"),
    [
        ("/console/settings/switch", {"kind": "status", "where": "dm", "on": "off"}),
        ("/console/settings/map", {"department": SUPPORT, "channel": "support"}),
        ("/console/settings/unmap", {"department": SUPPORT, "disable": "1"}),
        ("/console/settings/statuses/add", {"name": "Training", "type": "online"}),
    ],
)
async def test_an_agent_is_refused_every_setting(
    deskbot: Deskbot, path: str, fields: dict[str, str]
) -> None:
    agent = await signed_in_as(deskbot, "agent@example.com")
    assert (await agent.get("/console/settings")).status == 403
    status, page = await post(agent, path, **fields)
    assert status == 403 and "Only admins can do that." in page
    rules = await deskbot.parts.settings.rules()
    assert rules.dms(Kind.STATUS_CHANGED) and not rules.channel_map
    assert not rules.disabled_departments
    assert "Training" not in [s.name for s in await deskbot.parts.attendance.statuses()]


async def test_a_switch_turned_off_here_is_obeyed_by_the_bot(deskbot: Deskbot) -> None:
    await installed(deskbot)
    admin = await signed_in_as(deskbot, ADMIN)
    page = await (await admin.get("/console/settings")).text()
    assert 'id="switch-status-dm" class="switch on" aria-pressed="true"' in page
    for where in ("dm", "channel"):
        status, page = await post(
            admin, "/console/settings/switch", kind="status", where=where, on="off"
        )
        assert status == 200
    assert notice(page) == "Status changed notifications in channels: off."
    assert 'id="switch-status-dm" class="switch off" aria-pressed="false"' in page
    await change(deskbot, 115, actor="maria@example.com", status="On Hold")
    assert await settle(deskbot) == []  # switched off: no DM, no channel post
    await post(admin, "/console/settings/switch", kind="status", where="dm", on="on")
    await change(deskbot, 115, actor="maria@example.com", status="Open")
    [dm] = await settle(deskbot)
    assert dm["target"] == "agent@example.com" and "Status changed" in dm["body"]["text"]


async def test_a_dm_only_kind_has_no_channel_switch_here_either(deskbot: Deskbot) -> None:
    admin = await signed_in_as(deskbot, ADMIN)
    page = await (await admin.get("/console/settings")).text()
    assert 'id="switch-mention-channel"' not in page and 'id="switch-mention-dm"' in page
    status, page = await post(
        admin, "/console/settings/switch", kind="mention", where="channel", on="off"
    )
    assert status == 400 and "Mentioned is sent by DM only" in notice(page)
    assert (await deskbot.parts.settings.rules()).dms(Kind.MENTION)


@pytest.mark.parametrize(
    "fields",
    [
        {"kind": "nonsense", "where": "dm", "on": "off"},
        {"kind": "status", "where": "email", "on": "off"},
        {"kind": "status", "where": "dm", "on": "maybe"},
        {},
    ],
)
async def test_a_forged_switch_is_refused_and_changes_nothing(
    deskbot: Deskbot, fields: dict[str, str]
) -> None:
    admin = await signed_in_as(deskbot, ADMIN)
    status, page = await post(admin, "/console/settings/switch", **fields)
    assert status == 400 and "reload the page" in notice(page)
    rules = await deskbot.parts.settings.rules()
    assert not rules.channel_on and not rules.dm_on


async def test_mapping_a_department_as_the_chat_does(deskbot: Deskbot) -> None:
    await installed(deskbot)
    admin = await signed_in_as(deskbot, ADMIN)
    status, page = await post(admin, "/console/settings/map", department=SUPPORT, channel="nowhere")
    assert status == 400 and "Cliq has no channel #nowhere." in notice(page)
    assert not await deskbot.parts.settings.channel_map()
    status, page = await post(
        admin, "/console/settings/map", department=SUPPORT, channel="support", create="1"
    )
    assert status == 200 and notice(page).endswith("now posts to #support.")
    assert await deskbot.parts.settings.channel_map() == {SUPPORT: "support"}
    chat = await deskbot.chat("admin").command("deskbot", "channels")
    assert "#support" in str(chat.body)
    status, page = await post(admin, "/console/settings/unmap", department=SUPPORT, disable="1")
    assert notice(page).endswith("is disabled: no more posts.")
    assert SUPPORT in (await deskbot.parts.settings.rules()).disabled_departments
    status, page = await post(admin, "/console/settings/unmap", department="0")
    assert status == 400 and "not in Desk any more" in notice(page)


async def test_the_digest_places_with_time_and_zone(deskbot: Deskbot) -> None:
    admin = await signed_in_as(deskbot, ADMIN)
    page = await (await admin.get("/console/settings")).text()
    section = page[page.index('id="digest"') :]
    assert re.search(
        r"#desk</th><td>09:00</td><td>[A-Za-z_/]+ <span[^>]*>\(bot.toml\)</span>", section
    )


async def test_a_digest_time_and_zone_set_here_are_kept_by_the_scheduler(deskbot: Deskbot) -> None:
    await installed(deskbot)
    admin = await signed_in_as(deskbot, ADMIN)
    status, page = await post(
        admin, "/console/settings/digest", place="org:desk", at="10:30", zone="asia/tokyo"
    )
    assert status == 200
    assert notice(page) == "The digest of #desk is posted daily at 10:30 (Asia/Tokyo)."
    assert "#desk</th><td>10:30</td><td>Asia/Tokyo</td>" in page
    # 01:00 UTC is 10:00 in Tokyo: nothing yet; 10:30 there is 01:30 UTC
    assert await tick(deskbot) == []
    assert await tick(deskbot, minutes=20) == []
    [posted] = await tick(deskbot, minutes=15)
    assert posted["target"] == "desk" and "late" not in posted["body"]["text"]
    assert await tick(deskbot, hours=12) == []  # once a local day
    # the chat reads the same
    listed = await deskbot.chat("admin").command("deskbot", "digest")
    assert "10:30 Asia/Tokyo" in str(listed.body)
    # emptied: bot.toml's again (signed in anew: the session idled out over those 12 hours)
    admin = await signed_in_as(deskbot, ADMIN)
    status, page = await post(admin, "/console/settings/digest", place="org:desk", at="", zone="")
    assert "#desk</th><td>09:00</td>" in page


@pytest.mark.parametrize(
    ("at", "zone", "said"),
    [
        ("25:00", "", "is not a time of day"),
        ("9am", "", "is not a time of day"),
        ("", "Mars/Olympus_Mons", "is not a time zone"),
        ("08:00", "x" * 64, "is not a time zone"),
    ],
)
async def test_a_digest_time_or_zone_that_is_not_one_is_refused(
    deskbot: Deskbot, at: str, zone: str, said: str
) -> None:
    admin = await signed_in_as(deskbot, ADMIN)
    status, page = await post(admin, "/console/settings/digest", place="org:desk", at=at, zone=zone)
    assert status == 400 and said in notice(page)
    assert await deskbot.parts.settings.get("digest_schedule", {}) == {}
    status, page = await post(admin, "/console/settings/digest", place="nowhere", at="08:00")
    assert status == 400 and "reload the page" in notice(page)


async def test_the_status_list_as_a1_allows(deskbot: Deskbot) -> None:
    admin = await signed_in_as(deskbot, ADMIN)
    status, page = await post(
        admin, "/console/settings/statuses/add", name="Training", type="online"
    )
    assert status == 200 and notice(page) == "Added Training (Online)."
    training = await deskbot.parts.attendance.book.get("Training")
    status, page = await post(
        admin, "/console/settings/statuses/rename", status=str(training.id), name="Coaching"
    )
    assert notice(page) == "Renamed to Coaching."
    status, page = await post(
        admin, "/console/settings/statuses/retype", status=str(training.id), type="offline"
    )
    assert notice(page) == "Coaching is now Offline."
    # the built-in Check In is not retyped nor deleted, whatever is posted
    status, page = await post(
        admin, "/console/settings/statuses/retype", status="1", type="offline"
    )
    assert status == 400 and "The type of Check In is fixed" in notice(page)
    status, page = await post(admin, "/console/settings/statuses/delete", status="1")
    assert status == 400 and "Check In cannot be deleted." in notice(page)
    status, page = await post(admin, "/console/settings/statuses/delete", status=str(training.id))
    assert notice(page) == "Deleted Coaching."
    # the chat sees the same list
    listed = await deskbot.chat("admin").command("attendance", "statuses")
    assert "Coaching" not in str(listed.body)


async def test_at_most_20_custom_statuses(deskbot: Deskbot) -> None:
    for number in range(20):
        await deskbot.parts.attendance.add_status(f"Project {number}", "online")
    admin = await signed_in_as(deskbot, ADMIN)
    status, page = await post(
        admin, "/console/settings/statuses/add", name="One more", type="online"
    )
    assert status == 400 and "You already have 20 custom statuses" in notice(page)


@pytest.mark.parametrize("action", ["rename", "retype", "delete"])
@pytest.mark.parametrize("wanted", ["99999999999999", "1000000000", "1" + "0" * 200, "x", "-1"])
async def test_a_status_id_too_long_or_not_a_number_is_refused_as_such(
    deskbot: Deskbot, action: str, wanted: str
) -> None:
    """Never cut to fit: 99999999999999 is not "no status 999999999", it is not an id at all."""
    admin = await signed_in_as(deskbot, ADMIN)
    before = await deskbot.parts.attendance.statuses()
    status, page = await post(
        admin, f"/console/settings/statuses/{action}", status=wanted, name="X", type="offline"
    )
    assert status == 400
    assert notice(page).startswith("That is not a status id (a number of at most 9 digits)")
    assert await deskbot.parts.attendance.statuses() == before


@pytest.mark.parametrize(
    ("path", "fields", "said"),
    [
        ("/console/settings/map", {"department": SUPPORT, "channel": "c" * 101}, "channel name"),
        ("/console/settings/map", {"department": SUPPORT + "0" * 40, "channel": "x"}, "Department"),
        ("/console/settings/switch", {"kind": "status" + " " * 40, "where": "dm", "on": "off"},
         "Notification"),
        ("/console/settings/digest", {"place": "org:desk", "at": "08:00", "zone": "Z" * 65}, "Zone"),
    ],
)  # fmt: skip
async def test_a_field_longer_than_its_limit_is_refused_never_cut(
    deskbot: Deskbot, path: str, fields: dict[str, str], said: str
) -> None:
    admin = await signed_in_as(deskbot, ADMIN)
    status, page = await post(admin, path, **fields)
    assert status == 400 and notice(page).startswith(
        f"The field “{said}” sent is too long (at most"
    )
    rules = await deskbot.parts.settings.rules()
    assert not rules.channel_map and rules.dms(Kind.STATUS_CHANGED)
    assert await deskbot.parts.settings.get("digest_schedule", {}) == {}


async def test_a_switch_says_its_state_and_what_it_does(deskbot: Deskbot) -> None:
    admin = await signed_in_as(deskbot, ADMIN)
    await post(admin, "/console/settings/switch", kind="status", where="dm", on="off")
    page = await (await admin.get("/console/settings")).text()
    buttons = re.findall(r'<button type="submit" id="switch-[^>]*>([^<]*)</button>', page, re.S)
    assert buttons and set(buttons) == {"On — turn off", "Off — turn on"}
    dm = re.search(r'id="switch-status-dm"[^>]*aria-pressed="(\w+)"[^>]*>([^<]*)<', page, re.S)
    assert dm and dm.groups() == ("false", "Off — turn on")
