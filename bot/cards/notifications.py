"""Notification cards (SPEC D2-D4): what happened on top, the ticket card below with the same
action buttons, so an agent can act from the notification itself."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.cards.text import render
from bot.cards.tickets import ticket_card
from bot.cliq.message import Card, Message
from bot.desk.tickets import Ticket
from bot.notify.kinds import LABELS, Kind


def notification_card(
    kinds: Sequence[Kind],
    ticket: Ticket | None,
    *,
    now: datetime,
    zone: ZoneInfo,
    names: Mapping[str, str],
    actor: str = "",
    details: Mapping[str, str] | None = None,
    subject: str = "",
) -> Message:
    what = " · ".join(LABELS[k] for k in kinds)
    lines = [f"{key.capitalize()}: {value}" for key, value in (details or {}).items()]  # escaped
    text = render("notification.txt.j2", what=what, actor=actor, details=lines)
    if ticket is None:
        return Message(text=text, card=Card(title=(subject or what)[:200], theme="modern-inline"))
    card = ticket_card(ticket, now=now, zone=zone, names=names, viewer_agent_id=None)
    return card.model_copy(update={"text": f"{text}\n\n{card.text}"[:5000]})
