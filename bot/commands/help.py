"""`/help` and the `ping` keyword: the first listeners, and a way to see everything else."""

from __future__ import annotations

import inspect

from bot.cliq.message import Card, Message, TableSlide
from bot.context import Context
from bot.router import Guard, Router

router = Router()


@router.command("help", usage="/help", takes=0)
async def help_command(ctx: Context, args: str) -> Message:
    """Lists the commands and words you can use, with their usage."""
    commands = sorted(
        [c for c in ctx.bot.router.commands if await _may_use(ctx, c.requires, c.admin is True)],
        key=lambda c: c.name,
    )
    rows = [{"Command": c.usage, "What it does": c.description or "-"} for c in commands]
    keywords = [
        k.label
        for k in ctx.bot.router.keywords
        if isinstance(k.pattern, str) and await _may_use(ctx, k.requires)
    ]
    text = "Words I understand in this chat: " + ", ".join(f"“{k}”" for k in keywords)
    return Message(
        text=text if keywords else "Commands you can use:",
        card=Card(title=f"{ctx.bot.name} help", theme="modern-inline"),
        slides=[TableSlide.of(["Command", "What it does"], rows, title="Commands")],
    )


async def _may_use(ctx: Context, requires: Guard | None, admin_only: bool = False) -> bool:
    """Whether the caller passes a listener's guard (and its admin rule, when the whole
    listener is admin-only): what they can't use isn't offered (issue 11 item 8)."""
    if getattr(ctx, "desk_problem", None) is not None:
        return True  # who they are can't be asked now: list it all, each answer says why
    if admin_only and not await ctx.caller_is_admin():
        return False
    if requires is None:
        return True
    refusal = requires(ctx)
    if inspect.isawaitable(refusal):
        refusal = await refusal
    return refusal is None


@router.keyword("ping")
async def ping(ctx: Context) -> Message:
    """Answers pong, with the server's time in the caller's zone."""
    return Message(text=f"pong ({ctx.now():%H:%M:%S %Z})")
