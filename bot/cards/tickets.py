"""Tickets as Cliq cards (SPEC D5-D7): the ticket card with its action buttons, and lists."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.cards import when
from bot.cards.keys import TICKET_ACTIONS, ticket_key
from bot.cards.text import render
from bot.cliq.markup import Markup
from bot.cliq.message import Button, Card, LabelSlide, Message, MessageEdit
from bot.desk.tickets import Ticket
from bot.i18n import ENGLISH, Words

SUBJECT = 120
_WEB_URL = re.compile(r"https://[^\s()\[\]<>]+")


def _subject(ticket: Ticket, words: Words) -> str:
    """The subject on one line, at most SUBJECT characters (Desk's words, never translated)."""
    subject = " ".join((ticket.subject or "").split()) or words.gettext("(no subject)")
    return subject if len(subject) <= SUBJECT else subject[: SUBJECT - 1] + "…"


CHANGES = ("status", "assign", "reply")
"""The actions that change a ticket in Desk: offered to agents and admins, never to light
agents (Desk refuses them; README "Acting from a card")."""


def action_label(action: str, words: Words) -> str:
    """A ticket action's button label in the reader's language (each fits Cliq's 20)."""
    labels = {
        "status": words.pgettext("button", "Status"),
        "assign": words.pgettext("button", "Assign"),
        "reply": words.pgettext("button", "Reply"),
        "comment": words.pgettext("button", "Comment"),
        "mine": words.pgettext("button", "Assign to me"),
    }
    return labels[action]


def action_buttons(
    ticket: Ticket,
    *,
    viewer_agent_id: str | None,
    viewer_role: str | None = None,
    room: int = 5,
    offer_mine: bool | None = None,
    words: Words,
) -> list[Button]:
    """The actions the reader may use (SPEC D5): Status, Assign, Reply and Comment, and Assign
    to me when they aren't the owner; a light agent (`viewer_role == "light"`) gets Comment
    only. An unknown reader (`viewer_role` None: a channel post) gets every action, each
    checked again when clicked. Without room for Assign to me (Post here takes the fifth
    place), the Assign form offers the reader first (`bot.cards.forms.assign_choices`).
    `offer_mine` True or False decides Assign to me instead (a notification offers it on
    unassigned tickets, whoever reads it)."""
    seen = ticket.modified_time
    actions = ("comment",) if viewer_role == "light" else (*CHANGES, "comment")
    buttons = [
        Button.invoke(action_label(action, words), key=ticket_key(action, ticket.id, seen))
        for action in actions
    ]
    if offer_mine is None:
        offer_mine = bool(viewer_agent_id) and ticket.assignee_id != viewer_agent_id
    if offer_mine and viewer_role != "light" and len(buttons) < room:
        mine = Button.invoke(action_label("mine", words), key=ticket_key("mine", ticket.id, seen))
        buttons.append(mine)
    return buttons[:room]


def for_everyone(buttons: Sequence[Mapping[str, Any]], *, words: Words) -> list[dict[str, Any]]:
    """A card's buttons (as sent to Cliq) as a channel shows them to everyone: its readers vary,
    so a ticket's actions are all offered (each checked again when clicked), whichever role the
    person who drew it had; Assign to me, which was about that person, is left out. Labels in
    the language of `words` (the card's)."""
    keys = [str(b.get("key") or "") for b in buttons]
    ticket_keys = [k for k in keys if k.partition(":")[0] in TICKET_ACTIONS]
    if not ticket_keys:
        return [dict(b) for b in buttons]
    rest = ticket_keys[0].partition(":")[2]
    others = [dict(b) for b, k in zip(buttons, keys, strict=True) if k not in ticket_keys]
    actions = [
        Button.invoke(action_label(action, words), key=f"{action}:{rest}")
        for action in (*CHANGES, "comment")
    ]
    return [b.to_wire() for b in actions] + others


def ticket_card(
    ticket: Ticket,
    *,
    now: datetime,
    zone: ZoneInfo,
    names: Mapping[str, str],
    viewer_agent_id: str | None = None,
    viewer_role: str | None = None,
    audit: str | None = None,
    room: int = 5,
    offer_mine: bool | None = None,
    label_times: bool = False,
    words: Words | None,
) -> Message:
    """`words` are the reader's: labels and times in their language (Desk's data as it is;
    English without, times as `bot/cards/when.py` writes them then). `names` maps agent and
    department ids to names (the reader's view of who is who); the buttons are the actions the
    reader may use (`action_buttons`; `offer_mine` decides Assign to me); `label_times` names
    the zone of the times shown (DMs and channel posts)."""
    due = when.due(
        ticket.due_date,
        now,
        zone,
        closed=ticket.is_closed,
        label=label_times,
        closed_at=ticket.closed_time,
        words=words,
    )
    customer = ticket.contact.email if ticket.contact and ticket.contact.email else ticket.email
    said = words or ENGLISH
    _ = said.gettext
    status, priority = ticket.status or "?", ticket.priority or "-"
    details = {
        _("Status"): status,
        _("Priority"): priority,
        _("Due"): due,
        _("Customer"): customer or "-",
        _("Assignee"): names.get(ticket.assignee_id or "", _("Unassigned")),
        _("Department"): names.get(ticket.department_id or "", "-"),
    }
    # Desk's own link to the ticket, as our markup (only a plain https URL can break nothing).
    desk_url = ticket.web_url if _WEB_URL.fullmatch(ticket.web_url or "") else None
    return Message(
        text=render(
            "ticket.txt.j2",
            words=said,
            subject=_subject(ticket, said),
            status=status,
            priority=priority,
            due=due,
            audit=audit,
            desk_url=Markup(desk_url) if desk_url else None,
        ),
        card=Card(
            title=Markup("#{} {}").format(ticket.ticket_number, _subject(ticket, said))[:200],
            theme="modern-inline",
        ),
        slides=[LabelSlide.of(details)],
        buttons=action_buttons(
            ticket,
            viewer_agent_id=viewer_agent_id,
            viewer_role=viewer_role,
            room=room,
            offer_mine=offer_mine,
            words=said,
        ),
    )


def edited_ticket_card(ticket: Ticket, *, audit: str, **kwargs: Any) -> MessageEdit:
    """The ticket's card as an edit of the message it is in; `kwargs` as for `ticket_card`."""
    card = ticket_card(ticket, audit=audit, **kwargs)
    return MessageEdit.of(card)


def ticket_list_card(
    title: str,
    tickets: Sequence[Ticket],
    *,
    now: datetime,
    zone: ZoneInfo,
    names: Mapping[str, str],
    empty: str,
    label_times: bool = False,
    words: Words,
) -> Message:
    """Up to 3 tickets; a button per ticket opens its full card (with the action buttons).
    `words` are the reader's; `label_times` names the zone of the times shown (a list posted for others to read)."""
    shown = list(tickets)[:3]
    if not shown:
        return Message(text=empty, card=Card(title=title, theme="modern-inline"))
    rows = [
        {
            "number": ticket.ticket_number,
            "subject": _subject(ticket, words),
            "status": ticket.status or "?",
            "due": when.due(
                ticket.due_date,
                now,
                zone,
                closed=ticket.is_closed,
                label=label_times,
                closed_at=ticket.closed_time,
                words=words,
            ),
            "assignee": names.get(ticket.assignee_id or "", words.gettext("Unassigned")),
        }
        for ticket in shown
    ]
    return Message(
        text=render("ticket_list.txt.j2", words=words, tickets=rows),
        card=Card(title=title, theme="modern-inline"),
        buttons=[
            Button.invoke(Markup(f"#{ticket.ticket_number}"[:20]), key=f"show:{ticket.id}")
            for ticket in shown
        ],
    )
