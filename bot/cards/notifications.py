"""Notification cards (SPEC D2-D4): what happened, by whom, from what to what, with a short
excerpt; then the ticket card below with the actions its reader may take, so they can act from
the notification itself. Words are in the reader's language and times in the reader's zone,
named (`bot/notify/readers.py`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from bot.cards import when
from bot.cards.text import render
from bot.cards.tickets import ticket_card
from bot.cliq.message import Card, Message
from bot.desk.tickets import Ticket
from bot.i18n import Words
from bot.notify.classify import Change, Happening
from bot.notify.excerpt import excerpt
from bot.notify.kinds import Kind, labels
from bot.notify.readers import Reader

_COMMENTS = (Kind.COMMENT_ADDED, Kind.COMMENT_EDITED, Kind.MENTION)
_ACTIVITIES = (Kind.ACTIVITY_CREATED, Kind.ACTIVITY_COMPLETED, Kind.ACTIVITY_REMINDER)
_DETAILS = {"rating": Kind.HAPPINESS, "feedback": Kind.HAPPINESS, "blueprint": Kind.BLUEPRINT}
"""A happening's detail → the kind whose readers it is for: "Waiting on you" is for the owner
the blueprint step waits on, never the previous owner or a channel."""


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
    """`kinds` are those of `happening` this reader is told of, in the reader's language
    (`reader.words`); `names` maps agent, team and department ids to names; `actor` is the
    name of who acted ("" for the bot's own reminders). Desk's names and people's text are
    shown as they are, in every language."""
    words = reader.words
    label = labels(words)
    what = " · ".join(label[k] for k in kinds)
    lines = [_change(c, names, words) for c in happening.changes if _shown(c, kinds)]
    if any(k in _COMMENTS for k in kinds) and happening.excerpt:
        if happening.details.get("public") == "yes":
            lines.append(words.gettext("Public comment: “{text}”", text=happening.excerpt))
        else:
            lines.append(words.gettext("Private comment: “{text}”", text=happening.excerpt))
    if Kind.TICKET_CREATED in kinds and ticket is not None and ticket.description:
        described = excerpt(ticket.description, {})
        if described:
            lines.append(words.pgettext("quoted", "“{text}”", text=described))
    if any(k in _ACTIVITIES for k in kinds):
        lines.append(_activity(happening, kinds, reader, now))
    lines += [
        _detail(k, v.strip(), words)
        for k, v in happening.details.items()
        if k in _DETAILS and _DETAILS[k] in kinds and v.strip() not in ("", "-")
    ]
    text = render(
        "notification.txt.j2", words=words, what=what, actor=actor, details=lines
    )  # escaped
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
        words=words,
    )
    return card.replace(text=f"{text}\n\n{card.text}"[:5000])


def _shown(change: Change, kinds: Sequence[Kind]) -> bool:
    """A status line for status kinds, owner and team lines for an owner change, and so on."""
    if change.field == "status":
        return bool({Kind.STATUS_CHANGED, Kind.TICKET_CLOSED, Kind.TICKET_REOPENED} & set(kinds))
    if change.field in ("owner", "team"):
        return Kind.OWNER_CHANGED in kinds
    return Kind.DEPARTMENT_CHANGED in kinds


def _change(change: Change, names: Mapping[str, str], words: Words) -> str:
    """`Status: Open → On Hold`: the field's name in the reader's language, its values as Desk
    names them."""
    if change.field == "owner":
        nobody = words.pgettext("owner", "Unassigned")
    else:
        nobody = words.pgettext("value", "none")
    if change.field == "status":
        before, after = change.before or nobody, change.after or nobody
    else:
        before, after = (
            names.get(value, value) if value else nobody for value in (change.before, change.after)
        )
    if change.field == "status":
        return words.gettext("Status: {before} → {after}", before=before, after=after)
    if change.field == "owner":
        return words.gettext("Owner: {before} → {after}", before=before, after=after)
    if change.field == "team":
        return words.gettext("Team: {before} → {after}", before=before, after=after)
    return words.gettext("Department: {before} → {after}", before=before, after=after)


def _detail(key: str, value: str, words: Words) -> str:
    """A rating (Desk's GOOD, OKAY or BAD, in words), the customer's feedback as they wrote it,
    or the blueprint steps waiting on the reader (their names as Desk has them)."""
    if key == "rating":
        rating = {
            "GOOD": words.pgettext("rating", "Good"),
            "OKAY": words.pgettext("rating", "Okay"),
            "BAD": words.pgettext("rating", "Bad"),
        }.get(value.upper(), value.capitalize())
        return words.gettext("Rating: {rating}", rating=rating)
    if key == "feedback":
        return words.gettext("Feedback: {feedback}", feedback=value)
    return words.gettext("Waiting on you: {steps}", steps=value)


def _activity(happening: Happening, kinds: Sequence[Kind], reader: Reader, now: datetime) -> str:
    """`Task: Call the customer · due in 40 min (18:04 JST)`, or `· completed`."""
    words = reader.words
    subject = " ".join(happening.subject.split()) or words.gettext("(no subject)")
    activity = {
        "Task": words.pgettext("activity", "Task"),
        "Call": words.pgettext("activity", "Call"),
        "Event": words.pgettext("activity", "Event"),
    }.get(happening.activity or "Task", happening.activity or "")
    if Kind.ACTIVITY_COMPLETED in kinds:
        return words.gettext(
            "{activity}: {subject} · completed", activity=activity, subject=subject
        )
    if happening.due is None:
        return words.gettext(
            "{activity}: {subject} · no due date", activity=activity, subject=subject
        )
    due = when.due(happening.due, now, reader.zone, label=reader.labelled, words=words)
    return words.gettext(
        "{activity}: {subject} · {due}", activity=activity, subject=subject, due=due
    )
