"""A status name sent by the console or typed in chat meets the one rule of
attendance.statuses.clean_name: control characters and invisible marks refused in the reader's
language (400 in the console, never a 500, nothing changed), the one length limit said alike,
and a renamed default given its default name back (both ways, in chat and here)."""

from __future__ import annotations

import pytest

from attendance.models import SHORT_BREAK
from attendance.statuses import MAX_NAME
from tests.console.conftest import signed_in_as
from tests.console.test_settings import ADMIN, SUPPORT, notice, post
from tests.deskbot.conftest import Deskbot

pytestmark = pytest.mark.both_engines

JA = {"Accept-Language": "ja"}


@pytest.mark.parametrize("name", ["a\x00b\nc", "a\u200bb", "x\u202eevil", "tab\there"])
async def test_an_unseen_character_in_a_console_name_is_refused_in_the_readers_language(
    deskbot: Deskbot, name: str
) -> None:
    admin = await signed_in_as(deskbot, ADMIN)
    before = await deskbot.parts.attendance.statuses()
    for action, fields in (("add", {"type": "online"}), ("rename", {"status": "3"})):
        status, page = await post(
            admin, f"/console/settings/statuses/{action}", name=name, **fields
        )
        assert status == 400
        assert "cannot hold control characters or invisible marks" in notice(page)
        answer = await admin.post(
            f"/console/settings/statuses/{action}",
            {"csrf": await admin.csrf(), "name": name, **fields},
            headers=JA,
        )
        assert answer.status == 400 and "制御文字や見えない記号" in notice(await answer.text())
    assert await deskbot.parts.attendance.statuses() == before


async def test_the_console_says_the_rules_one_length_limit(deskbot: Deskbot) -> None:
    admin = await signed_in_as(deskbot, ADMIN)
    page = await (await admin.get("/console/settings")).text()
    assert f'maxlength="{MAX_NAME}"' in page
    for sent in ("N" * (MAX_NAME + 1), "N" * 201, "N" * 5000):
        status, page = await post(admin, "/console/settings/statuses/add", name=sent, type="online")
        assert status == 400
        assert notice(page) == f"A status name can have at most {MAX_NAME} characters."


async def test_a_default_named_again_or_restored_in_the_console_is_shown_in_each_language(
    deskbot: Deskbot,
) -> None:
    admin = await signed_in_as(deskbot, ADMIN)
    book = deskbot.parts.attendance.book
    await post(admin, "/console/settings/statuses/rename", status=str(SHORT_BREAK), name="小休憩")
    assert not (await book.get(SHORT_BREAK)).renamed  # its own name in Japanese: not pinned
    await post(admin, "/console/settings/statuses/rename", status=str(SHORT_BREAK), name="Nap")
    page = await (await admin.get("/console/settings")).text()
    assert "/console/settings/statuses/restore" in page
    status, page = await post(admin, "/console/settings/statuses/restore", status=str(SHORT_BREAK))
    assert status == 200 and notice(page) == "Short Break has its default name again."
    assert not (await book.get(SHORT_BREAK)).renamed
    custom = await deskbot.parts.attendance.add_status("Training", "online")
    status, page = await post(admin, "/console/settings/statuses/restore", status=str(custom.id))
    assert status == 400 and "no default name" in notice(page)


async def test_chat_refuses_unseen_characters_and_restores_a_default(deskbot: Deskbot) -> None:
    admin = deskbot.chat("admin", language="ja")
    before = await deskbot.parts.attendance.statuses()
    for typed in ("statuses add a\x00b online", "statuses rename 小休憩 to a\u200bb"):
        answer = await admin.command("attendance", typed)
        assert "制御文字や見えない記号" in answer.text, answer.text
    assert await deskbot.parts.attendance.statuses() == before
    await admin.command("attendance", "statuses rename 小休憩 to Nap")
    answer = await admin.command("attendance", "ステータス 既定名に戻す Nap")
    assert "小休憩を既定の名前に戻しました" in answer.text
    again = await deskbot.chat("admin").command(
        "attendance", "statuses rename Short Break to 小休憩"
    )
    assert (
        again.text == "Renamed to Short Break."
        and not (await deskbot.parts.attendance.book.get(SHORT_BREAK)).renamed
    )


@pytest.mark.parametrize("channel", ["a\x00b", "sup\u200bport", "x\u202ey", "a\nb", "a\tb"])
async def test_a_channel_name_with_unseen_characters_is_refused_in_chat_and_console(
    deskbot: Deskbot, channel: str
) -> None:
    """The same class for the other name an admin types: a department's channel."""
    admin = await signed_in_as(deskbot, ADMIN)
    for create in ("", "1"):
        status, page = await post(
            admin, "/console/settings/map", department=SUPPORT, channel=channel, create=create
        )
        assert status == 400 and "cannot hold control characters or invisible marks" in notice(page)
    assert not (await deskbot.parts.settings.rules()).channel_map
    if "\n" not in channel and "\t" not in channel:  # a chat message's words lose those
        said = await deskbot.chat("admin").command("deskbot", f"map Support {channel} create")
        assert "cannot hold control characters or invisible marks" in said.text, said.text
        assert not (await deskbot.parts.settings.rules()).channel_map
