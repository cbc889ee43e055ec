"""The DMs telling an agent what others did to their attendance (SPEC A3, A6): an admin checked
them out (who, when), or the 24-hour rule did (when, and how to have it corrected). Times are in
the agent's zone (chosen by the caller), labelled, as every DM's times are (bot/cards/when.py)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from attendance.models import CHECK_OUT, EventKind
from attendance.notices import Notice
from bot.cards import when
from bot.cliq.markup import Markup
from bot.cliq.message import Card, Message


def _at(moment: datetime, zone: ZoneInfo) -> str:
    """`Mon 30 Nov 18:05 JST`: a DM is read later, maybe elsewhere, so the day and the zone."""
    return f"{moment.astimezone(zone):%a %-d %b %H:%M} {when.zone_label(moment, zone)}"


def notice_message(notice: Notice, zone: ZoneInfo) -> Message:
    """The DM for `notice`, addressed to `notice.agent` (by name when known), times in `zone`."""
    hello = Markup("Hello {},").format(notice.agent_name) if notice.agent_name else "Hello,"
    if notice.kind is EventKind.AUTOMATIC:
        started = notice.session_started
        since = f" on {_at(started, zone)}" if started else ""
        lines = [
            hello,
            f"you were checked out automatically at *{_at(notice.at, zone)}*: 24 hours after "
            f"you checked in{since}, the most a check-in lasts.",
            "If you stopped working earlier, ask an admin to correct your check-out time "
            "(tell them when you stopped); if you are still working, check in again.",
        ]
        title = "Checked out automatically"
    else:
        admin = notice.actor_name or notice.actor
        if notice.status_id == CHECK_OUT:
            done = Markup("*{}* checked you out").format(admin)
            title = "Checked out by an admin"
        else:
            done = Markup("*{}* set your status to *{}*").format(admin, notice.status_name)
            title = "Status changed by an admin"
        lines = [
            hello,
            f"{done} at *{_at(notice.at, zone)}*.",
            "If that is a mistake, check in again, or ask them to correct it.",
        ]
    return Message(text="\n".join(lines), card=Card(title=title, theme="modern-inline"))
