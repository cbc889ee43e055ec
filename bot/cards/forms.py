"""The forms behind a ticket card's buttons (SPEC D5). Each carries the ticket id and the
`modifiedTime` the card was drawn with, so the submit can tell a stale card."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from bot.cliq.form import (
    DynamicSelectInput,
    Form,
    HiddenInput,
    RadioInput,
    SelectInput,
    TextareaInput,
)
from bot.desk.people import Agent, Team
from bot.desk.tickets import Ticket, TicketStatus
from bot.i18n import Words

MAX_OPTIONS = 100
OPTION_VALUE = 50  # Cliq: an option's value is at most 50 characters (select, radio)


def status_value(status: str) -> str:
    """The option value that stands for a Desk status: the name itself when it fits Cliq's 50
    characters, else a short key (Desk allows names up to 120, Field.json) that `status_named`
    maps back."""
    if len(status) <= OPTION_VALUE:
        return status
    return "status~" + hashlib.sha256(status.encode()).hexdigest()[:16]


def status_named(value: str, statuses: Sequence[TicketStatus]) -> str | None:
    """The Desk status an option value stands for, among `statuses`; None if none does."""
    for status in statuses:
        if value in (status.value, status_value(status.value)):
            return status.value
    return None


def _hidden(ticket: Ticket, seen: int) -> list[HiddenInput]:
    return [HiddenInput(name="ticket", value=ticket.id), HiddenInput(name="seen", value=str(seen))]


def _number(ticket: Ticket) -> str:
    return f"#{ticket.ticket_number}"


def status_form(
    ticket: Ticket, statuses: Sequence[TicketStatus], seen: int, *, words: Words
) -> Form:
    """The Status form in the reader's language; Desk's status names as they are."""
    return Form(
        title=words.pgettext("form title", "Status of {number}", number=_number(ticket))[:100],
        name="status",
        hint=words.pgettext("hint", "Now: {status}", status=ticket.status)[:100],
        button_label=words.pgettext("button", "Change"),
        inputs=[
            SelectInput(
                name="status",
                label=words.pgettext("input label", "New status"),
                placeholder=words.pgettext("placeholder", "Pick a status"),
                mandatory=True,
                options=status_choices(statuses),
                value=status_value(ticket.status) if ticket.status else None,
            ),
            TextareaInput(
                name="note",
                label=words.pgettext("input label", "Note"),
                placeholder=words.pgettext("placeholder", "Optional: added as a private comment"),
                mandatory=False,
                max_length=5000,
            ),
            *_hidden(ticket, seen),
        ],
    )


def assign_choices(
    agents: Sequence[Agent], teams: Sequence[Team], *, me: str | None = None, words: Words
) -> list[tuple[str, str]]:
    """(label, value) for each agent and team a ticket can be assigned to; the agent whose id
    is `me` (the reader) first, as "Me (name)": Assign to me, wherever the card had no room for
    its button. Our words in the reader's language; names as Desk has them."""
    mine = [
        (words.pgettext("option", "Me ({name})", name=a.display_name)[:100], f"agent:{a.id}")
        for a in agents
        if a.id == me
    ]
    options = mine + [(a.display_name[:100], f"agent:{a.id}") for a in agents if a.id != me]
    options += [
        (words.pgettext("option", "Team: {name}", name=team.name)[:100], f"team:{team.id}")
        for team in teams
    ]
    return options


def status_choices(statuses: Sequence[TicketStatus]) -> list[tuple[str, str]]:
    """The Status form's choices: Desk's statuses, as (label, option value)."""
    return [(s.value[:100], status_value(s.value)) for s in statuses][:MAX_OPTIONS]


def reply_statuses(statuses: Sequence[TicketStatus], *, words: Words) -> list[tuple[str, str]]:
    """The Reply form's "then set status" choices: leave it, or one of Desk's statuses."""
    leave = (words.pgettext("option", "Leave as it is"), "-")
    after = [leave] + [(s.value[:100], status_value(s.value)) for s in statuses]
    return after[:MAX_OPTIONS]


def visibilities(*, public_allowed: bool, words: Words) -> list[tuple[str, str]]:
    """The Comment form's "who can see it" choices: public only for those allowed to."""
    private = [(words.pgettext("option", "Private: agents only"), "private")]
    public = (words.pgettext("option", "Public: the customer sees it"), "public")
    return [*private, public] if public_allowed else private


def matching(choices: Sequence[tuple[str, str]], query: str) -> list[tuple[str, str]]:
    """The choices whose label starts with `query`, then those containing it (case-insensitive),
    at most 100: how Cliq's dynamic field handler is documented to order them."""
    wanted = query.strip().casefold()
    first = [c for c in choices if c[0].casefold().startswith(wanted)]
    then = [c for c in choices if wanted in c[0].casefold() and c not in first]
    return [*first, *then][:MAX_OPTIONS]


def assign_form(
    ticket: Ticket,
    agents: Sequence[Agent],
    teams: Sequence[Team],
    seen: int,
    *,
    me: str | None = None,
    words: Words,
) -> Form:
    """Agents and teams of the ticket's department: a drop-down of them, or, when there are more
    than Cliq's 100 options, a `dynamic_select` searched as the agent types (Cliq's advice for
    more than 100 results, dynamic-drop-down.html). The reader (`me`) comes first, chosen
    already when the ticket has no owner."""
    first = me if me != ticket.assignee_id else None
    options = assign_choices(agents, teams, me=first, words=words)
    label = words.pgettext("input label", "Assign to")
    owner: SelectInput | DynamicSelectInput
    if len(options) <= MAX_OPTIONS:
        mine = f"agent:{first}" if first and any(a.id == first for a in agents) else None
        owner = SelectInput(
            name="owner",
            label=label,
            placeholder=words.pgettext("placeholder", "An agent or a team"),
            mandatory=True,
            options=options,
            value=mine if mine and not ticket.assignee_id else None,
        )
    else:
        owner = DynamicSelectInput(
            name="owner",
            label=label,
            placeholder=words.pgettext("placeholder", "Type a name"),
            mandatory=True,
        )
    return Form(
        title=words.pgettext("form title", "Assign {number}", number=_number(ticket))[:100],
        name="assign",
        hint=words.pgettext("hint", "Agents and teams of the ticket's department"),
        button_label=words.pgettext("button", "Assign"),
        inputs=[owner, *_hidden(ticket, seen)],
    )


def reply_form(
    ticket: Ticket, statuses: Sequence[TicketStatus], seen: int, *, words: Words
) -> Form:
    after = reply_statuses(statuses, words=words)
    if ticket.email:
        to = words.pgettext("hint", "An e-mail to {email}", email=ticket.email)[:100]
    else:
        to = words.pgettext("hint", "An e-mail to the customer")
    return Form(
        title=words.pgettext("form title", "Reply on {number}", number=_number(ticket))[:100],
        name="reply",
        hint=to,
        button_label=words.pgettext("button", "Send"),
        inputs=[
            TextareaInput(
                name="content",
                label=words.pgettext("input label", "Reply"),
                placeholder=words.pgettext("placeholder", "Your answer to the customer"),
                mandatory=True,
                max_length=5000,
            ),
            SelectInput(
                name="then_status",
                label=words.pgettext("input label", "Then set status"),
                placeholder=words.pgettext("placeholder", "Optional"),
                options=after,
                value="-",
            ),
            *_hidden(ticket, seen),
        ],
    )


def comment_form(ticket: Ticket, seen: int, *, public_allowed: bool = True, words: Words) -> Form:
    """A comment; the public/private choice only for those who may comment publicly (a light
    agent's comment is private, and the form says so instead of offering what they can't use)."""
    choice: list[RadioInput] = []
    if public_allowed:
        choice.append(
            RadioInput(
                name="visibility",
                label=words.pgettext("input label", "Who can see it"),
                hint=words.pgettext(
                    "hint", "Private: agents only. Public: the customer sees it too."
                ),
                options=visibilities(public_allowed=True, words=words),
                value="private",
                mandatory=True,
            )
        )
    private_only = words.pgettext("hint", "A private comment: agents see it, the customer doesn't.")
    return Form(
        title=words.pgettext("form title", "Comment on {number}", number=_number(ticket))[:100],
        name="comment",
        hint=None if public_allowed else private_only,
        button_label=words.pgettext("button", "Add"),
        inputs=[
            TextareaInput(
                name="content",
                label=words.pgettext("input label", "Comment"),
                placeholder=words.pgettext("placeholder", "Your comment"),
                mandatory=True,
                max_length=5000,
            ),
            *choice,
            *_hidden(ticket, seen),
        ],
    )
