"""Acting on a ticket from its card (SPEC D5, X4): Status, Assign, Reply, Comment, Assign to me.

A button opens a form; the submit changes the ticket in Desk *as the agent who clicked* (their
own connection), then edits the card in place with an audit line. A card drawn before someone
else changed the ticket asks before overwriting. Desk's refusals become clear banners.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Literal

from pydantic import BaseModel, Field

from bot.cards import people, when
from bot.cards.forms import (
    assign_choices,
    assign_form,
    comment_form,
    matching,
    reply_form,
    reply_statuses,
    status_choices,
    status_form,
    status_named,
    visibilities,
)
from bot.cards.keys import parse_ticket_key
from bot.cards.tickets import edited_ticket_card, ticket_card
from bot.cliq.form import DynamicOptions, Form, options_of
from bot.cliq.markup import escape
from bot.cliq.message import Banner, Button, Message, MessageEdit
from bot.commands.common import desk_agent
from bot.commands.context import DeskContext
from bot.desk.client import DeskClient
from bot.desk.errors import DeskError, InvalidData
from bot.desk.people import Agent, Team
from bot.desk.tickets import Ticket, TicketStatus
from bot.router import Router
from bot.store.answers import AlreadyUsed

router = Router()
Answer = Form | Message | MessageEdit | Banner
Change = Callable[[DeskClient, Ticket], Awaitable[str]]  # makes the change; returns the audit


class TicketValues(BaseModel):
    ticket: str = Field(pattern=r"^[0-9]{1,25}$")
    seen: int = 0
    force: bool = False


class StatusValues(TicketValues):
    status: str = Field(min_length=1, max_length=50)
    note: str = Field(default="", max_length=5000)  # added as a private comment


class AssignValues(TicketValues):
    owner: str = Field(pattern=r"^(agent|team):[0-9]{1,25}$")


class ReplyValues(TicketValues):
    content: str = Field(min_length=1, max_length=5000)
    then_status: str = "-"


class CommentValues(TicketValues):
    content: str = Field(min_length=1, max_length=5000)
    visibility: Literal["private", "public"] = "private"


# --- buttons open forms ------------------------------------------------------------------


async def _open(ctx: DeskContext, action: str, rest: str) -> Answer:
    words = ctx.words
    try:
        key = parse_ticket_key(rest)
    except ValueError:
        return people.refused(words.gettext("Old card: run the command again."))
    if ctx.role == "light" and action != "comment":
        return people.refused(words.gettext("Light agents can't change tickets in Desk."))
    await ctx.desk_as_me()  # not connected yet: the Connect card (the bot's error replies)
    ticket = await ctx.desk.ticket(key.ticket_id)
    if action == "status":
        return status_form(ticket, await ctx.statuses(), key.seen, words=words)
    if action == "reply":
        return reply_form(ticket, await ctx.statuses(), key.seen, words=words)
    if action == "comment":
        return comment_form(ticket, key.seen, public_allowed=ctx.role != "light", words=words)
    agents, teams = await _assignable(ctx, ticket)
    me = ctx.agent.id if ctx.agent else None
    return assign_form(ticket, agents, teams, key.seen, me=me, words=words)


async def _assignable(ctx: DeskContext, ticket: Ticket) -> tuple[list[Agent], list[Team]]:
    """The agents and teams of the ticket's department (everyone when it has none)."""
    department = ticket.department_id
    agents = [
        a
        for a in await ctx.directory.all()
        if not department or department in a.associated_department_ids
    ]
    teams = await ctx.desk.teams(department) if department else []
    return agents, teams


@router.dynamic_select("assign", "owner")
async def assign_options(ctx: DeskContext, query: str, values: dict[str, Any]) -> DynamicOptions:
    """The Assign form's owners matching what the agent typed (more than 100 to choose from)."""
    ticket_id = str(values.get("ticket") or "")
    if ctx.agent is None or not ticket_id.isdigit():
        return DynamicOptions()
    try:
        ticket = await ctx.desk.ticket(ticket_id)
        agents, teams = await _assignable(ctx, ticket)
    except DeskError:
        return DynamicOptions()
    me = ctx.agent.id if ctx.agent.id != ticket.assignee_id else None
    choices = assign_choices(agents, teams, me=me, words=ctx.words)
    return DynamicOptions(options=options_of(matching(choices, query)))


for _action in ("status", "assign", "reply", "comment"):

    def _opener(action: str) -> Callable[[DeskContext, str], Awaitable[Answer]]:
        async def listener(ctx: DeskContext, rest: str) -> Answer:
            return await _open(ctx, action, rest)

        return listener

    router.button(_action, requires=desk_agent)(_opener(_action))


@router.button("mine", requires=desk_agent)
async def assign_to_me(ctx: DeskContext, rest: str) -> Answer:
    """One click: the clicking agent takes the ticket."""
    try:
        key = parse_ticket_key(rest)
    except ValueError:
        return people.refused(ctx.words.gettext("Old card: run the command again."))
    assert ctx.agent is not None
    values = AssignValues(ticket=key.ticket_id, seen=key.seen, owner=f"agent:{ctx.agent.id}")
    return await set_owner(ctx, values)


# --- what each form offered, derived again on submit (the router checks the values) ------


def _values_of(choices: list[tuple[str, str]]) -> list[str]:
    return [value for _, value in choices]


async def _statuses_for(ctx: DeskContext, submitted: Any) -> list[TicketStatus]:
    """Desk's statuses now: re-read once when the submitted one is not among those known."""
    statuses = await ctx.statuses()
    if isinstance(submitted, str) and submitted not in ("", "-"):
        if status_named(submitted, statuses) is None:
            statuses = await ctx.statuses(fresh=True)
    return statuses


async def offered_statuses(ctx: DeskContext, values: dict[str, Any]) -> dict[str, list[str]]:
    """The Status form's statuses: Desk's current list."""
    statuses = await _statuses_for(ctx, values.get("status"))
    return {"status": _values_of(status_choices(statuses))}


async def offered_reply(ctx: DeskContext, values: dict[str, Any]) -> dict[str, list[str]]:
    """The Reply form's "then set status": leave it, or one of Desk's current statuses."""
    statuses = await _statuses_for(ctx, values.get("then_status"))
    return {"then_status": _values_of(reply_statuses(statuses, words=ctx.words))}


async def offered_owners(ctx: DeskContext, values: dict[str, Any]) -> dict[str, list[str]]:
    """The Assign form's owners: the agents and teams of the ticket's department now."""
    ticket = await ctx.desk.ticket(str(values.get("ticket") or ""))
    agents, teams = await _assignable(ctx, ticket)
    return {"owner": _values_of(assign_choices(agents, teams, words=ctx.words))}


def offered_visibility(ctx: DeskContext, values: dict[str, Any]) -> dict[str, list[str]]:
    """The Comment form's "who can see it": public only for those who may comment publicly."""
    allowed = visibilities(public_allowed=ctx.role != "light", words=ctx.words)
    return {"visibility": _values_of(allowed)}


# --- forms make the change ---------------------------------------------------------------


async def _status(ctx: DeskContext, value: str) -> str | None:
    """The Desk status a form's option value stands for (statuses re-read once if unknown)."""
    found = status_named(value, await ctx.statuses())
    return found or status_named(value, await ctx.statuses(fresh=True))


@router.form("status", requires=desk_agent, offered=offered_statuses)
async def set_status(ctx: DeskContext, values: StatusValues) -> Answer:
    words = ctx.words
    status = await _status(ctx, values.status)
    if status is None:
        return people.refused(
            words.gettext(
                "Desk has no status “{status}” any more; pick another.", status=values.status
            )
        )

    async def change(desk: DeskClient, ticket: Ticket) -> str:
        await desk.update_ticket(ticket.id, status=status)
        if values.note.strip():
            await desk.add_comment(ticket.id, values.note, public=False)
            return words.gettext("Status → {status}, note added", status=status)
        return words.gettext("Status → {status}", status=status)

    return await _perform(ctx, "status", values, change)


@router.form("assign", requires=desk_agent, offered=offered_owners)
async def set_owner(ctx: DeskContext, values: AssignValues) -> Answer:
    kind, _, owner_id = values.owner.partition(":")
    words = ctx.words

    async def change(desk: DeskClient, ticket: Ticket) -> str:
        if kind == "agent":
            await desk.update_ticket(ticket.id, assignee_id=owner_id)
            agent = await ctx.directory.by_id(owner_id)
            name = agent.display_name if agent else owner_id
            return words.gettext("Assigned → {name}", name=name)
        try:
            await desk.update_ticket(ticket.id, team_id=owner_id, assignee_id=None)
        except InvalidData as error:
            if not _refused_field(error, "teamId"):
                raise
            raise TeamNotAssignable(
                words.gettext("teams can't be assigned from here; pick an agent"),
                status=error.status,
                code=error.code,
                body=error.body,
            ) from error
        return words.gettext("Assigned → a team")

    return await _perform(ctx, "assign", values, change)


class TeamNotAssignable(InvalidData):
    """Desk refused `teamId` in the ticket update: Ticket.json's update body does not list it
    (some portals take it anyway; docs/zoho-contract.md), so assigning a team is left to Desk."""


def _refused_field(error: InvalidData, field: str) -> bool:
    """Whether Desk's 422 names `field` among the refused ones (`errors[].fieldName`)."""
    found = error.body.get("errors") if isinstance(error.body, dict) else None
    return any(
        isinstance(e, dict) and str(e.get("fieldName", "")).strip("/") == field for e in found or []
    )


@router.form("reply", requires=desk_agent, offered=offered_reply)
async def send_reply(ctx: DeskContext, values: ReplyValues) -> Answer:
    words = ctx.words
    status = None
    if values.then_status not in ("", "-"):
        status = await _status(ctx, values.then_status)
        if status is None:
            return people.refused(
                words.gettext(
                    "Desk has no status “{status}”; pick another.", status=values.then_status
                )
            )

    async def change(desk: DeskClient, ticket: Ticket) -> str:
        await desk.send_reply(ticket.id, values.content, ticket_status=status)
        if status:
            return words.gettext("Replied, status → {status}", status=status)
        return words.gettext("Replied")

    return await _perform(ctx, "reply", values, change)


@router.form("comment", requires=desk_agent, offered=offered_visibility)
async def add_comment(ctx: DeskContext, values: CommentValues) -> Answer:
    words = ctx.words

    async def change(desk: DeskClient, ticket: Ticket) -> str:
        public = values.visibility == "public"
        await desk.add_comment(ticket.id, values.content, public=public)
        if public:
            return words.gettext("Public comment added")
        return words.gettext("Private comment added")

    return await _perform(ctx, "comment", values, change)


@router.button("confirm", requires=desk_agent)
async def confirm_overwrite(ctx: DeskContext, answer_id: str) -> Answer:
    """The agent saw the newer ticket and still wants their change: once. The confirmation is
    claimed before Desk is asked, so a second click (or a retried call) changes nothing more;
    if the change fails, the claim is given back and the button works again."""
    try:
        kept = await ctx.kept.claim(answer_id, ctx.user.email)
    except AlreadyUsed:
        return people.done(ctx.words.gettext("Already done: your change was applied."))
    if kept is None:
        return people.refused(ctx.words.gettext("Confirmation expired; start again from the card."))
    action, raw = kept.payload["action"], {**kept.payload["values"], "force": True}
    handlers: dict[str, tuple[type[TicketValues], Callable[..., Awaitable[Answer]]]] = {
        "status": (StatusValues, set_status),
        "assign": (AssignValues, set_owner),
        "reply": (ReplyValues, send_reply),
        "comment": (CommentValues, add_comment),
    }
    model, handler = handlers[action]
    try:
        return await handler(ctx, model.model_validate(raw))
    except BaseException:
        await ctx.kept.release(answer_id)
        raise


async def _perform(ctx: DeskContext, action: str, values: TicketValues, change: Change) -> Answer:
    """The change of a form submitted (or confirmed) by a Desk agent (the route's guard)."""
    words = ctx.words
    if ctx.role == "light" and action != "comment":
        return people.refused(words.gettext("Light agents can't change tickets in Desk."))
    desk = await ctx.desk_as_me()
    current = await desk.ticket(values.ticket)
    changed_since = int(current.modified_time.timestamp()) if current.modified_time else 0
    if values.seen and changed_since > values.seen and not values.force:
        return await _ask_before_overwriting(ctx, action, values, current)
    audit = await change(desk, current)
    updated = await ctx.desk.ticket(values.ticket, include=["contacts"])
    who = ctx.user.first_name or (ctx.agent.display_name if ctx.agent else ctx.user.email)
    stamp = when.local(ctx.clock.now(), ctx.timezone, ctx.clock.now(), words=words)
    return edited_ticket_card(
        updated,
        audit=words.gettext("{change} by {who} at {time}", change=audit, who=who, time=stamp),
        now=ctx.clock.now(),
        zone=ctx.timezone,
        names=await ctx.names(),
        viewer_agent_id=ctx.agent.id if ctx.agent else None,
        viewer_role=ctx.role,
        words=words,
    )


async def _ask_before_overwriting(
    ctx: DeskContext, action: str, values: TicketValues, current: Ticket
) -> Message:
    chat_id = ctx.chat.id if ctx.chat else ""
    payload: dict[str, Any] = {"action": action, "values": values.model_dump(exclude={"force"})}
    kept = await ctx.kept.keep(ctx.user.email, chat_id, payload)
    words = ctx.words
    card = ticket_card(
        current,
        now=ctx.clock.now(),
        zone=ctx.timezone,
        names=await ctx.names(),
        room=0,
        words=words,
    )
    changed = (
        when.local(current.modified_time, ctx.timezone, ctx.clock.now(), words=words)
        if current.modified_time
        else "?"
    )
    asked = words.gettext(
        "Someone changed this ticket in Desk at {time}, after your card was drawn. This is how"
        " it looks now. Apply your change anyway?",
        time=changed,
    )
    return card.replace(
        text=escape(asked),
        buttons=[Button.invoke(words.pgettext("button", "Apply anyway"), key=f"confirm:{kept}")],
    )
