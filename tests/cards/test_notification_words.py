"""Every word of every notice kind comes from the catalogs (issue 13): read in the tests'
pseudo-language (`qps`: every catalog text in full-width letters), a notification shows no
plain-letter word but Desk's data; in Japanese it shows the same data, untouched."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.cards.notifications import notification_card
from bot.i18n import PSEUDO, Languages
from bot.notify.classify import Change, Happening
from bot.notify.kinds import Kind
from bot.notify.readers import Reader
from tests.cards.test_notification_text import NAMES, seen, ticket

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
LANGUAGES = Languages()
DATA = [
    "Printer on fire",  # the ticket's subject
    "It smokes when printing",  # its description
    "Call the customer",  # a task's subject
    "call me back",  # a comment
    "Fast and kind",  # the customer's feedback
    "Manager approval",  # a blueprint step
    "On Hold",  # Desk's statuses
    "Open",
    "Maria Garcia",  # people, teams and departments as Desk names them
    *NAMES.values(),
    "Tier 1",
    "JST",  # the zone's own abbreviation
]
WORD = re.compile(r"[A-Za-z]{2,}")


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


def unmarked(text: str) -> list[str]:
    """The plain-letter words of `text` that are not data: strings that escaped the catalogs."""
    for data in sorted(DATA, key=len, reverse=True):
        text = text.replace(data, " ")
    return WORD.findall(text)


@pytest.mark.parametrize("kind", list(Kind))
@pytest.mark.parametrize("completed", [False, True])
def test_no_notice_kind_has_a_word_outside_the_catalogs(kind: Kind, completed: bool) -> None:
    kinds = (kind, Kind.ACTIVITY_COMPLETED) if completed else (kind,)
    reader = Reader(ZoneInfo("Asia/Tokyo"), words=LANGUAGES.words(PSEUDO))
    for with_ticket in (None, ticket(description="It smokes when printing")):
        message = notification_card(
            kinds,
            everything(kind),
            with_ticket,
            reader=reader,
            now=NOW,
            names={**NAMES, "T1": "Tier 1"},
            actor="Maria Garcia",
        ).to_wire()
        shown = [seen(message["text"]), message["card"]["title"]]
        shown += [b["label"] for b in message.get("buttons", [])]
        assert [unmarked(text) for text in shown] == [[]] * len(shown), shown


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
