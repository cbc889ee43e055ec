"""The admin's attendance board in chat (SPEC A6, X4): `/attendance board [page]`, its pages, an
agent's report opened from it, and checking an agent out from it after a confirmation.

Every listener here is admin-only, checked by the router on every call. The board is read anew
on every page (SPEC A9): a page number is all a button carries. Agents are Desk's active agents
whom the attendance policy lets use attendance (`[attendance]` in bot.toml), named as in Desk.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from pydantic import BaseModel, Field

from attendance.access import AccessPolicy
from attendance.errors import AlreadyCheckedOut
from attendance.models import EventKind
from attendance.views import AgentState, Board
from attendance.words import sentences
from bot.cards import people
from bot.cards.attendance import at
from bot.cards.board import (
    BOARD_KEY,
    CHECKOUT_FORM,
    CHECKOUT_KEY,
    CHECKOUT_PICK_KEY,
    REPORT_FORM,
    REPORT_PICK_KEY,
    board_card,
    board_page,
    confirm_checkout,
    page_agents,
    pick_form,
    shown_name,
)
from bot.cards.keys import number
from bot.cards.paging import page_number
from bot.cliq.form import Form
from bot.cliq.message import Banner, Message
from bot.commands.attendance_reports import open_report
from bot.commands.common import desk_agent
from bot.commands.context import DeskContext
from bot.identity.directory import attendance_agents
from bot.router import Router
from bot.store.answers import AlreadyUsed

router = Router()

REPORT_DAYS = 7
"""Days (ending today) of the report opened from the board."""


async def board_agents(ctx: DeskContext) -> dict[str, str]:
    """E-mail → name of every active Desk agent the attendance policy lets use attendance."""
    return await attendance_agents(ctx.directory, AccessPolicy.from_config(ctx.config.attendance))


async def read_board(ctx: DeskContext) -> Board:
    return await ctx.attendance.board(await board_agents(ctx), tz=ctx.timezone.key)


async def show_board(ctx: DeskContext, page: int = 1) -> Message:
    """Page `page` of the board, as read now."""
    board = await read_board(ctx)
    return board_card(board, page=page, now=ctx.clock.now(), zone=ctx.timezone, words=ctx.words)


@router.button(BOARD_KEY, admin=True, requires=desk_agent)
async def board_button(ctx: DeskContext, rest: str) -> Message:
    _, page = page_number(rest)
    return await show_board(ctx, page)


async def _page_agents(ctx: DeskContext, rest: str) -> tuple[int, list[AgentState]]:
    _, page = page_number(rest)
    board = await read_board(ctx)
    shown = board_page(board, page, now=ctx.clock.now(), zone=ctx.timezone, words=ctx.words)
    return shown.number, page_agents(board, shown)


async def _pick(
    ctx: DeskContext, rest: str, form: str, title: str, *, checked_in: bool
) -> Form | Banner | Message:
    page, agents = await _page_agents(ctx, rest)
    if checked_in:
        agents = [a for a in agents if a.checked_in]
    if not agents:
        return people.refused(ctx.words.gettext("No one on this page is checked in now."))
    kept = await ctx.kept.keep(
        ctx.user.email, "", {"agents": [a.email for a in agents], "page": page}
    )
    return pick_form(form, title, agents, kept, ctx.words)


@router.button(REPORT_PICK_KEY, admin=True, requires=desk_agent)
async def pick_report(ctx: DeskContext, rest: str) -> Form | Banner | Message:
    title = ctx.words.pgettext("form title", "Agent report")
    return await _pick(ctx, rest, REPORT_FORM, title, checked_in=False)


@router.button(CHECKOUT_PICK_KEY, admin=True, requires=desk_agent)
async def pick_checkout(ctx: DeskContext, rest: str) -> Form | Banner | Message:
    title = ctx.words.pgettext("form title", "Check an agent out")
    return await _pick(ctx, rest, CHECKOUT_FORM, title, checked_in=True)


class Picked(BaseModel):
    agent: str = Field(max_length=6)
    kept: str = Field(max_length=64)


async def _picked(ctx: DeskContext, values: Picked) -> tuple[str, dict[str, Any]] | None:
    """The picked agent's e-mail and the kept pick, or None for an old or altered form."""
    kept = await ctx.kept.get(values.kept)
    index = number(values.agent, max_digits=3)
    if kept is None or kept.owner != ctx.user.email or index is None:
        return None
    agents = kept.payload.get("agents", [])
    if index >= len(agents):
        return None
    return agents[index], kept.payload


async def _kept_pick(ctx: DeskContext, values: dict[str, Any]) -> dict[str, list[str]]:
    """What a board form offered: a position in its kept list of agents (this admin's)."""
    kept = await ctx.kept.get(str(values.get("kept") or "")[:64])
    if kept is None or kept.owner != ctx.user.email:
        return {"agent": []}
    return {"agent": [str(i) for i in range(len(kept.payload.get("agents", [])))]}


@router.form(REPORT_FORM, admin=True, requires=desk_agent, offered=_kept_pick)
async def report_picked(ctx: DeskContext, values: Picked) -> Message | Banner:
    picked = await _picked(ctx, values)
    if picked is None:
        return people.refused(ctx.words.gettext("That form is too old: open the board again."))
    return await agent_report(ctx, picked[0])


async def agent_report(ctx: DeskContext, email: str) -> Message:
    """The agent's report over the last `REPORT_DAYS` days (list view; table view, other pages
    and Export CSV from its buttons)."""
    today = ctx.now().date()
    start = today - timedelta(days=REPORT_DAYS - 1)
    return await open_report(ctx, [email], start, today)


@router.form(CHECKOUT_FORM, admin=True, requires=desk_agent, offered=_kept_pick)
async def checkout_picked(ctx: DeskContext, values: Picked) -> Message | Banner:
    picked = await _picked(ctx, values)
    if picked is None:
        return people.refused(ctx.words.gettext("That form is too old: open the board again."))
    email, payload = picked
    state = await ctx.attendance.status(email, tz=ctx.timezone.key)
    if not state.checked_in:
        return already_out(ctx, AlreadyCheckedOut(state.email, state.name, state.since))
    kept = await ctx.kept.keep(ctx.user.email, "", {"checkout": email})
    page = int(payload.get("page", 1))
    return confirm_checkout(
        state, kept, page=page, now=ctx.clock.now(), zone=ctx.timezone, words=ctx.words
    )


@router.button(CHECKOUT_KEY, admin=True, requires=desk_agent)
async def checkout_confirmed(ctx: DeskContext, answer_id: str) -> Message | Banner:
    try:
        kept = await ctx.kept.claim(answer_id, ctx.user.email)  # once, however often clicked
    except AlreadyUsed:
        return people.done(ctx.words.gettext("Already done: that agent was checked out."))
    if kept is None or "checkout" not in kept.payload:
        return people.refused(ctx.words.gettext("Confirmation expired: open the board again."))
    return await checkout_agent(ctx, kept.payload["checkout"])


async def checkout_agent(ctx: DeskContext, email: str) -> Message | Banner:
    """Check `email` out as the calling admin (the agent is told by DM); an agent already out
    is said to be so, with since when."""
    names = await board_agents(ctx)
    admin_name = ctx.agent.display_name if ctx.agent else ""
    try:
        change = await ctx.attendance.admin_checkout(
            email,
            ctx.user.email,
            tz=ctx.timezone.key,
            admin_name=admin_name,
            agent_name=names.get(email) or None,
        )
    except AlreadyCheckedOut as out:
        return already_out(ctx, out, names.get(email, ""))
    words = ctx.words
    done = words.gettext(
        "{name} is checked out (by you, at {time}).",
        name=shown_name(change.state),
        time=at(change.event.at, ctx.timezone, ctx.clock.now(), words),
    )
    if change.event.kind is not EventKind.NORMAL:
        done = sentences(words, done, words.gettext("They are told by DM."))
    return people.done(done)


def already_out(ctx: DeskContext, out: AlreadyCheckedOut, name: str = "") -> Banner | Message:
    who, words = out.name or name or out.email, ctx.words
    if out.since is None:
        return people.refused(
            words.gettext("{name} is not checked in (never checked in).", name=who)
        )
    since = at(out.since, ctx.timezone, ctx.clock.now(), words)
    return people.refused(
        words.gettext("{name} is already checked out (since {time}).", name=who, time=since)
    )
