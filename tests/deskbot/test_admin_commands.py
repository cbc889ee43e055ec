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
    sandbox = deskbot.services.sandboxes
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
    await admin.command("deskbot", "map Billing billing")
    assert (await deskbot.services.settings.rules()).disabled_departments == frozenset()
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
