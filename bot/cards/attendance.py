"""Attendance as Cliq cards (SPEC A1, A5-A8): my status with the moves I may make (every one,
through "Change status" when they outnumber the buttons). The week and reports are in
bot/cards/attendance_reports.py, the board in bot/cards/board.py.

Every card speaks its reader's language (`words`, bot/i18n): a default status by its name in
that language unless an admin renamed it (`attendance.words.shown_name`), times and durations
as Babel writes them for the locale."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from attendance.models import Status
from attendance.views import AgentState
from attendance.words import listed, shown_name, type_name
from bot.cliq import limits
from bot.cliq.form import Form, SelectInput
from bot.cliq.markup import Markup, escape
from bot.cliq.message import Button, Card, Message
from bot.i18n import Words

MOVE_PREFIX = "att"
CHANGE_STATUS_KEY = "attchange"
"""Button prefix of "Change status": opens `change_status_form`."""
STATUS_FORM = "attstatus"


def at(moment: datetime, zone: ZoneInfo, now: datetime, words: Words) -> str:
    """A moment in the reader's zone: `10:42` today, `Tue 3 Mar 10:42` / `3月3日(火) 10:42`
    another day."""
    here = moment.astimezone(zone)
    if here.date() == now.astimezone(zone).date():
        return words.time(here)
    return words.gettext("{date} {time}", date=words.date(here), time=words.time(here))


def status_label(status: Status, words: Words) -> str:
    """`Training (Offline)` / `Training(オフライン)`: a status with its type, as choices show
    it."""
    return words.gettext(
        "{status} ({type})", status=shown_name(status, words), type=type_name(status.type, words)
    )


def _button_label(name: str) -> str:
    cut = limits.BUTTON_LABEL
    return name if len(name) <= cut else name[: cut - 1] + "…"


def move_buttons(allowed: list[Status], words: Words) -> list[Button]:
    """A button per allowed move when they fit; otherwise the first moves and "Change status",
    whose form offers every allowed move (SPEC A1: every status reachable)."""
    moves = [
        Button.invoke(_button_label(shown_name(s, words)), key=f"{MOVE_PREFIX}:{s.id}")
        for s in allowed
    ]
    if len(moves) <= limits.MAX_BUTTONS:
        return moves
    change = Button.invoke(words.pgettext("button", "Change status"), key=CHANGE_STATUS_KEY)
    return [*moves[: limits.MAX_BUTTONS - 1], change]


def change_status_form(allowed: list[Status], words: Words) -> Form:
    """A select of every status allowed now, with its type (at most 24 statuses exist, within
    a select's options)."""
    return Form(
        title=words.pgettext("form title", "Change status"),
        name=STATUS_FORM,
        hint=words.pgettext(
            "hint", "Online statuses count as worked time; Offline ones stop the timer."
        ),
        inputs=[
            SelectInput(
                name="status",
                label=words.pgettext("input label", "New status"),
                placeholder=words.pgettext("placeholder", "Choose a status"),
                options=[
                    (status_label(s, words)[: limits.OPTION_LABEL], str(s.id))
                    for s in allowed[: limits.SELECT_OPTIONS]
                ],
                mandatory=True,
            )
        ],
        button_label=words.pgettext("button", "Change"),
    )


def statuses_text(statuses: list[Status], words: Words) -> str:
    """ "Statuses: Check In (Online), …" for an answer's text, names escaped."""
    shown = listed([escape(status_label(s, words)) for s in statuses], words)
    return words.gettext("Statuses: {statuses}.", statuses=shown)


def status_card(
    state: AgentState, *, now: datetime, zone: ZoneInfo, words: Words, note: str = ""
) -> Message:
    """My status, today's worked time and the moves I may make. `note` is shown above,
    escaped unless it is our `Markup`."""
    name = Markup("*{}*").format(shown_name(state.status, words))
    if state.since and state.checked_in:
        where = words.gettext(
            "You are {status} since {time}.", status=name, time=at(state.since, zone, now, words)
        )
    else:
        where = words.gettext("You are {status}.", status=name)
    lines = [
        f"{escape(note)}\n" if note else "",
        where,
        words.gettext("Worked today: {worked}.", worked=words.duration(state.worked_today)),
    ]
    if state.auto_check_out_at and state.checked_in:
        lines.append(
            words.gettext(
                "Automatic check-out at {time}.",
                time=at(state.auto_check_out_at, zone, now, words),
            )
        )
    if len(state.allowed) > limits.MAX_BUTTONS:
        lines.append(words.gettext("More statuses: *Change status*, or type a status's name."))
    return Message(
        text="\n".join(line for line in lines if line),
        card=Card(title=words.pgettext("card title", "Attendance"), theme="modern-inline"),
        buttons=move_buttons(state.allowed, words),
    )
