"""`/deskbot connect | disconnect`: each agent's own Desk connection (SPEC D5)."""

from __future__ import annotations

from bot.cards import people
from bot.cliq.message import Banner, Message
from bot.commands.common import not_an_agent
from bot.commands.context import DeskContext
from bot.dispatch import UsageError
from bot.router import Router

router = Router()


@router.command(
    "deskbot",
    usage="/deskbot connect | disconnect",
    description="Connect your Zoho Desk account (for changes from cards), or remove it.",
)
async def deskbot(ctx: DeskContext, args: str) -> Message | Banner:
    word = args.strip().casefold()
    if word == "connect":
        refusal = not_an_agent(ctx)
        return refusal or people.connect_desk(ctx.svc.connections.connect_url(ctx.user.email))
    if word == "disconnect":
        removed = await ctx.svc.connections.disconnect(ctx.user.email)
        if removed:
            return people.done("Your Desk connection is removed.")
        return people.done("You had no Desk connection.")
    raise UsageError(f"“{args.strip()[:40]}” is not something /deskbot does." if word else "")
