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


def status_form(ticket: Ticket, statuses: Sequence[TicketStatus], seen: int) -> Form:
    return Form(
        title=f"Status of {_number(ticket)}"[:100],
        name="status",
        hint=f"Now: {ticket.status}",
        button_label="Change",
        inputs=[
            SelectInput(
                name="status",
                label="New status",
                placeholder="Pick a status",
                mandatory=True,
                options=status_choices(statuses),
                value=status_value(ticket.status) if ticket.status else None,
            ),
            TextareaInput(
                name="note",
                label="Note",
                placeholder="Optional: added as a private comment",
                mandatory=False,
                max_length=5000,
            ),
            *_hidden(ticket, seen),
        ],
    )


def assign_choices(
    agents: Sequence[Agent], teams: Sequence[Team], *, me: str | None = None
) -> list[tuple[str, str]]:
    """(label, value) for each agent and team a ticket can be assigned to; the agent whose id
    is `me` (the reader) first, as "Me (name)": Assign to me, wherever the card had no room for
    its button."""
    mine = [(f"Me ({a.display_name})"[:100], f"agent:{a.id}") for a in agents if a.id == me]
    options = mine + [(a.display_name[:100], f"agent:{a.id}") for a in agents if a.id != me]
    options += [(f"Team: {t.name}"[:100], f"team:{t.id}") for t in teams]
    return options


def status_choices(statuses: Sequence[TicketStatus]) -> list[tuple[str, str]]:
    """The Status form's choices: Desk's statuses, as (label, option value)."""
    return [(s.value[:100], status_value(s.value)) for s in statuses][:MAX_OPTIONS]


def reply_statuses(statuses: Sequence[TicketStatus]) -> list[tuple[str, str]]:
    """The Reply form's "then set status" choices: leave it, or one of Desk's statuses."""
    after = [("Leave as it is", "-")] + [(s.value[:100], status_value(s.value)) for s in statuses]
    return after[:MAX_OPTIONS]


def visibilities(*, public_allowed: bool) -> list[tuple[str, str]]:
    """The Comment form's "who can see it" choices: public only for those allowed to."""
    private = [("Private: agents only", "private")]
    return [*private, ("Public: the customer sees it", "public")] if public_allowed else private


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
) -> Form:
    """Agents and teams of the ticket's department: a drop-down of them, or, when there are more
    than Cliq's 100 options, a `dynamic_select` searched as the agent types (Cliq's advice for
    more than 100 results, dynamic-drop-down.html). The reader (`me`) comes first, chosen
    already when the ticket has no owner."""
    options = assign_choices(agents, teams, me=me if me != ticket.assignee_id else None)
    owner: SelectInput | DynamicSelectInput
    if len(options) <= MAX_OPTIONS:
        mine = options[0][1] if options and options[0][0].startswith("Me (") else None
        owner = SelectInput(
            name="owner",
            label="Assign to",
            placeholder="An agent or a team",
            mandatory=True,
            options=options,
            value=mine if mine and not ticket.assignee_id else None,
        )
    else:
        owner = DynamicSelectInput(
            name="owner",
            label="Assign to",
            placeholder="Type a name",
            mandatory=True,
        )
    return Form(
        title=f"Assign {_number(ticket)}"[:100],
        name="assign",
        hint="Agents and teams of the ticket's department",
        button_label="Assign",
        inputs=[owner, *_hidden(ticket, seen)],
    )


def reply_form(ticket: Ticket, statuses: Sequence[TicketStatus], seen: int) -> Form:
    after = reply_statuses(statuses)
    return Form(
        title=f"Reply on {_number(ticket)}"[:100],
        name="reply",
        hint=f"An e-mail to {ticket.email or 'the customer'}",
        button_label="Send",
        inputs=[
            TextareaInput(
                name="content",
                label="Reply",
                placeholder="Your answer to the customer",
                mandatory=True,
                max_length=5000,
            ),
            SelectInput(
                name="then_status",
                label="Then set status",
                placeholder="Optional",
                options=after,
                value="-",
            ),
            *_hidden(ticket, seen),
        ],
    )


def comment_form(ticket: Ticket, seen: int, *, public_allowed: bool = True) -> Form:
    """A comment; the public/private choice only for those who may comment publicly (a light
    agent's comment is private, and the form says so instead of offering what they can't use)."""
    choice: list[RadioInput] = []
    if public_allowed:
        choice.append(
            RadioInput(
                name="visibility",
                label="Who can see it",
                hint="Private: agents only. Public: the customer sees it too.",
                options=visibilities(public_allowed=True),
                value="private",
                mandatory=True,
            )
        )
    return Form(
        title=f"Comment on {_number(ticket)}"[:100],
        name="comment",
        hint=None if public_allowed else "A private comment: agents see it, the customer doesn't.",
        button_label="Add",
        inputs=[
            TextareaInput(
                name="content",
                label="Comment",
                placeholder="Your comment",
                mandatory=True,
                max_length=5000,
            ),
            *choice,
            *_hidden(ticket, seen),
        ],
    )
