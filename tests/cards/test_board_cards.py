"""bot/cards/board.py: the check-out confirmation says where the agent is and since when."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from attendance.models import Status, StatusType
from attendance.views import AgentState
from bot.cards.board import confirm_checkout
from bot.i18n import Languages

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TRAINING = Status(7, "Off-site *training*", StatusType.OFFLINE, builtin=False)


def test_the_confirmation_names_the_status_and_the_check_in() -> None:
    state = AgentState(
        email="aiko@example.com",
        name="Aiko Tanaka",
        status=TRAINING,
        since=NOW - timedelta(hours=1),
        session_started=NOW - timedelta(hours=5),
        auto_check_out_at=NOW + timedelta(hours=19),
        worked_today=timedelta(hours=4),
    )
    english = Languages().words("en")
    card = confirm_checkout(
        state, "k1", page=3, now=NOW, zone=ZoneInfo("Asia/Tokyo"), words=english
    )
    assert card.text == (
        "Check out *Aiko Tanaka*? They are in Off-site ∗training∗ since 17:00 (checked in"
        " 13:00). They will be told by DM."
    )
    assert [(b.label, b.key) for b in card.buttons or []] == [
        ("Check out", "attout:k1"),
        ("Back to the board", "attboard:3"),
    ]
