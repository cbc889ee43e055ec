"""Notifications, DMs, reminders and digests in their readers' language (issue 13, SPEC X6),
end to end through the sandboxes: a DM in its recipient's language, a channel post and a digest
in the place's, in the same run; Desk's names (subjects, statuses, departments, people) as Desk
wrote them in either language."""

from __future__ import annotations

from typing import Any

import pytest

from bot.config import Config
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
    assert title(org) == "Daily digest, Mon 2 Mar"
    assert title(japan) == "デイリーダイジェスト 3月2日(月) · Japan Support"


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
