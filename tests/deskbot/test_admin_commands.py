"""The admin's notification settings from chat (SPEC D1, D2, X4)."""

from __future__ import annotations

from tests.deskbot.conftest import Deskbot


async def test_only_admins_change_notification_settings(deskbot: Deskbot) -> None:
    for words in ("channels", "map Support support", "notify closed off", "rules test 115 closed"):
        answer = await deskbot.chat("agent").command("deskbot", words)
        assert answer.kind == "banner" and answer.text == "Only admins can do that."


async def test_map_with_create_list_unmap_and_disable(deskbot: Deskbot) -> None:
    admin = deskbot.chat("admin")
    done = await admin.command("deskbot", "map Japan_Support support-jp create")
    assert done.output["text"] == "Japan Support now posts to #supportjp."
    sandbox = deskbot.parts.sandboxes
    assert sandbox is not None and sandbox.cliq.bot_in("deskbot", "supportjp")
    listed = await admin.command("deskbot", "channels")
    rows = {r["Department"]: r["Channel"] for r in listed.slides[0]["data"]["rows"]}
    assert rows == {"Support": "#desk", "Billing": "#desk", "Japan Support": "#supportjp"}
    await admin.command("deskbot", "unmap Billing disable")
    rows = {
        r["Department"]: r["Channel"]
        for r in (await admin.command("deskbot", "channels")).slides[0]["data"]["rows"]
    }
    assert rows["Billing"] == "(disabled: no posts)"
    assert deskbot.parts.sandboxes is not None
    deskbot.parts.sandboxes.cliq.add_channel("billing")
    await admin.command("deskbot", "map Billing billing")
    assert (await deskbot.parts.settings.rules()).disabled_departments == frozenset()
    bad = await admin.command("deskbot", "map Marketing x")
    assert "No department “Marketing”" in bad.text


async def test_switches_and_the_rules_test(deskbot: Deskbot) -> None:
    admin = deskbot.chat("admin")
    test = await admin.command("deskbot", "rules test 115 closed")
    assert "would go to: user agent@example.com" in test.text and "DMs are on" in test.text
    off = await admin.command("deskbot", "notify Ticket closed off dm")
    assert off.output["text"] == "Ticket closed notifications by DM: off."
    test = await admin.command("deskbot", "rules test #115 closed")
    assert "would go to: channel desk" in test.text
    await admin.command("deskbot", "notify closed off")
    test = await admin.command("deskbot", "rules test 115 closed")
    assert "would go to: nowhere" in test.text and "switched off" in test.text
    assert "Kinds:" in (await admin.command("deskbot", "notify nonsense on")).text
    assert "/deskbot" in (await admin.command("deskbot", "frobnicate")).text


async def test_map_refuses_a_channel_cliq_does_not_have(deskbot: Deskbot) -> None:
    """Without `create`, a typo or a deleted channel is refused before anything is saved: a
    saved mapping to it would dead-letter every post (Cliq: 404 channel_not_exist)."""
    admin = deskbot.chat("admin")
    sandbox = deskbot.parts.sandboxes
    assert sandbox is not None
    sandbox.cliq.add_channel("billing")
    for typo in ("billingg", "#nosuchroom", "BILLINGG"):
        answer = await admin.command("deskbot", f"map Billing {typo}")
        assert answer.kind != "banner" or answer.output.get("type") != "success", typo
        assert "no channel" in answer.text and "create" in answer.text, answer.text
    assert "#billing?" in (await admin.command("deskbot", "map Billing billingg")).text
    assert await deskbot.parts.settings.channel_map() == {}


async def test_map_adds_the_bot_to_an_existing_channel(deskbot: Deskbot) -> None:
    admin = deskbot.chat("admin")
    sandbox = deskbot.parts.sandboxes
    assert sandbox is not None
    sandbox.cliq.add_channel("Billing Team")
    assert not sandbox.cliq.bot_in("deskbot", "billingteam")
    done = await admin.command("deskbot", "map Billing billing_team")
    assert done.output["text"] == "Billing now posts to #billingteam.", done.text
    assert sandbox.cliq.bot_in("deskbot", "billingteam")
    assert list((await deskbot.parts.settings.channel_map()).values()) == ["billingteam"]


async def test_a_wrong_sub_command_shows_one_usage(deskbot: Deskbot) -> None:
    admin = deskbot.chat("admin")
    for words in ("notify bogus on", "notify closed maybe", "map Billing", "unmap", "rules test x"):
        answer = await admin.command("deskbot", words)
        assert answer.text.count("Usage:") == 1, (words, answer.text)
    assert (
        "“bogus” is not a notification kind"
        in (await admin.command("deskbot", "notify bogus on")).text
    )
    assert (await admin.command("deskbot", "frobnicate")).text.count("Usage:") == 1


async def test_help_promises_nothing_that_does_not_follow(deskbot: Deskbot) -> None:
    """/help is one table: a description saying "more below" points at nothing."""
    listed = await deskbot.chat("admin").command("help", "")
    rows = listed.slides[0]["data"]["rows"]
    assert rows and all("below" not in row["What it does"] for row in rows), rows
