"""Notification cards (SPEC D2-D4): what happened, by whom, from what to what, with a short
excerpt; then the ticket card below with the actions its reader may take, so they can act from
the notification itself. Times are in the reader's zone and name it (`bot/notify/readers.py`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from bot.cards import when
from bot.cards.text import render
from bot.cards.tickets import ticket_card
from bot.cliq.message import Card, Message
from bot.desk.tickets import Ticket
from bot.notify.classify import Change, Happening
from bot.notify.excerpt import excerpt
from bot.notify.kinds import LABELS, Kind
from bot.notify.readers import Reader

_COMMENTS = (Kind.COMMENT_ADDED, Kind.COMMENT_EDITED, Kind.MENTION)
_ACTIVITIES = (Kind.ACTIVITY_CREATED, Kind.ACTIVITY_COMPLETED, Kind.ACTIVITY_REMINDER)
_FIELDS = {"status": "Status", "owner": "Owner", "team": "Team", "department": "Department"}
_DETAILS = {
    "rating": ("Rating", Kind.HAPPINESS),
    "feedback": ("Feedback", Kind.HAPPINESS),
    "blueprint": ("Waiting on you", Kind.BLUEPRINT),
}
"""A happening's detail → its label and the kind whose readers it is for: "Waiting on you" is
for the owner the blueprint step waits on, never the previous owner or a channel."""


def notification_card(
    kinds: Sequence[Kind],
    happening: Happening,
    ticket: Ticket | None,
    *,
    reader: Reader,
    now: datetime,
    names: Mapping[str, str],
    actor: str = "",
) -> Message:
    """`kinds` are those of `happening` this reader is told of; `names` maps agent, team and
    department ids to names; `actor` is the name of who acted ("" for the bot's own reminders)."""
    what = " · ".join(LABELS[k] for k in kinds)
    lines = [_change(c, names) for c in happening.changes if _shown(c, kinds)]
    if any(k in _COMMENTS for k in kinds) and happening.excerpt:
        public = happening.details.get("public") == "yes"
        lines.append(f"{'Public' if public else 'Private'} comment: “{happening.excerpt}”")
    if Kind.TICKET_CREATED in kinds and ticket is not None and ticket.description:
        described = excerpt(ticket.description, {})
        if described:
            lines.append(f"“{described}”")
    if any(k in _ACTIVITIES for k in kinds):
        lines.append(_activity(happening, kinds, reader, now))
    lines += [
        f"{_DETAILS[k][0]}: {v.capitalize() if k == 'rating' else v}"  # Desk's GOOD, OKAY, BAD
        for k, v in happening.details.items()
        if k in _DETAILS and _DETAILS[k][1] in kinds and v.strip() not in ("", "-")
    ]
    text = render("notification.txt.j2", what=what, actor=actor, details=lines)  # escaped
    if ticket is None:
        title = (happening.subject or what)[:200]
        return Message(text=text, card=Card(title=title, theme="modern-inline"))
    card = ticket_card(
        ticket,
        now=now,
        zone=reader.zone,
        names=names,
        viewer_agent_id=reader.agent_id,
        viewer_role=reader.role,
        offer_mine=ticket.is_unassigned,
        label_times=reader.labelled,
    )
    return card.model_copy(update={"text": f"{text}\n\n{card.text}"[:5000]})


def _shown(change: Change, kinds: Sequence[Kind]) -> bool:
    """A status line for status kinds, owner and team lines for an owner change, and so on."""
    if change.field == "status":
        return bool({Kind.STATUS_CHANGED, Kind.TICKET_CLOSED, Kind.TICKET_REOPENED} & set(kinds))
    if change.field in ("owner", "team"):
        return Kind.OWNER_CHANGED in kinds
    return Kind.DEPARTMENT_CHANGED in kinds


def _change(change: Change, names: Mapping[str, str]) -> str:
    if change.field == "status":
        before, after = change.before or "none", change.after or "none"
    else:
        nobody = "Unassigned" if change.field == "owner" else "none"
        before, after = (
            names.get(value, value) if value else nobody for value in (change.before, change.after)
        )
    return f"{_FIELDS[change.field]}: {before} → {after}"


def _activity(happening: Happening, kinds: Sequence[Kind], reader: Reader, now: datetime) -> str:
    """`Task: Call the customer · due in 40 min (18:04 JST)`, or `· completed`."""
    subject = " ".join(happening.subject.split()) or "(no subject)"
    head = f"{happening.activity or 'Task'}: {subject}"
    if Kind.ACTIVITY_COMPLETED in kinds:
        return f"{head} · completed"
    if happening.due is None:
        return f"{head} · no due date"
    return f"{head} · {when.due(happening.due, now, reader.zone, label=reader.labelled)}"
