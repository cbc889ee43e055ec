"""Notifications, DMs, reminders and digests in their readers' language (issue 13, SPEC X6),
end to end through the sandboxes: a DM in its recipient's language, a channel post and a digest
in the place's, in the same run; Desk's names (subjects, statuses, departments, people) as Desk
wrote them in either language."""

from __future__ import annotations

import re
from typing import Any

import pytest

from bot.config import Config
from bot.i18n import PSEUDO
from tests.deskbot.conftest import Deskbot
from tests.deskbot.test_notifications import change, comment, installed, settle
from tests.deskbot.test_reader_notices import desk_post, seen, to
from tests.deskbot.test_scheduled import restarted

SUPPORT, JAPAN = "5000000000001", "5000000000003"


@pytest.fixture
def config(config: Config) -> Config:
    """The org channel reads English; Japan Support's own channel Japanese (bot.toml)."""
    notifications = config.notifications.model_copy(
        update={"language": "en", "department_languages": {JAPAN: "ja"}}
    )
    return config.model_copy(update={"notifications": notifications})


async def speaks_japanese(deskbot: Deskbot, who: str = "agent") -> None:
    """`who` talks to the bot from a Japanese Cliq (Cliq sends `user.language` on each call)."""
    chat = deskbot.chat(who)
    chat.user["language"] = "ja"
    await chat.command("ticket", "115")


def title(message: dict[str, Any]) -> str:
    return str(message["body"].get("card", {}).get("title", ""))


async def test_a_japanese_agents_dm_is_japanese_beside_an_english_channel_post(
    deskbot: Deskbot,
) -> None:
    await installed(deskbot)
    await speaks_japanese(deskbot)
    await change(deskbot, 115, actor="maria@example.com", status="On Hold")
    await desk_post(deskbot, "/sandbox/tickets", {"subject": "Badge reader offline"})
    posts = await settle(deskbot)
    [dm] = to(posts, "agent@example.com")
    [channel] = [m for m in to(posts, "desk") if "Badge reader offline" in str(m)]
    assert "*ステータスの更新*" in seen(dm) and "Maria Garcia" in seen(dm)
    assert "ステータス: Open → On Hold" in seen(dm)  # Desk's status names stay Desk's
    assert "Status changed" not in seen(dm) and " by " not in seen(dm)
    assert "*Ticket created*" in seen(channel) and "問い合わせ" not in seen(channel)
    assert title(channel).endswith(" Badge reader offline")  # the subject as Desk has it


async def test_the_new_owner_and_the_previous_one_each_read_their_own_language(
    deskbot: Deskbot,
) -> None:
    """Aiko loses the ticket to Kenji; neither spoke to the bot, so each reads the language of
    their Desk profile (Aiko en_US, Kenji ja_JP): one event, two DMs, two languages, the same
    names."""
    await installed(deskbot)
    await change(deskbot, 115, actor="maria@example.com", assignee="kenji@example.com")
    posts = await settle(deskbot)
    [aiko] = to(posts, "agent@example.com")
    [kenji] = to(posts, "kenji@example.com")
    assert "担当者: Aiko Tanaka → Kenji Watanabe" in seen(kenji)
    assert "Owner: Aiko Tanaka → Kenji Watanabe" in seen(aiko)
    assert "*Owner changed*" in seen(aiko) and "担当者" not in seen(aiko)


async def test_a_japanese_comment_mention_and_task_dm(deskbot: Deskbot) -> None:
    await installed(deskbot)
    await speaks_japanese(deskbot)
    await comment(deskbot, 115, actor="maria@example.com", content="Call them today.", public=True)
    task = {"actor": "maria@example.com", "subject": "Call back", "owner": "agent@example.com"}
    await desk_post(deskbot, "/sandbox/tickets/115/tasks", task)
    commented, tasked = to(await settle(deskbot), "agent@example.com")
    assert "公開コメント:「Call them today.」" in seen(commented)
    assert "タスク: Call back · 期限なし" in seen(tasked)


async def test_due_soon_and_task_reminders_in_the_owners_language(deskbot: Deskbot) -> None:
    await installed(deskbot)
    await speaks_japanese(deskbot)
    await deskbot.parts.scheduler.due_soon()
    for _ in range(10):  # every seeded ticket due within the hour: Cliq's pace, 45 a minute
        await deskbot.deliver()
        deskbot.clock.advance(minutes=1)
    [reminder] = [m for m in to(deskbot.cliq_messages, "agent@example.com") if "#115" in str(m)]
    assert "後に期限" in seen(reminder) and "Due in" not in seen(reminder)
    others = [m for m in deskbot.cliq_messages if m["target"] != "agent@example.com"]
    assert others and all("Due in" in seen(m) for m in others)


async def test_a_japanese_channels_digest_is_japanese_and_the_org_channels_english(
    deskbot: Deskbot,
) -> None:
    await installed(deskbot)
    await deskbot.parts.cliq.create_channel("supportjp")
    await deskbot.parts.cliq.add_bot_to_channel("supportjp")
    await deskbot.parts.settings.map_department(JAPAN, "supportjp", at=deskbot.clock.now())
    await restarted(deskbot).digests()  # 01:00 UTC: the first look
    deskbot.clock.advance(hours=8, minutes=5)  # 09:05 UTC, Monday 2 March 2026
    assert await restarted(deskbot).digests() == 2
    posts = await settle(deskbot)
    [org] = to(posts, "desk")
    [japan] = to(posts, "supportjp")
    assert title(org) == "Daily digest for Mon, 2 Mar 2026"  # a whole day: its full date
    assert title(japan) == "デイリーダイジェスト 2026年3月2日(月) · Japan Support"
    titles = [[s.get("title") for s in m["body"]["slides"]] for m in (org, japan)]
    assert [(t[0], t[-1]) for t in titles] == [("Resolution", "Unresolved"), ("解決状況", "未解決")]
    assert "過去24時間" in seen(japan) and "*Japan Support*" in seen(japan)
    assert seen(org).startswith("The last 24 hours, to ")
    labels = {
        k for s in japan["body"]["slides"] if s["type"] == "label" for p in s["data"] for k in p
    }
    assert {"新規", "完了", "未完了", "遅延中"} <= labels, labels
    for language, last in (("ja", "2026年3月2日(月)"), ("en", "Mon, 2 Mar 2026")):
        listed = await deskbot.chat("admin", language=language).command("deskbot", "digest")
        assert last in listed.all_text(), listed.all_text()  # the last digest's full date


async def test_a_late_digest_says_so_in_its_places_language(deskbot: Deskbot) -> None:
    await installed(deskbot)
    await deskbot.parts.cliq.create_channel("supportjp")
    await deskbot.parts.cliq.add_bot_to_channel("supportjp")
    await deskbot.parts.settings.map_department(JAPAN, "supportjp", at=deskbot.clock.now())
    await restarted(deskbot).digests()
    deskbot.clock.advance(hours=8, minutes=5)
    await restarted(deskbot).digests()
    await settle(deskbot)
    deskbot.clock.advance(days=1, hours=3)  # down over the next 09:00: late, once
    assert await restarted(deskbot).digests() == 2
    posts = await settle(deskbot)
    [org] = to(posts, "desk")[-1:]
    [japan] = to(posts, "supportjp")[-1:]
    assert "This digest is late" in seen(org) and "late" not in seen(japan)
    assert title(japan) == "デイリーダイジェスト 2026年3月3日(火) · Japan Support"


async def test_a_digest_has_no_word_outside_the_catalogs(deskbot: Deskbot) -> None:
    """Read in the tests' pseudo-language, a digest shows no plain-letter word but data."""
    await installed(deskbot)
    await deskbot.parts.cliq.create_channel("supportjp")
    await deskbot.parts.cliq.add_bot_to_channel("supportjp")
    await deskbot.parts.settings.map_department(JAPAN, "supportjp", at=deskbot.clock.now())
    await deskbot.parts.settings.choose_place_language(JAPAN, PSEUDO)
    place = await deskbot.parts.scheduler.digest.place_for(JAPAN)
    assert place.reader.words.language == PSEUDO
    digest = (await deskbot.parts.scheduler.digest.card(place)).to_wire()
    names = set((await deskbot.parts.org_data.names()).values())
    shown = [str(digest["text"]).replace("\u2060", ""), digest["card"]["title"]]
    for slide in digest["slides"]:
        shown.append(str(slide.get("title") or ""))
        shown.append(str(slide["data"]))
    for text in shown:
        for data in sorted(names | {"JST", "UTC", "label", "table", "headers", "rows"}, key=len)[
            ::-1
        ]:
            text = text.replace(data, " ")
        assert not re.findall(r"[A-Za-z]{2,}", text), text


async def test_an_admins_language_choice_applies_to_what_comes_next(deskbot: Deskbot) -> None:
    await installed(deskbot)
    await deskbot.parts.settings.put("dm_owner", False)
    admin = deskbot.chat("admin")
    await admin.command("deskbot", "map Support support create")
    await change(deskbot, 115, actor="maria@example.com", status="On Hold")
    [english] = to(await settle(deskbot), "support")
    await admin.command("deskbot", "language Support ja")
    await change(deskbot, 115, actor="maria@example.com", status="Open")
    japanese = to(await settle(deskbot), "support")[-1]
    assert "*Status changed*" in seen(english) and "*ステータスの更新*" in seen(japanese)
    assert len(to(deskbot.cliq_messages, "support")) == 2  # the first is not sent again


async def test_the_rules_test_explains_in_the_admins_language(deskbot: Deskbot) -> None:
    admin = deskbot.chat("admin")
    english = await admin.command("deskbot", "rules test 115 closed")
    admin.user["language"] = "ja_JP"
    japanese = await admin.command("deskbot", "rules test 115 1時間後に期限")
    assert "DM to agent@example.com" in english.text
    assert "1時間後に期限: ダイレクトメッセージがオンで" in japanese.text, japanese.text
    assert "agent@example.com" in japanese.text and "DMs are on" not in japanese.text
