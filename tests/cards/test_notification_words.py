"""Every notice kind in Japanese (issue 13): its words from the `notices` catalog, Desk's data
(subjects, statuses, names, comments, feedback, blueprint steps) untouched."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.cards.notifications import notification_card
from bot.i18n import Languages
from bot.notify.classify import Change, Happening
from bot.notify.kinds import Kind
from bot.notify.readers import Reader
from tests.cards.test_notification_text import NAMES, seen

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
LANGUAGES = Languages()


def everything(kind: Kind) -> Happening:
    """A happening of `kind` with every field a notice may show filled in."""
    return Happening(
        (kind,),
        "1",
        "61",
        "65",
        "D1",
        changes=(
            Change("status", "Open", "On Hold"),
            Change("owner", "62", None),
            Change("team", None, "T1"),
            Change("department", "D2", "D1"),
        ),
        subject="Call the customer",
        activity="Task",
        due=NOW + timedelta(minutes=40),
        excerpt="call me back",
        details={"public": "yes", "rating": "GOOD", "feedback": "Fast and kind"}
        | {"blueprint": "Manager approval"},
    )


@pytest.mark.parametrize("kind", list(Kind))
def test_japanese_notices_keep_desks_data_as_it_is(kind: Kind) -> None:
    reader = Reader(ZoneInfo("Asia/Tokyo"), words=LANGUAGES.words("ja"))
    happening = everything(kind)
    text = seen(
        notification_card(
            (kind,), happening, None, reader=reader, now=NOW, names=NAMES, actor="Maria Garcia"
        ).text
    )
    assert "Maria Garcia" in text
    shown_data = {
        Kind.STATUS_CHANGED: "ステータス: Open → On Hold",
        Kind.OWNER_CHANGED: "担当者: Kenji Watanabe → 未割り当て",
        Kind.DEPARTMENT_CHANGED: "部門: Billing → Support",
        Kind.COMMENT_ADDED: "公開コメント:「call me back」",
        Kind.MENTION: "公開コメント:「call me back」",
        Kind.ACTIVITY_REMINDER: "タスク: Call the customer · ",
        Kind.ACTIVITY_COMPLETED: "タスク: Call the customer · 完了",
        Kind.HAPPINESS: "評価: 満足\nフィードバック: Fast and kind",
        Kind.BLUEPRINT: "あなたの対応待ち: Manager approval",
    }
    assert shown_data.get(kind, "") in text, text
