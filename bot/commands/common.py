"""What Deskbot's listeners share: "are you a Desk agent", Desk errors as banners, Post here."""

from __future__ import annotations

from attendance.errors import AttendanceError
from bot.cards import people
from bot.cliq.message import Banner, Message
from bot.commands.context import DeskContext
from bot.desk.errors import (
    DeskError,
    DeskUnavailable,
    Forbidden,
    NotFound,
    RateLimited,
    ServerError,
    ThresholdExceeded,
    TokenRefused,
)
from bot.identity.connections import NotConnected
from bot.store.db import StoreUnavailable


def desk_agent(ctx: DeskContext) -> Message | Banner | None:
    """Guard (`requires=desk_agent` on a listener's decorator): the caller is a Desk agent.
    Returns None when they are one; else the card for a Cliq user with no Desk agent, or, when
    Desk could not be asked (down, or our token refused), the banner saying why."""
    if ctx.agent is not None:
        return None
    if ctx.desk_problem is not None:
        return desk_error_banner(ctx.desk_problem)
    return people.no_desk_agent(ctx.user.email)


def desk_error_banner(error: DeskError) -> Banner:
    """Desk's refusals in words an agent can act on (issue 4: permission, gone, quota), and
    our own token refused by Zoho (issue 17: the cause, and what an admin must renew)."""
    if isinstance(error, TokenRefused):
        if not error.renew:
            return people.refused(
                f"Zoho refused your Desk connection ({error.code}). "
                "Run /deskbot connect to connect again."
            )
        return people.refused(
            f"Zoho refused Deskbot's own Desk token ({error.code}), so Desk can't be reached. "
            f"An admin must renew {error.renew}; it works again as soon as they do."
        )
    if isinstance(error, ThresholdExceeded):
        return people.refused("Desk's API credits for today are used up.")
    if isinstance(error, Forbidden):
        return people.refused("Desk says you don't have permission to do that.")
    if isinstance(error, NotFound):
        return people.refused("That ticket is gone from Desk (deleted or moved).")
    if isinstance(error, RateLimited | ServerError | DeskUnavailable):
        return people.refused("Desk is busy or unreachable; try again soon.")
    return people.refused(f"Desk refused: {error.message or error.code}")


async def shown_to_me_first(ctx: DeskContext, message: Message) -> Message:
    """A command's answer is the caller's alone until they press Post here (SPEC D8)."""
    chat = ctx.chat
    if chat is None or not chat.id:
        return message
    try:
        answer_id = await ctx.kept.keep(ctx.user.email, chat.id, message.to_wire())
    except StoreUnavailable:
        return message  # the answer still shows; only Post here needs the store
    return people.with_post_here(message, answer_id)


def connect_card(error: NotConnected) -> Message:
    """A change that needs the caller's own Desk connection, which they have not made yet:
    the Connect card (SPEC D5)."""
    return people.connect_desk(error.connect_url)


def attendance_refused(error: AttendanceError) -> Banner | Message:
    """The attendance domain's refusals, whose messages are written to be shown as they are."""
    return people.refused(str(error))


def store_unavailable_banner(error: StoreUnavailable) -> Banner | Message:
    """A command that must save while the store refuses writes (disk full, read-only): nothing
    was changed, and it works again by itself (the reason goes to the log and /healthz)."""
    return people.refused(CANT_SAVE)


CANT_SAVE = "Can't save right now. Try again in a minute."
