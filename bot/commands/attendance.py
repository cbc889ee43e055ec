"""Attendance in chat (SPEC A1-A9, X4): check in and out, breaks, my status, my week, exports;
for admins the board, reports, checking an agent out, the status list and the purge.

Who may do what is decided on every call from the caller's Desk role and departments
(`[attendance]` in bot.toml; light agents are refused by default).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from pydantic import BaseModel, Field

from attendance.access import Access, AccessPolicy
from attendance.errors import MoveRefused, UnknownStatus
from attendance.models import StatusType
from bot.cards import people
from bot.cards.attendance import (
    CHANGE_STATUS_KEY,
    STATUS_FORM,
    change_status_form,
    status_card,
    statuses_text,
)
from bot.cards.keys import number
from bot.cards.paging import Section, layout
from bot.cliq.form import Form
from bot.cliq.markup import Markup, escape
from bot.cliq.message import Banner, Button, Card, Message
from bot.commands import attendance_reports as reports
from bot.commands.board import checkout_agent, show_board
from bot.commands.common import desk_agent
from bot.commands.context import DeskContext
from bot.dispatch import UsageError
from bot.router import ANY_OTHER, Router, typed
from bot.store.answers import AlreadyUsed

router = Router()
USAGE = (
    "/attendance [<status name> | status <agent> | week [date] | export [from] [to] [agents…]"
    " | board [page] | report [agents…|all] [from] [to] | checkout <agent> | statuses … | purge]"
)


def _access(ctx: DeskContext) -> Access:
    """What the caller, a Desk agent (every listener here requires one), may do."""
    assert ctx.agent is not None
    policy = AccessPolicy.from_config(ctx.config.attendance)
    return policy.decide(ctx.role, ctx.agent.associated_department_ids)


def _refusal(access: Access) -> Message | Banner | None:
    """Why the caller may not use attendance for themselves, or None (admin-only calls are
    decided by the router's admin guard instead)."""
    if not access.may_use:
        return people.refused(access.reason or "Attendance is not available to you.")
    return None


def attendance_user(ctx: DeskContext) -> Message | Banner | None:
    """Guard: the caller is a Desk agent who may use attendance for themselves (by default
    light agents may not: `[attendance] roles`); /help then leaves these commands out for
    those who may not."""
    return desk_agent(ctx) or _refusal(_access(ctx))


async def _move(ctx: DeskContext, status: int | str) -> Message | Banner:
    access = _access(ctx)
    refused = _refusal(access)
    if refused is not None:
        return refused
    tracker, tz = ctx.attendance, ctx.timezone.key
    name = ctx.agent.display_name if ctx.agent else None
    try:
        change = await tracker.move(ctx.user.email, status, name=name, tz=tz)
    except MoveRefused as refusal:  # the card shows the moves allowed now
        state = await tracker.status(ctx.user.email, tz=tz)
        return status_card(state, now=ctx.clock.now(), zone=ctx.timezone, note=str(refusal))
    note = Markup("Done: *{}*.").format(change.state.status.name)
    return status_card(change.state, now=ctx.clock.now(), zone=ctx.timezone, note=note)


@router.command(
    "checkin",
    usage="/checkin",
    description="Check in (start your day).",
    requires=attendance_user,
    takes=0,
)
async def checkin(ctx: DeskContext, args: str) -> Message | Banner:
    return await _move(ctx, "Check In")


@router.command(
    "checkout",
    usage="/checkout",
    description="Check out (end your day).",
    requires=attendance_user,
    takes=0,
)
async def checkout(ctx: DeskContext, args: str) -> Message | Banner:
    return await _move(ctx, "Check Out")


@router.command(
    "break",
    usage="/break [meal | short]",
    takes=1,
    description="Take a meal or short break.",
    requires=attendance_user,
)
async def take_break(ctx: DeskContext, args: str) -> Message | Banner:
    kind = typed(args).strip().casefold() or "short"
    if kind not in ("meal", "short"):
        raise UsageError(f"“{kind[:30]}” is not a break: meal or short.")
    return await _move(ctx, "Meal Break" if kind == "meal" else "Short Break")


ATTENDANCE_MENU = "Attendance"  # a parent menu action: Cliq allows 5 menu actions per bot


def _mover(status: str) -> Callable[[DeskContext], Awaitable[Message | Banner]]:
    """The listener that moves the caller to `status` (one per word and menu sub-action)."""

    async def listener(ctx: DeskContext) -> Message | Banner:
        return await _move(ctx, status)

    return listener


for _word, _status in (
    ("check in", "Check In"),
    ("check out", "Check Out"),
    ("meal break", "Meal Break"),
    ("short break", "Short Break"),
):
    router.keyword(_word, requires=attendance_user)(_mover(_status))
    router.menu(ATTENDANCE_MENU, sub_action=_word.title(), requires=attendance_user)(
        _mover(_status)
    )


@router.button("att", requires=attendance_user)
async def move_button(ctx: DeskContext, status_id: str) -> Message | Banner:
    status = number(status_id)
    if status is None:
        return people.refused("Old card: run /attendance again.")
    return await _move(ctx, status)


@router.button(CHANGE_STATUS_KEY, requires=desk_agent)
async def change_status(ctx: DeskContext, rest: str) -> Form | Message | Banner:
    """Every status allowed now, in a select (SPEC A1: more than the card's buttons hold)."""
    refused = _refusal(_access(ctx))
    if refused is not None:
        return refused
    state = await ctx.attendance.status(ctx.user.email, tz=ctx.timezone.key)
    return change_status_form(state.allowed)


class _Chosen(BaseModel):
    status: str = Field(max_length=18)


async def _allowed_now(ctx: DeskContext, values: dict[str, Any]) -> dict[str, list[str]]:
    """What the Change status form offers: the statuses allowed now (read again on submit)."""
    state = await ctx.attendance.status(ctx.user.email, tz=ctx.timezone.key)
    return {"status": [str(s.id) for s in state.allowed]}


@router.form(STATUS_FORM, requires=desk_agent, offered=_allowed_now)
async def status_chosen(ctx: DeskContext, values: _Chosen) -> Message | Banner:
    status = number(values.status)
    if status is None:
        return people.refused("Pick a status from the list.")
    return await _move(ctx, status)  # the state machine checks it is allowed now


async def _status_named(ctx: DeskContext, text: str) -> int | None:
    """The id of the status in use named `text` (case, spacing and full width forgiven)."""
    try:
        return (await ctx.attendance.book.get(typed(text))).id
    except UnknownStatus:
        return None


@router.otherwise()
async def typed_status(ctx: DeskContext, text: str) -> Message | Banner | None:
    """A status's name typed alone in the bot's chat (`Training`) moves the agent there."""
    if ctx.agent is None or len(text) > 100:
        return None  # not for attendance: the bot's usual answer
    status = await _status_named(ctx, text)
    return None if status is None else await _move(ctx, status)


ADMIN_VERBS = frozenset({"board", "report", "checkout", "statuses", "purge"})
VERBS: dict[str, int | None] = {
    "": 0,
    "status": 1,
    "week": None,
    "export": None,
    "board": 1,
    "report": None,
    "checkout": 1,
    "statuses": None,
    "purge": 0,
    ANY_OTHER: None,  # a status's name, looked up when called (SPEC A1)
}
"""Each /attendance verb → at most how many words follow it (None: the verb reads them)."""


def _admin_call(ctx: DeskContext, args: str) -> bool:
    """Admin-only: the admin verbs, and the status of someone else (checked by the router's
    guard on every call; yours is for everyone)."""
    words = args.split()
    verb = typed(words[0]).casefold() if words else ""
    return verb in ADMIN_VERBS or (
        verb == "status" and len(words) > 1 and not _is_me(ctx, words[1])
    )


@router.command(
    "attendance",
    usage=USAGE,
    description="With no words: your status and today's time; the words in the usage do the rest.",
    admin=_admin_call,
    requires=desk_agent,
    takes=VERBS,
)
async def attendance(ctx: DeskContext, args: str) -> Message | Banner:
    words = args.split()
    verb = typed(words[0]).casefold() if words else ""
    if not _admin_call(ctx, args):
        refused = _refusal(_access(ctx))
        if refused is not None:
            return refused
    tracker, tz, now = ctx.attendance, ctx.timezone.key, ctx.clock.now()
    if not verb:
        return status_card(await tracker.status(ctx.user.email, tz=tz), now=now, zone=ctx.timezone)
    if verb == "status":
        who = await _agent(ctx, words[1]) if len(words) > 1 else ctx.user.email
        state = await tracker.status(who, tz=tz)
        return status_card(state, now=now, zone=ctx.timezone).model_copy(
            update={
                "buttons": None,
                "text": f"{escape(state.name or who)}: {escape(state.status.name)}.",
            }
        )
    if verb == "week":
        return await reports.week(ctx, words[1:])
    if verb == "export":
        return await reports.export(ctx, words[1:])
    if verb == "board":
        if len(words) > 2 or (len(words) == 2 and number(words[1], max_digits=6) is None):
            raise UsageError("Usage: /attendance board [page number]")
        return await show_board(ctx, number(words[1]) or 1 if len(words) == 2 else 1)
    if verb == "report":
        return await reports.report(ctx, words[1:])
    if verb == "checkout":
        if len(words) != 2:
            raise UsageError("Usage: /attendance checkout <agent e-mail>")
        return await checkout_agent(ctx, await _agent(ctx, words[1]))
    if verb == "statuses":
        return await _statuses(ctx, words[1:])
    if verb == "purge":
        kept = await ctx.kept.keep(ctx.user.email, "", {"purge": True})
        return Message(
            text="This deletes *all* attendance data of every agent, for good. Sure?",
            card=Card(title="Purge attendance", theme="modern-inline"),
            buttons=[Button.invoke("Delete everything", key=f"attpurge:{kept}", negative=True)],
        )
    status = await _status_named(ctx, args)
    if status is not None:
        return await _move(ctx, status)
    statuses = statuses_text(await tracker.statuses())
    raise UsageError(f"“{escape(args[:40])}” is not an attendance command or status. {statuses}")


@router.button("attpurge", admin=True)
async def purge(ctx: DeskContext, answer_id: str) -> Banner | Message:
    try:
        kept = await ctx.kept.claim(answer_id, ctx.user.email)  # once, however clicked
    except AlreadyUsed:
        return people.done("Already done: the attendance data was deleted.")
    if kept is None:
        return people.refused("Confirmation expired; run /attendance purge again.")
    try:
        await ctx.attendance.purge()
    except BaseException:
        await ctx.kept.release(answer_id)
        raise
    return people.done("All attendance data is deleted.")


async def _statuses(ctx: DeskContext, words: list[str]) -> Message | Banner:
    tracker = ctx.attendance
    verb = typed(words[0]).casefold() if words else ""
    rest = words[1:]
    if verb == "add" and len(rest) >= 2:
        status = await tracker.add_status(" ".join(rest[:-1]), _type(rest[-1]))
        return people.done(f"Added {status.name} ({status.type.value}).")
    if verb == "rename" and "to" in rest:
        cut = rest.index("to")
        status = await tracker.rename_status(" ".join(rest[:cut]), " ".join(rest[cut + 1 :]))
        return people.done(f"Renamed to {status.name}.")
    if verb == "retype" and len(rest) >= 2:
        status = await tracker.retype_status(" ".join(rest[:-1]), _type(rest[-1]))
        return people.done(f"{status.name} is now {status.type.value}.")
    if verb == "delete" and rest:
        status = await tracker.delete_status(" ".join(rest))
        return people.done(f"Deleted {status.name}.")
    if verb:
        raise UsageError(
            "Usage: /attendance statuses [add <name> online|offline | rename <old> "
            "to <new> | retype <name> online|offline | delete <name>]"
        )
    lines = [
        f"{s.name} ({s.type.value}){'' if s.deletable else ', built in'}"
        for s in await tracker.statuses()
    ]
    shown = layout([Section("Statuses", lines)])  # one page: there are at most 24
    return Message(
        text="Attendance statuses: " + shown.line("statuses"),
        card=Card(title="Statuses", theme="modern-inline"),
        slides=shown.slides,
    )


def _type(word: str) -> StatusType:
    try:
        return StatusType(typed(word).casefold())
    except ValueError:
        raise UsageError(f"“{word[:20]}” is not a type: online or offline.") from None


def _is_me(ctx: DeskContext, who: str) -> bool:
    return typed(who).casefold() == ctx.user.email.casefold()


async def _agent(ctx: DeskContext, who: str) -> str:
    """An agent's e-mail from an e-mail or a name (spaces as _)."""
    wanted = typed(who).replace("_", " ").casefold()
    for agent in await ctx.directory.all():
        if wanted in ((agent.email_id or "").casefold(), agent.display_name.casefold()):
            return agent.email_id or ""
    raise UsageError(f"No Desk agent “{who[:40]}”.")
