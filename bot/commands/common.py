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
from bot.i18n import Words
from bot.identity.connections import NotConnected
from bot.store.db import StoreUnavailable


def desk_agent(ctx: DeskContext) -> Message | Banner | None:
    """Guard (`requires=desk_agent` on a listener's decorator): the caller is a Desk agent.
    Returns None when they are one; else the card for a Cliq user with no Desk agent, or, when
    Desk could not be asked (down, or our token refused), the banner saying why."""
    if ctx.agent is not None:
        return None
    if ctx.desk_problem is not None:
        return desk_error_banner(ctx.desk_problem, ctx)
    return people.no_desk_agent(ctx.user.email, words=ctx.words)


async def desk_error_reply(error: DeskError, ctx: DeskContext) -> Banner | Message:
    """A listener's DeskError as the answer the caller can act on: when Zoho no longer accepts
    the caller's own Desk connection (revoked, expired, pushed out by their 20 newest, or the
    sandbox restarted), the Connect card with their own link; otherwise `desk_error_banner`."""
    if isinstance(error, TokenRefused) and not error.renew:
        return people.connect_desk(
            await ctx.connections.connect_url(ctx.user.email),
            reason=ctx.words.gettext(
                "Zoho no longer accepts your Desk connection ({code}): nothing was changed. "
                "Connect again, then try once more.",
                code=error.code,
            ),
            words=ctx.words,
        )
    return desk_error_banner(error, ctx)


def desk_error_banner(error: DeskError, ctx: DeskContext) -> Banner | Message:
    """Desk's refusals in words an agent can act on, in the caller's language (issue 4, issue
    11: each known class says what to do next), and our own token refused by Zoho (issue 17:
    the cause, and what an admin must renew). Desk's own message and codes are quoted as they
    are."""
    return people.refused(desk_error_text(error, ctx.words))


def desk_error_text(error: DeskError, words: Words) -> str:
    """`desk_error_banner`'s text, in the language of `words`."""
    _ = words.gettext
    if isinstance(error, TokenRefused):
        if not error.renew:
            return _(
                "Zoho refused your Desk connection ({code}). Run /deskbot connect to connect again.",
                code=error.code,
            )
        return _(
            "Zoho refused Deskbot's own Desk token ({code}), so Desk can't be reached. An admin "
            "must renew {renew}; it works again as soon as they do.",
            code=error.code,
            renew=error.renew,
        )
    if isinstance(error, ThresholdExceeded):
        return _(
            "Desk's API credits for today are used up, so nothing was changed. They renew "
            "daily; until then, make the change in Desk itself."
        )
    if isinstance(error, LicenseLimited):
        return _(
            "Your Desk edition doesn't include this, so nothing was changed. Make the change "
            "in Desk itself."
        )
    if isinstance(error, ScopeMismatch | OrgMismatch):
        return _(
            "The Desk connection can't do this ({code}). Run /deskbot connect to connect "
            "again; if it keeps happening, an admin must renew Deskbot's Desk token with the "
            "scopes the README lists.",
            code=error.code,
        )
    if isinstance(error, Forbidden):
        return _(
            "Desk says you don't have permission to do that. Ask your Desk administrator for "
            "it, or make the change in Desk."
        )
    if isinstance(error, NotFound):
        return _("That ticket is gone from Desk (deleted or moved).")
    if isinstance(error, NoReplyAddress):
        return _(
            "Desk has no reply address for this ticket's department, so nothing was sent. A "
            "Desk administrator must add one (Setup → Channels → Email)."
        )
    if isinstance(error, InvalidData):
        fields = [
            str(e.get("fieldName", "")).strip("/")
            for e in error.errors
            if isinstance(e, dict) and e.get("fieldName")
        ]
        said = error.message or error.code
        if fields:
            return _(
                "Desk refused the change ({fields}): {message}. Nothing was changed; check the "
                "values and try again.",
                fields=", ".join(fields[:5]),
                message=said,
            )
        return _(
            "Desk refused the change: {message}. Nothing was changed; check the values and "
            "try again.",
            message=said,
        )
    if isinstance(error, RateLimited):
        return _("Desk is busy; try again in a minute.")
    if isinstance(error, ServerError | DeskUnavailable):
        return _("Desk is busy or unreachable; try again soon.")
    return _("Desk refused: {message}", message=error.message or error.code)


def cliq_error_reply(error: CliqError, ctx: DeskContext) -> Banner | Message:
    """A Cliq call a listener made that Cliq refused or didn't answer, in words a person can
    act on (the listeners that expect one answer it themselves, more precisely)."""
    _ = ctx.words.gettext
    if isinstance(error, CliqCredentialsRefused):
        return people.refused(
            _(
                "Zoho refused Deskbot's own Cliq token ({code}). An admin must renew {renew}; "
                "it works again as soon as they do.",
                code=error.code,
                renew=error.renew,
            )
        )
    if isinstance(error, CliqRateLimited):
        wait = max(1, round(error.retry_after))
        return people.refused(
            _(
                "Cliq is limiting the bot's calls; try again in {seconds} s.",
                seconds=ctx.words.number(wait),
            )
        )
    if isinstance(error, CliqUnavailable):
        return people.refused(_("Cliq isn't answering the bot right now; try again in a minute."))
    return people.refused(_("Cliq refused: {message}", message=error.message or error.code))


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
    return people.with_post_here(message, answer_id, words=ctx.words)


def connect_card(error: NotConnected, ctx: DeskContext) -> Message:
    """A change that needs the caller's own Desk connection, which they have not made yet:
    the Connect card (SPEC D5)."""
    return people.connect_desk(error.connect_url, words=ctx.words)


def attendance_refused(error: AttendanceError, ctx: DeskContext) -> Banner | Message:
    """The attendance domain's refusals, whose messages are written to be shown as they are,
    in the caller's language."""
    return people.refused(error.text(ctx.words))


def store_unavailable_banner(error: StoreUnavailable, ctx: DeskContext) -> Banner | Message:
    """A command that must save while the store refuses writes (disk full, read-only): nothing
    was changed, and it works again by itself (the reason goes to the log and /healthz)."""
    return people.refused(ctx.words.gettext("Can't save right now. Try again in a minute."))


CANT_SAVE = "Can't save right now. Try again in a minute."
"""That banner's English text (for tests)."""
