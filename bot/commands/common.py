"""What Deskbot's listeners share: "are you a Desk agent", Desk errors as banners, Post here."""

from __future__ import annotations

from attendance.errors import AttendanceError
from bot.cards import people
from bot.cliq.errors import CliqCredentialsRefused, CliqError, CliqRateLimited, CliqUnavailable
from bot.cliq.message import Banner, Message
from bot.commands.context import DeskContext
from bot.desk.errors import (
    DeskError,
    DeskUnavailable,
    Forbidden,
    InvalidData,
    LicenseLimited,
    NoReplyAddress,
    NotFound,
    OrgMismatch,
    RateLimited,
    ScopeMismatch,
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


async def desk_error_reply(error: DeskError, ctx: DeskContext) -> Banner | Message:
    """A listener's DeskError as the answer the caller can act on: when Zoho no longer accepts
    the caller's own Desk connection (revoked, expired, pushed out by their 20 newest, or the
    sandbox restarted), the Connect card with their own link; otherwise `desk_error_banner`."""
    if isinstance(error, TokenRefused) and not error.renew:
        return people.connect_desk(
            await ctx.connections.connect_url(ctx.user.email),
            reason=f"Zoho no longer accepts your Desk connection ({error.code}): nothing was "
            "changed. Connect again, then try once more.",
        )
    return desk_error_banner(error)


def desk_error_banner(error: DeskError) -> Banner | Message:
    """Desk's refusals in words an agent can act on (issue 4, issue 11: each known class says
    what to do next), and our own token refused by Zoho (issue 17: the cause, and what an
    admin must renew)."""
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
        return people.refused(
            "Desk's API credits for today are used up, so nothing was changed. They renew "
            "daily; until then, make the change in Desk itself."
        )
    if isinstance(error, LicenseLimited):
        return people.refused(
            "Your Desk edition doesn't include this, so nothing was changed. Make the change "
            "in Desk itself."
        )
    if isinstance(error, ScopeMismatch | OrgMismatch):
        return people.refused(
            f"The Desk connection can't do this ({error.code}). Run /deskbot connect to "
            "connect again; if it keeps happening, an admin must renew Deskbot's Desk token "
            "with the scopes the README lists."
        )
    if isinstance(error, Forbidden):
        return people.refused(
            "Desk says you don't have permission to do that. Ask your Desk administrator for "
            "it, or make the change in Desk."
        )
    if isinstance(error, NotFound):
        return people.refused("That ticket is gone from Desk (deleted or moved).")
    if isinstance(error, NoReplyAddress):
        return people.refused(
            "Desk has no reply address for this ticket's department, so nothing was sent. A "
            "Desk administrator must add one (Setup → Channels → Email)."
        )
    if isinstance(error, InvalidData):
        fields = [
            str(e.get("fieldName", "")).strip("/")
            for e in error.errors
            if isinstance(e, dict) and e.get("fieldName")
        ]
        named = f" ({', '.join(fields[:5])})" if fields else ""
        return people.refused(
            f"Desk refused the change{named}: {error.message or error.code}. Nothing was changed;"
            " check the values and try again."
        )
    if isinstance(error, RateLimited):
        return people.refused("Desk is busy; try again in a minute.")
    if isinstance(error, ServerError | DeskUnavailable):
        return people.refused("Desk is busy or unreachable; try again soon.")
    return people.refused(f"Desk refused: {error.message or error.code}")


def cliq_error_reply(error: CliqError) -> Banner | Message:
    """A Cliq call a listener made that Cliq refused or didn't answer, in words a person can
    act on (the listeners that expect one answer it themselves, more precisely)."""
    if isinstance(error, CliqCredentialsRefused):
        return people.refused(
            f"Zoho refused Deskbot's own Cliq token ({error.code}). An admin must renew "
            f"{error.renew}; it works again as soon as they do."
        )
    if isinstance(error, CliqRateLimited):
        wait = max(1, round(error.retry_after))
        return people.refused(f"Cliq is limiting the bot's calls; try again in {wait} s.")
    if isinstance(error, CliqUnavailable):
        return people.refused("Cliq isn't answering the bot right now; try again in a minute.")
    return people.refused(f"Cliq refused: {error.message or error.code}")


async def shown_to_me_first(
    ctx: DeskContext, message: Message, *, posted: Message | None = None
) -> Message:
    """A command's answer is the caller's alone until they press Post here (SPEC D8). `posted`
    is what Post here then posts for everyone (default: `message`): the same content with its
    times naming their zone, since its readers may be elsewhere (SPEC X2)."""
    chat = ctx.chat
    if chat is None or not chat.id:
        return message
    try:
        answer_id = await ctx.kept.keep(ctx.user.email, chat.id, (posted or message).to_wire())
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
