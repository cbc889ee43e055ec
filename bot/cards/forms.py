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
                options=[(s.value[:100], status_value(s.value)) for s in statuses][:MAX_OPTIONS],
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


def assign_choices(agents: Sequence[Agent], teams: Sequence[Team]) -> list[tuple[str, str]]:
    """(label, value) for each agent and team a ticket can be assigned to."""
    options = [(a.display_name[:100], f"agent:{a.id}") for a in agents]
    options += [(f"Team: {t.name}"[:100], f"team:{t.id}") for t in teams]
    return options


def matching(choices: Sequence[tuple[str, str]], query: str) -> list[tuple[str, str]]:
    """The choices whose label starts with `query`, then those containing it (case-insensitive),
    at most 100: how Cliq's dynamic field handler is documented to order them."""
    wanted = query.strip().casefold()
    first = [c for c in choices if c[0].casefold().startswith(wanted)]
    then = [c for c in choices if wanted in c[0].casefold() and c not in first]
    return [*first, *then][:MAX_OPTIONS]


def assign_form(ticket: Ticket, agents: Sequence[Agent], teams: Sequence[Team], seen: int) -> Form:
    """Agents and teams of the ticket's department: a drop-down of them, or, when there are more
    than Cliq's 100 options, a `dynamic_select` searched as the agent types (Cliq's advice for
    more than 100 results, dynamic-drop-down.html)."""
    options = assign_choices(agents, teams)
    owner: SelectInput | DynamicSelectInput
    if len(options) <= MAX_OPTIONS:
        owner = SelectInput(
            name="owner",
            label="Assign to",
            placeholder="An agent or a team",
            mandatory=True,
            options=options,
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
    after = [("Leave as it is", "-")] + [(s.value[:100], status_value(s.value)) for s in statuses]
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
                options=after[:MAX_OPTIONS],
                value="-",
            ),
            *_hidden(ticket, seen),
        ],
    )


def comment_form(ticket: Ticket, seen: int, *, public_allowed: bool = True) -> Form:
    visibility = [("Private: agents only", "private")]
    if public_allowed:
        visibility.append(("Public: the customer sees it", "public"))
    else:
        visibility.append(("Public (not allowed for you)", "private-only"))
    return Form(
        title=f"Comment on {_number(ticket)}"[:100],
        name="comment",
        button_label="Add",
        inputs=[
            TextareaInput(
                name="content",
                label="Comment",
                placeholder="Your comment",
                mandatory=True,
                max_length=5000,
            ),
            RadioInput(
                name="visibility",
                label="Who can see it",
                hint="Private: agents only. Public: the customer sees it too.",
                options=visibility,
                value="private",
                mandatory=True,
            ),
            *_hidden(ticket, seen),
        ],
    )
