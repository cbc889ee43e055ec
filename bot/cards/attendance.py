"""Attendance as Cliq cards (SPEC A1, A5-A8): my status with the moves I may make (every one,
through "Change status" when they outnumber the buttons), the week, and an admin's range report
as a list view and a table view. The board is in bot/cards/board.py."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from attendance.models import Status
from attendance.views import AgentState
from bot.cards import when
from bot.cards.paging import page_of
from bot.cliq import limits
from bot.cliq.form import Form, SelectInput
from bot.cliq.markup import escape
from bot.cliq.message import Button, Card, Message

MOVE_PREFIX = "att"


def hours(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes // 60} h {minutes % 60:02d} min"


CHANGE_STATUS_KEY = "attchange"
"""Button prefix of "Change status": opens `change_status_form`."""
STATUS_FORM = "attstatus"


def status_label(status: Status) -> str:
    """`Training (Offline)`: a status with its type, as choices show it."""
    return f"{status.name} ({status.type.value.title()})"


def _button_label(name: str) -> str:
    cut = limits.BUTTON_LABEL
    return name if len(name) <= cut else name[: cut - 1] + "…"


def move_buttons(allowed: list[Status]) -> list[Button]:
    """A button per allowed move when they fit; otherwise the first moves and "Change status",
    whose form offers every allowed move (SPEC A1: every status reachable)."""
    moves = [Button.invoke(_button_label(s.name), key=f"{MOVE_PREFIX}:{s.id}") for s in allowed]
    if len(moves) <= limits.MAX_BUTTONS:
        return moves
    change = Button.invoke("Change status", key=CHANGE_STATUS_KEY)
    return [*moves[: limits.MAX_BUTTONS - 1], change]


def change_status_form(allowed: list[Status]) -> Form:
    """A select of every status allowed now, with its type (at most 24 statuses exist, within
    a select's options; `page_of` keeps it so whatever the number)."""
    choices = page_of(allowed, 1, per_page=limits.SELECT_OPTIONS).items
    return Form(
        title="Change status",
        name=STATUS_FORM,
        hint="Online statuses count as worked time; Offline ones stop the timer.",
        inputs=[
            SelectInput(
                name="status",
                label="New status",
                placeholder="Choose a status",
                options=[(status_label(s), str(s.id)) for s in choices],
                mandatory=True,
            )
        ],
        button_label="Change",
    )


def statuses_text(statuses: list[Status]) -> str:
    """ "Statuses: Check In (Online), …" for an answer's text, names escaped."""
    return "Statuses: " + ", ".join(escape(status_label(s)) for s in statuses) + "."


def status_card(state: AgentState, *, now: datetime, zone: ZoneInfo, note: str = "") -> Message:
    """`note` is shown above, escaped unless it is our `Markup`."""
    since = (
        f" since {when.local(state.since, zone, now)}" if state.since and state.checked_in else ""
    )
    lines = [
        f"{escape(note)}\n" if note else "",
        f"You are *{escape(state.status.name)}*{since}.",
        f"Worked today: {hours(state.worked_today)}.",
    ]
    if state.auto_check_out_at and state.checked_in:
        lines.append(f"Automatic check-out at {when.local(state.auto_check_out_at, zone, now)}.")
    if len(state.allowed) > limits.MAX_BUTTONS:
        lines.append("More statuses: *Change status*, or type a status's name.")
    return Message(
        text="\n".join(line for line in lines if line),
        card=Card(title="Attendance", theme="modern-inline"),
        buttons=move_buttons(state.allowed),
    )
