"""Attendance in chat (SPEC A1-A9, X4): check in and out, breaks, my status, my week, exports;
for admins the board, reports, checking an agent out, the status list and the purge.

Who may do what is decided on every call from the caller's Desk role and departments
(`[attendance]` in bot.toml; light agents are refused by default).

Every answer is in the caller's language (`ctx.words`); the words people type work in every
language the bot speaks, whatever theirs: a default status's name (出勤 / Check In, 退勤 / Check
Out, 食事休憩 / Meal Break, 小休憩 / Short Break, even once renamed), the /attendance verbs
(レポート / report…) and status types (オンライン / online), full width, case and spacing
forgiven.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from pydantic import BaseModel, Field

from attendance.access import Access, AccessPolicy
from attendance.errors import MoveRefused, UnknownStatus
from attendance.models import CHECK_IN, CHECK_OUT, MEAL_BREAK, SHORT_BREAK, StatusType
from attendance.views import AgentState
from attendance.words import DEFAULT_NAMES, TYPE_NAMES, sentences, shown_name, type_name
from bot.cards import people
from bot.cards.attendance import (
    CHANGE_STATUS_KEY,
    STATUS_FORM,
    change_status_form,
    status_card,
    status_label,
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
from bot.commands.names import fold
from bot.commands.names import words as names_words
from bot.dispatch import UsageError
from bot.i18n import N_, Languages, Words
from bot.router import ANY_OTHER, Router, normalise, typed
from bot.store.answers import AlreadyUsed

router = Router()
USAGE = N_(
    "/attendance [<status name> | status <agent> | week [date] | export [from] [to] [agents…]"
    " | board [page] | report [agents…|all] [from] [to] | checkout <agent> | statuses … | purge]"
)
"""The usage card's line (translated where it is shown; the verbs as typed, with their Japanese
aliases in the Japanese line)."""


def _access(ctx: DeskContext) -> Access:
    """What the caller, a Desk agent (every listener here requires one), may do."""
    assert ctx.agent is not None
    policy = AccessPolicy.from_config(ctx.config.attendance)
    return policy.decide(ctx.role, ctx.agent.associated_department_ids)


def _refusal(ctx: DeskContext, access: Access) -> Message | Banner | None:
    """Why the caller may not use attendance for themselves, or None (admin-only calls are
    decided by the router's admin guard instead)."""
    if not access.may_use:
        why = access.why(ctx.words) or ctx.words.gettext("Attendance is not available to you.")
        return people.refused(why)
    return None


def attendance_user(ctx: DeskContext) -> Message | Banner | None:
    """Guard: the caller is a Desk agent who may use attendance for themselves (by default
    light agents may not: `[attendance] roles`); /help then leaves these commands out for
    those who may not."""
    return desk_agent(ctx) or _refusal(ctx, _access(ctx))


def attendance_reader(ctx: DeskContext) -> Message | Banner | None:
    """Guard of /attendance: a Desk agent who may use attendance or administers it (README: a
    light agent sees no attendance, so /help does not list it to them)."""
    refused = desk_agent(ctx)
    if refused is not None:
        return refused
    access = _access(ctx)
    return _refusal(ctx, access) if access.refused else None


def _card(ctx: DeskContext, state: AgentState, note: str = "") -> Message:
    return status_card(state, now=ctx.clock.now(), zone=ctx.timezone, words=ctx.words, note=note)


async def _move(ctx: DeskContext, status: int | str) -> Message | Banner:
    access = _access(ctx)
    refused = _refusal(ctx, access)
    if refused is not None:
        return refused
    tracker, tz = ctx.attendance, ctx.timezone.key
    name = ctx.agent.display_name if ctx.agent else None
    try:
        change = await tracker.move(ctx.user.email, status, name=name, tz=tz)
    except MoveRefused as refusal:  # the card shows the moves allowed now
        state = await tracker.status(ctx.user.email, tz=tz)
        return _card(ctx, state, refusal.text(ctx.words))
    done = Markup("*{}*").format(shown_name(change.state.status, ctx.words))
    return _card(ctx, change.state, Markup(ctx.words.gettext("Done: {status}.", status=done)))


@router.command(
    "checkin",
    usage="/checkin",
    description=N_("Check in (start your day)."),
    requires=attendance_user,
    takes=0,
)
async def checkin(ctx: DeskContext, args: str) -> Message | Banner:
    return await _move(ctx, CHECK_IN)


@router.command(
    "checkout",
    usage="/checkout",
    description=N_("Check out (end your day)."),
    requires=attendance_user,
    takes=0,
)
async def checkout(ctx: DeskContext, args: str) -> Message | Banner:
    return await _move(ctx, CHECK_OUT)


@router.command(
    "break",
    usage=N_("/break [meal | short]"),
    takes=1,
    description=N_("Take a meal or short break."),
    requires=attendance_user,
)
async def take_break(ctx: DeskContext, args: str) -> Message | Banner:
    kind = BREAKS.get(normalise(args).replace(" ", "") or "short")
    if kind is None:
        raise UsageError(
            ctx.words.gettext("“{kind}” is not a break: meal or short.", kind=args.strip()[:30])
        )
    return await _move(ctx, kind)


ATTENDANCE_MENU = "Attendance"  # a parent menu action: Cliq allows 5 menu actions per bot


def _mover(status: int) -> Callable[[DeskContext], Awaitable[Message | Banner]]:
    """The listener that moves the caller to the default `status` (one per word and menu
    sub-action): by id, so it works under any name an admin gave it."""

    async def listener(ctx: DeskContext) -> Message | Banner:
        return await _move(ctx, status)

    return listener


LANGUAGES = Languages()
"""Every language the bot speaks: the words people may type are those of all of them."""


def in_every_language(english: str) -> list[str]:
    """`english` (a msgid) as each language the bot speaks says it, English first."""
    return list(dict.fromkeys(LANGUAGES.words(c).lookup(english) for c in LANGUAGES.available))


def default_words(status_id: int) -> list[str]:
    """A default status's name in every language (how people may type it: `出勤`, `Check In`);
    `attendance.statuses.DefaultWords` for the service."""
    english = DEFAULT_NAMES.get(status_id)
    return in_every_language(english) if english else []


BREAKS = {"meal": MEAL_BREAK, "short": SHORT_BREAK, "食事": MEAL_BREAK, "小": SHORT_BREAK}
"""/break's kinds: `meal`, `short`, or a break's name in any language (`食事休憩`)."""
for _id in (MEAL_BREAK, SHORT_BREAK):
    BREAKS.update({normalise(w).replace(" ", ""): _id for w in default_words(_id)})

for _word, _status in (
    ("check in", CHECK_IN),
    ("check out", CHECK_OUT),
    ("meal break", MEAL_BREAK),
    ("short break", SHORT_BREAK),
):
    _patterns = dict.fromkeys([_word, *(normalise(w) for w in default_words(_status))])
    router.keyword(*_patterns, requires=attendance_user)(_mover(_status))
    router.menu(ATTENDANCE_MENU, sub_action=_word.title(), requires=attendance_user)(
        _mover(_status)
    )


@router.button("att", requires=attendance_user)
async def move_button(ctx: DeskContext, status_id: str) -> Message | Banner:
    status = number(status_id)
    if status is None:
        return people.refused(ctx.words.gettext("Old card: run /attendance again."))
    return await _move(ctx, status)


@router.button(CHANGE_STATUS_KEY, requires=desk_agent)
async def change_status(ctx: DeskContext, rest: str) -> Form | Message | Banner:
    """Every status allowed now, in a select (SPEC A1: more than the card's buttons hold)."""
    refused = _refusal(ctx, _access(ctx))
    if refused is not None:
        return refused
    state = await ctx.attendance.status(ctx.user.email, tz=ctx.timezone.key)
    return change_status_form(state.allowed, ctx.words)


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
        return people.refused(ctx.words.gettext("Pick a status from the list."))
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
TAKES: dict[str, int | None] = {
    "": 0,
    "status": None,
    "week": None,
    "export": None,
    "board": 1,
    "report": None,
    "checkout": None,
    "statuses": None,
    "purge": 0,
}
"""Each /attendance verb → at most how many words follow it (None: the verb reads them)."""


def _verb_words(words: Words) -> dict[str, str]:
    """The /attendance verbs and the words after `statuses` as `words`' language says them →
    the verb (English)."""
    return {
        words.pgettext("verb", "status"): "status",
        words.pgettext("verb", "week"): "week",
        words.pgettext("verb", "export"): "export",
        words.pgettext("verb", "board"): "board",
        words.pgettext("verb", "report"): "report",
        words.pgettext("verb", "checkout"): "checkout",
        words.pgettext("verb", "statuses"): "statuses",
        words.pgettext("verb", "purge"): "purge",
        words.pgettext("verb", "add"): "add",
        words.pgettext("verb", "rename"): "rename",
        words.pgettext("verb", "to"): "to",
        words.pgettext("verb", "retype"): "retype",
        words.pgettext("verb", "restore"): "restore",
        words.pgettext("verb", "delete"): "delete",
    }


SAID: dict[str, str] = {}
"""A verb as typed in any language the bot speaks (`normalise`d: `レポート`, `report`) → the
verb."""
for _code in LANGUAGES.available:
    SAID.update({normalise(w): v for w, v in _verb_words(LANGUAGES.words(_code)).items()})
SAID["→"] = "to"

VERBS: dict[str, int | None] = {
    **TAKES,
    **{said: TAKES[verb] for said, verb in SAID.items() if verb in TAKES},
    ANY_OTHER: None,  # a status's name, looked up when called (SPEC A1)
}
"""What the router checks: each verb in every language → the words it takes."""


def _verb(word: str) -> str:
    """The verb `word` says in any language (`レポート` → `report`), or `word` normalised."""
    said = normalise(word)
    return SAID.get(said, said)


def _admin_call(ctx: DeskContext, args: str) -> bool:
    """Admin-only: the admin verbs, and the status of someone else (checked by the router's
    guard on every call; yours is for everyone)."""
    words = args.split()
    verb = _verb(words[0]) if words else ""
    return verb in ADMIN_VERBS or (
        verb == "status" and len(words) > 1 and not _is_me(ctx, words[1:])
    )


@router.command(
    "attendance",
    usage=USAGE,
    description=N_(
        "With no words: your status and today's time; the words in the usage do the rest."
    ),
    admin=_admin_call,
    requires=attendance_reader,
    takes=VERBS,
)
async def attendance(ctx: DeskContext, args: str) -> Message | Banner:
    words = args.split()
    verb = _verb(words[0]) if words else ""
    if not _admin_call(ctx, args):
        refused = _refusal(ctx, _access(ctx))
        if refused is not None:
            return refused
    tracker, tz, said = ctx.attendance, ctx.timezone.key, ctx.words
    if not verb:
        return _card(ctx, await tracker.status(ctx.user.email, tz=tz))
    if verb == "status":
        who = (
            await _agent(ctx, words[1:], status_usage(said))
            if len(words) > 1 and not _is_me(ctx, words[1:])
            else ctx.user.email
        )
        state = await tracker.status(who, tz=tz)
        text = said.gettext(
            "{name}: {status}.",
            name=escape(state.name or await _desk_name(ctx, who)),
            status=escape(shown_name(state.status, said)),
        )
        return _card(ctx, state).replace(buttons=None, text=text)
    if verb == "week":
        return await reports.week(ctx, words[1:])
    if verb == "export":
        return await reports.export(ctx, words[1:])
    if verb == "board":
        if len(words) > 2 or (len(words) == 2 and number(words[1], max_digits=6) is None):
            raise UsageError(said.gettext("Usage: /attendance board [page number]"))
        return await show_board(ctx, number(words[1]) or 1 if len(words) == 2 else 1)
    if verb == "report":
        return await reports.report(ctx, words[1:])
    if verb == "checkout":
        usage = said.gettext("Usage: /attendance checkout <agent: name or e-mail>")
        if len(words) < 2:
            raise UsageError(usage)
        return await checkout_agent(ctx, await _agent(ctx, words[1:], usage))
    if verb == "statuses":
        return await _statuses(ctx, words[1:])
    if verb == "purge":
        kept = await ctx.kept.keep(ctx.user.email, "", {"purge": True})
        return Message(
            text=said.gettext("This deletes *all* attendance data of every agent, for good. Sure?"),
            card=Card(title=said.pgettext("card title", "Purge attendance"), theme="modern-inline"),
            buttons=[
                Button.invoke(
                    said.pgettext("button", "Delete everything"),
                    key=f"attpurge:{kept}",
                    negative=True,
                )
            ],
        )
    status = await _status_named(ctx, args)
    if status is not None:
        return await _move(ctx, status)
    statuses = statuses_text(await tracker.statuses(), said)
    problem = said.gettext(
        "“{typed}” is not an attendance command or status.", typed=escape(args[:40])
    )
    raise UsageError(sentences(said, problem, statuses))


@router.button("attpurge", admin=True)
async def purge(ctx: DeskContext, answer_id: str) -> Banner | Message:
    words = ctx.words
    try:
        kept = await ctx.kept.claim(answer_id, ctx.user.email)  # once, however clicked
    except AlreadyUsed:
        return people.done(words.gettext("Already done: the attendance data was deleted."))
    if kept is None:
        return people.refused(words.gettext("Confirmation expired; run /attendance purge again."))
    try:
        await ctx.attendance.purge()
    except BaseException:
        await ctx.kept.release(answer_id)
        raise
    return people.done(words.gettext("All attendance data is deleted."))


async def _statuses(ctx: DeskContext, words: list[str]) -> Message | Banner:
    tracker, said = ctx.attendance, ctx.words
    verb = _verb(words[0]) if words else ""
    rest = words[1:]
    cut = next((i for i, w in enumerate(rest) if _verb(w) == "to"), None)
    if verb == "add" and len(rest) >= 2:
        status = await tracker.add_status(" ".join(rest[:-1]), _type(ctx, rest[-1]))
        return people.done(said.gettext("Added {status}.", status=status_label(status, said)))
    if verb == "rename" and cut is not None:
        status = await tracker.rename_status(" ".join(rest[:cut]), " ".join(rest[cut + 1 :]))
        return people.done(said.gettext("Renamed to {status}.", status=shown_name(status, said)))
    if verb == "restore" and rest:
        status = await tracker.restore_status(" ".join(rest))
        return people.done(
            said.gettext("{status} has its default name again.", status=shown_name(status, said))
        )
    if verb == "retype" and len(rest) >= 2:
        status = await tracker.retype_status(" ".join(rest[:-1]), _type(ctx, rest[-1]))
        return people.done(
            said.gettext(
                "{status} is now {type}.",
                status=shown_name(status, said),
                type=type_name(status.type, said),
            )
        )
    if verb == "delete" and rest:
        status = await tracker.delete_status(" ".join(rest))
        return people.done(said.gettext("Deleted {status}.", status=shown_name(status, said)))
    if verb:
        raise UsageError(
            said.gettext(
                "Usage: /attendance statuses [add <name> online|offline | rename <old> "
                "to <new> | restore <name> | retype <name> online|offline | delete <name>]"
            )
        )
    lines = [
        status_label(s, said)
        if s.deletable
        else said.gettext("{status}, built in", status=status_label(s, said))
        for s in await tracker.statuses()
    ]
    title = said.pgettext("card title", "Statuses")
    shown = layout([Section(title, lines)])  # one page: there are at most 24
    count = said.ngettext("{n} status", "{n} statuses", len(lines))
    return Message(
        text=said.gettext("Attendance statuses: {count}.", count=count),
        card=Card(title=title, theme="modern-inline"),
        slides=shown.slides,
    )


def _type(ctx: DeskContext, word: str) -> StatusType:
    """A status type from its name in any language (`online`, `オンライン`)."""
    said = normalise(word)
    for kind, english in TYPE_NAMES.items():
        if said in {normalise(w) for w in in_every_language(english)}:
            return kind
    raise UsageError(
        ctx.words.gettext("“{word}” is not a type: online or offline.", word=word[:20])
    )


def status_usage(said: Words) -> str:
    return said.gettext("Usage: /attendance status [agent: name or e-mail]")


def _is_me(ctx: DeskContext, said: list[str]) -> bool:
    """Whether the words after `status` name the caller: their e-mail or their Cliq name."""
    who = fold(" ".join(names_words(" ".join(said))))
    mine = {fold(ctx.user.email), fold(ctx.user.display_name)}
    return bool(who) and who in mine


async def _agent(ctx: DeskContext, said: list[str], usage: str) -> str:
    """One agent's e-mail from the words naming them (`reports.named_agents`: a full name
    with spaces, quoted or not, an e-mail, an unambiguous first name). Raises UsageError with
    `usage` for no one, several people, or more than one agent named."""
    found = await reports.named_agents(ctx, said, usage)
    if len(found) != 1:
        problem = ctx.words.gettext("Name one agent.")
        raise UsageError(sentences(ctx.words, problem, usage))
    return found[0]


async def _desk_name(ctx: DeskContext, email: str) -> str:
    """The agent's name in Desk (their e-mail when Desk has none)."""
    agent = await ctx.directory.by_email(email)
    return agent.display_name if agent is not None else email
