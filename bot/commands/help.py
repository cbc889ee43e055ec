"""`/help` and the `ping` keyword: the first listeners, and a way to see everything else."""

from __future__ import annotations

import inspect

from bot.cliq.message import Card, Message, TableSlide
from bot.context import Context
from bot.i18n import N_, SOURCE
from bot.router import Guard, Keyword, Router

router = Router()


@router.command(
    "help",
    usage="/help",
    takes=0,
    description=N_("Lists the commands and words you can use, with their usage."),
)
async def help_command(ctx: Context, args: str) -> Message:
    """Lists the commands and words you can use, with their usage."""
    words = ctx.words
    commands = sorted(
        [c for c in ctx.bot.router.commands if await _may_use(ctx, c.requires, c.admin is True)],
        key=lambda c: c.name,
    )
    command, does = words.gettext("Command"), words.gettext("What it does")
    rows = [
        {
            command: words.gettext(c.usage),
            does: words.gettext(c.description) if c.description else "-",
        }
        for c in commands
    ]
    keywords = [
        k
        for k in ctx.bot.router.keywords
        if isinstance(k.pattern, str) and await _may_use(ctx, k.requires)
    ]
    labels = [f"“{label}”" for label in in_language(keywords, words.language)]
    text = words.gettext("Words I understand in this chat: {keywords}", keywords=", ".join(labels))
    return Message(
        text=text if labels else words.gettext("Commands you can use:"),
        card=Card(
            title=words.pgettext("card title", "{bot} help", bot=ctx.bot.name),
            theme="modern-inline",
        ),
        slides=[TableSlide.of([command, does], rows, title=words.gettext("Commands"))],
    )


def in_language(keywords: list[Keyword], language: str) -> list[str]:
    """One label per keyword listener: the one written in the reader's language where the same
    listener answers words in several (`Overdue Tickets` / `遅延中の問い合わせ`: English for an
    English reader, Japanese for the others), else its first."""
    by_listener: dict[int, list[str]] = {}
    for keyword in keywords:
        assert isinstance(keyword.pattern, str)
        by_listener.setdefault(id(keyword.listener), []).append(keyword.pattern)
    wanted = str.isascii if language == SOURCE else (lambda label: not label.isascii())
    return [next((lb for lb in labels if wanted(lb)), labels[0]) for labels in by_listener.values()]


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
