"""`/pendingtickets` and `/deskstatus` (SPEC D6)."""

from __future__ import annotations

import asyncio

from bot.cards.summaries import SECTIONS, day_stats_card, pending_card
from bot.cliq.message import Banner, Message
from bot.commands.arguments import view
from bot.commands.common import desk_agent, shown_to_me_first
from bot.commands.context import DeskContext
from bot.desk.summaries import last_day, pending
from bot.i18n import N_
from bot.router import Router

router = Router()


@router.command(
    "pendingtickets",
    usage="/pendingtickets",
    takes=0,
    description=N_(
        "Open, on hold, overdue and unassigned counts (per department when you are in several)."
    ),
    requires=desk_agent,
)
async def pending_tickets(ctx: DeskContext, args: str) -> Message | Banner:
    assert ctx.agent is not None
    names = await ctx.names()
    departments = ctx.agent.associated_department_ids
    if len(departments) > 1:
        counts = await asyncio.gather(*(pending(ctx.desk, d) for d in departments))
        rows = [(names.get(d, d), c) for d, c in zip(departments, counts, strict=True)]
    else:
        only = departments[0] if departments else None
        everything = ctx.words.gettext("All departments")
        rows = [
            (names.get(only, everything) if only else everything, await pending(ctx.desk, only))
        ]
    return await shown_to_me_first(ctx, pending_card(rows, words=ctx.words))


@router.command(
    "deskstatus",
    usage=N_("/deskstatus [new | closed | happiness | top]"),
    takes=1,
    description=N_(
        "The last 24 hours: new and closed tickets, happiness ratings, the top 3 agents."
    ),
    requires=desk_agent,
)
async def desk_status(ctx: DeskContext, args: str) -> Message | Banner:
    section = view(args, ctx.words)  # a bad argument is a usage card
    stats = await last_day(ctx.desk, ctx.clock.now())
    names, sections = await ctx.names(), (section,) if section else SECTIONS
    card, posted = (
        day_stats_card(
            stats,
            zone=ctx.timezone,
            names=names,
            sections=sections,
            label_times=label_times,
            words=ctx.words,
        )
        for label_times in (False, True)
    )
    return await shown_to_me_first(ctx, card, posted=posted)
