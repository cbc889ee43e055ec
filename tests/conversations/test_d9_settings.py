"""SPEC D9 (the daily digest) and the admin's settings (D1, D2), as an admin meets them in chat:
what they type, and the text they see."""

from __future__ import annotations

from typing import Any

from bot.testing.conversation import Answer
from tests.deskbot.conftest import Deskbot
from tests.deskbot.test_notifications import installed, settle
from tests.deskbot.test_scheduled import digests_in


def rows(answer: Answer) -> list[dict[str, Any]]:
    """The rows of the answer's table, as the person sees them."""
    [table] = [s for s in answer.slides if s["type"] == "table"]
    return list(table["data"]["rows"])


def shown(answer: Answer) -> str:
    """Everything the person sees: banner or message text, card title, slides."""
    return answer.all_text()


async def test_an_admin_sees_where_the_digest_goes_previews_it_and_sends_one(
    deskbot: Deskbot,
) -> None:
    await installed(deskbot)
    admin = deskbot.chat("admin")

    settings = await admin.command("deskbot", "digest")
    assert settings.title == "Daily digest"
    assert rows(settings) == [
        {"Posted to": "#desk", "Every day at": "09:00 UTC", "Last digest": "not yet"}
    ]
    assert "/deskbot digest preview" in settings.text and "/deskbot digest send" in settings.text

    preview = await admin.command("deskbot", "digest preview")
    assert preview.text.startswith(
        "Preview, shown only to you. Posted daily at 09:00 (UTC) to #desk."
    )
    assert preview.title.startswith("Daily digest for Mon, 2 Mar 2026")
    titles = [s.get("title") for s in preview.slides]
    assert titles[0] == "Resolution" and titles[-1] == "Unresolved"
    assert "Top agents" in shown(preview)
    assert digests_in(await settle(deskbot)) == []  # a preview posts nothing

    for typed in ("Japan Support", '"Japan Support"', "“japan support”", "JAPAN_SUPPORT"):
        department = await admin.command("deskbot", f"digest preview {typed}")
        assert department.title.endswith("· Japan Support"), typed
        assert department.text.startswith(
            "Preview, shown only to you. Japan Support has no channel of its own: its tickets"
            " count in #desk's daily digest at 09:00 (UTC); /deskbot digest send"
            ' "Japan Support" posts this one there.'
        ), department.text

    sent = await admin.command("deskbot", "digest send Billing")
    assert shown(sent).startswith("The digest is on its way to #desk.")
    [posted] = digests_in(await settle(deskbot))
    assert posted["target"] == "desk" and posted["body"]["card"]["title"].endswith("· Billing")
    await admin.command("deskbot", "digest send Billing")  # another request: another post
    assert len(digests_in(await settle(deskbot))) == 2

    nobody = await admin.command("deskbot", "digest preview Marketing")
    assert "No department “Marketing”" in shown(nobody)
    assert 'Departments: Support, Billing, "Japan Support"' in shown(nobody)
    wrong = await admin.command("deskbot", "digest now")
    assert "“now” is not preview or send" in shown(wrong)

    agent = await deskbot.chat("agent").command("deskbot", "digest preview")
    assert agent.kind == "banner" and agent.text == "Only admins can do that."


async def test_a_mapped_department_gets_its_digest_in_its_channel(deskbot: Deskbot) -> None:
    await installed(deskbot)
    admin = deskbot.chat("admin")
    mapped = await admin.command("deskbot", "map Japan Support Support JP create")
    assert shown(mapped).startswith("Japan Support now posts to #supportjp.")
    listed = await admin.command("deskbot", "digest")
    assert {r["Posted to"] for r in rows(listed)} == {"#desk", "#supportjp (Japan Support)"}
    sent = await admin.command("deskbot", "digest send japan support")
    assert shown(sent).startswith("The digest is on its way to #supportjp.")
    [posted] = digests_in(await settle(deskbot))
    assert posted["target"] == "supportjp"
    await admin.command("deskbot", "unmap Billing disable")
    refused = await admin.command("deskbot", "digest send Billing")
    assert "Billing is disabled: its digest goes nowhere" in shown(refused)
    assert "/deskbot map Billing <channel>" in shown(refused)
    preview = await admin.command("deskbot", "digest preview Billing")
    assert "Billing is disabled: no digest of it is posted." in preview.text
    own = await admin.command("deskbot", "digest preview Japan Support")
    assert "Posted daily at 09:00 (UTC) to #supportjp." in own.text


async def test_nothing_is_sent_before_the_bot_is_installed(deskbot: Deskbot) -> None:
    admin = deskbot.chat("admin")
    refused = await admin.command("deskbot", "digest send")
    assert "Deskbot is not installed yet" in shown(refused)
    assert "Run the command deskbot install first" in shown(refused)
    assert digests_in(await settle(deskbot)) == []
    preview = await admin.command("deskbot", "digest preview")  # a preview needs no channel
    assert preview.title.startswith("Daily digest")


async def test_each_setting_alone_shows_how_it_stands(deskbot: Deskbot) -> None:
    admin = deskbot.chat("admin")

    switches = await admin.command("deskbot", "notify")
    assert switches.title == "Notifications"
    by_kind = {r["Notification"]: r for r in rows(switches)}
    assert len(by_kind) == 17
    assert by_kind["Ticket closed"] == {
        "Notification": "Ticket closed",
        "Type": "closed",
        "Channel": "on",
        "DM": "on",
    }
    assert by_kind["Happiness rating"]["Channel"] == "DM only"
    assert "/deskbot notify <type> on|off [channel|dm]" in switches.text

    off = await admin.command("deskbot", "notify Ticket closed off dm")
    assert shown(off).startswith("Ticket closed notifications by DM: off.")
    await admin.command("deskbot", "notify due_30m off")
    by_kind = {r["Notification"]: r for r in rows(await admin.command("deskbot", "notify"))}
    assert (by_kind["Ticket closed"]["Channel"], by_kind["Ticket closed"]["DM"]) == ("on", "off")
    assert (by_kind["Due in 30 minutes"]["Channel"], by_kind["Due in 30 minutes"]["DM"]) == (
        "off",
        "off",
    )

    for typed in ("map", "channels", "unmap"):
        answer = await admin.command("deskbot", typed)
        assert answer.title == "Notification channels", typed
        assert {r["Department"] for r in rows(answer)} == {"Support", "Billing", "Japan Support"}
        assert "Unmapped departments post to #desk." in answer.text
    assert "Usage: /deskbot unmap" in (await admin.command("deskbot", "unmap")).text

    rules = await admin.command("deskbot", "rules")
    assert rules.title == "Notifications" and "/deskbot rules test <ticket> <kind>" in rules.text


async def test_names_are_taken_as_people_type_them(deskbot: Deskbot) -> None:
    sandbox = deskbot.parts.sandboxes
    assert sandbox is not None
    sandbox.cliq.add_channel("Support JP")
    admin = deskbot.chat("admin")
    first = await admin.command("deskbot", '"Japan Support" "Support JP"'.join(["map ", ""]))
    assert shown(first).startswith("Japan Support now posts to #supportjp."), shown(first)
    for typed in (
        "map japan support #supportjp",
        "map JAPAN_SUPPORT supportjp",
        "map “Japan Support” #Support JP",
        "map Japan-Support support jp",
        "map 「Japan Support」 ＃ｓｕｐｐｏｒｔｊｐ",
    ):
        answer = await admin.command("deskbot", typed)
        assert shown(answer).startswith("Japan Support already posts to #supportjp."), typed
    moved = await admin.command("deskbot", "unmap 'japan support'")
    assert shown(moved).startswith("Japan Support posts to #desk again.")
    again = await admin.command("deskbot", "unmap Japan Support")
    assert shown(again).startswith("Japan Support was not mapped: it posts to #desk.")


async def test_what_cannot_work_is_refused_with_the_fix(deskbot: Deskbot) -> None:
    admin = deskbot.chat("admin")
    sandbox = deskbot.parts.sandboxes
    assert sandbox is not None
    sandbox.cliq.add_channel("billing")

    typo = await admin.command("deskbot", "map Billing nosuchchannel")
    assert "Cliq has no channel #nosuchchannel." in shown(typo)
    assert "/deskbot map Billing nosuchchannel create" in shown(typo)
    spaced = await admin.command("deskbot", "map Japan Support no such room")
    assert "Cliq has no channel #no such room." in shown(spaced)
    assert '/deskbot map "Japan Support" "no such room" create' in shown(spaced)
    near = await admin.command("deskbot", "map Billing #billingg")
    assert "Did you mean #billing?" in shown(near)

    sandbox.cliq.fail("limit", count=1, retry_after=300)  # Cliq: 5 joins a minute
    throttled = await admin.command("deskbot", "map Billing billing")
    assert "Try again in 5 min, nothing was changed." in shown(throttled)

    dm_only = await admin.command("deskbot", "notify happiness off channel")
    assert "Happiness rating is sent by DM only" in shown(dm_only)
    assert "/deskbot notify happiness off dm" in shown(dm_only)
    await deskbot.parts.settings.put("dm_owner", False)  # as [notifications] dm_owner = false
    no_dms = await admin.command("deskbot", "notify closed on dm")
    assert "Owner DMs are off for every kind ([notifications] dm_owner" in shown(no_dms)
    nobody = await admin.command("deskbot", "map Marketing billing")
    assert "No department “Marketing”" in shown(nobody)

    assert await deskbot.parts.settings.channel_map() == {}  # nothing saved by any of these
    done = await admin.command("deskbot", "map Billing billing")
    assert shown(done).startswith("Billing now posts to #billing.")


async def test_a_word_too_many_is_named_as_extra_and_switches_nothing(deskbot: Deskbot) -> None:
    """Words after a complete `/deskbot notify` or `rules test` are named as extra, never
    blamed on the kind before them (which was right); nothing is switched."""
    admin = deskbot.chat("admin")
    before = rows(await admin.command("deskbot", "notify"))
    for typed, said in (
        ("notify closed off channel now", "“now” is extra."),
        ("notify Due in 1 hour off dm please now", "“please now” is extra."),
        ("notify due_30m off soon", "“soon” is not channel or dm."),
        ("notify mention off dm dm", "“dm” is extra."),
        ("notify ｃｌｏｓｅｄ ｏｆｆ ｃｈａｎｎｅｌ ｎｏｗ", "“now” is extra."),
        ("rules test 115 closed extra", "“extra” is extra."),
        ("rules test 115 Ticket closed now", "“now” is extra."),
    ):
        answer = await admin.command("deskbot", typed)
        assert said in shown(answer), (typed, shown(answer))
        assert "is not a notification kind" not in shown(answer), typed
    assert rows(await admin.command("deskbot", "notify")) == before
    unknown = await admin.command("deskbot", "notify bogus kind off")
    assert "“bogus kind” is not a notification kind." in shown(unknown)
    maybe = await admin.command("deskbot", "notify closed maybe")
    assert "“maybe” is not on or off." in shown(maybe)


async def test_a_kind_that_does_not_exist_is_answered_with_the_kinds_there_are(
    deskbot: Deskbot,
) -> None:
    """Whichever verb names a kind wrongly (`notify`, `rules test`), the answer lists the kinds
    to type and that verb's usage (`rules test` answered with /deskbot's verbs alone)."""
    admin = deskbot.chat("admin")
    for typed, usage in (
        ("notify bogus on", "Usage: /deskbot notify <kind> on|off [channel|dm]"),
        ("rules test 115 bogus", "Usage: /deskbot rules test <ticket number> <kind>"),
        ("rules test 115 due in a year", "Usage: /deskbot rules test <ticket number> <kind>"),
    ):
        said = shown(await admin.command("deskbot", typed))
        assert "is not a notification kind." in said and usage in said, (typed, said)
        assert "Kinds: created, closed, reopened, comment," in said, (typed, said)


async def test_an_admin_sets_when_and_in_which_zone_a_place_gets_its_digest(
    deskbot: Deskbot,
) -> None:
    await installed(deskbot)
    admin = deskbot.chat("admin")
    await admin.command("deskbot", "map Japan Support Support JP create")
    done = await admin.command("deskbot", "digest at 8:15 Asia/Tokyo Japan Support")
    assert shown(done).startswith("The digest of #supportjp is posted daily at 08:15 (Asia/Tokyo).")
    done = await admin.command("deskbot", "digest at 10:00")  # the org channel's, zone kept
    assert shown(done).startswith("The digest of #desk is posted daily at 10:00 (UTC).")
    listed = {
        r["Posted to"]: r["Every day at"] for r in rows(await admin.command("deskbot", "digest"))
    }
    assert listed == {"#desk": "10:00 UTC", "#supportjp (Japan Support)": "08:15 Asia/Tokyo"}
    for typed, said in (
        ("digest at 24:00", "“24:00” is not a time of day"),
        ("digest at 08:00 Mars/Base", "“Mars/Base” is not a time zone"),
        ("digest at 08:00 Billing", "Billing has no digest of its own"),
        ("digest at", "Usage: /deskbot digest"),
    ):
        assert said in shown(await admin.command("deskbot", typed)), typed
    agent = await deskbot.chat("agent").command("deskbot", "digest at 07:00")
    assert agent.text == "Only admins can do that."
    assert listed == {
        r["Posted to"]: r["Every day at"] for r in rows(await admin.command("deskbot", "digest"))
    }


async def test_a_channel_name_longer_than_cliq_allows_is_refused_before_cliq_is_asked(
    deskbot: Deskbot,
) -> None:
    """A name past Cliq's 50 characters cannot be a channel: it is refused at once, quoted
    short. (Cliq's own refusal quoted it whole, so a long one pushed the fix, and a typo's
    advice quoting it twice, past Cliq's 5,000 characters of text, where it was cut off.)"""
    admin = deskbot.chat("admin")
    sandbox = deskbot.parts.sandboxes
    assert sandbox is not None
    channels = dict(sandbox.cliq.channels)
    for typed in ("c" * 51, "c" * 4990, "日本語" * 17, "a b " * 1000):
        for create in ("", " create"):
            answer = await admin.command("deskbot", f"map Billing {typed}{create}")
            said = shown(answer)
            assert "A Cliq channel name has at most 50 characters;" in said, said[:300]
            assert f"has {len(typed.strip()):,}." in said and len(said) < 500
    japanese = await deskbot.chat("admin", language="ja").command(
        "deskbot", f"map Billing {'c' * 60}"
    )
    assert "Cliqのチャンネル名は50文字までです。" in shown(japanese)
    assert sandbox.cliq.channels == channels  # nothing created
    assert await deskbot.parts.settings.channel_map() == {}
    fifty = await admin.command("deskbot", f"map Billing {'c' * 50} create")
    assert shown(fifty).startswith(f"Billing now posts to #{'c' * 50}.")
