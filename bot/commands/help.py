"""`/help` and the `ping` keyword: the first listeners, and a way to see everything else."""

from __future__ import annotations

from bot.cliq.message import Card, Message, TableSlide
from bot.context import Context
from bot.router import Router

router = Router()


@router.command("help", usage="/help", takes=0)
async def help_command(ctx: Context, args: str) -> Message:
    """Lists every command with its usage."""
    commands = sorted(ctx.bot.router.commands, key=lambda c: c.name)
    rows = [{"Command": c.usage, "What it does": c.description or "-"} for c in commands]
    keywords = [k.label for k in ctx.bot.router.keywords if isinstance(k.pattern, str)]
    text = "Words I understand in this chat: " + ", ".join(f"“{k}”" for k in keywords)
    return Message(
        text=text if keywords else "Commands you can use:",
        card=Card(title=f"{ctx.bot.name} help", theme="modern-inline"),
        slides=[TableSlide.of(["Command", "What it does"], rows, title="Commands")],
    )


@router.keyword("ping")
async def ping(ctx: Context) -> Message:
    """Answers pong, with the server's time in the caller's zone."""
    return Message(text=f"pong ({ctx.now():%H:%M:%S %Z})")
