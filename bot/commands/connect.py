"""`/deskbot …`: your own Desk connection, and the admin's notification settings (SPEC D1-D5, X4).

/deskbot connect | disconnect                       everyone
/deskbot channels                                   admins: the department → channel map
/deskbot map <department> <channel> [create]        admins
/deskbot unmap <department> [disable]               admins
/deskbot notify <kind> on|off [channel|dm]          admins
/deskbot rules test <ticket number> <kind>          admins: where it would go, and why
"""

from __future__ import annotations

import difflib

from bot.cards import people
from bot.cards.keys import number
from bot.cliq.client import CliqError
from bot.cliq.markup import Markup, escape
from bot.cliq.message import Banner, Card, Message, TableSlide
from bot.commands.common import desk_agent
from bot.commands.context import DeskContext
from bot.dispatch import UsageError
from bot.install import add_bot
from bot.notify.classify import Happening
from bot.notify.kinds import LABELS, parse_kind
from bot.notify.rules import decide
from bot.router import Router

router = Router()
USAGE = "/deskbot connect | disconnect | channels | map | unmap | notify | rules test"
ADMIN_VERBS = frozenset({"channels", "map", "unmap", "notify", "rules"})
VERBS: dict[str, int | None] = {
    "connect": 0,
    "disconnect": 0,
    "channels": 0,
    "map": None,
    "unmap": None,
    "notify": None,
    "rules": None,
}
"""Each /deskbot verb → at most how many words follow it (None: the verb reads them)."""


def _admin_verb(ctx: DeskContext, args: str) -> bool:
    """The settings verbs are admin-only (checked by the router's guard on every call)."""
    return args.split()[0].casefold() in ADMIN_VERBS if args.split() else False


@router.command(
    "deskbot",
    usage=USAGE,
    description="Connect your Desk account; admins: channels, notifications and rules.",
    admin=_admin_verb,
    takes=VERBS,
)
async def deskbot(ctx: DeskContext, args: str) -> Message | Banner:
    words = args.split()
    verb = words[0].casefold() if words else ""
    if verb == "connect":
        refusal = desk_agent(ctx)  # only this verb needs one: no guard on the command
        return refusal or people.connect_desk(ctx.connections.connect_url(ctx.user.email))
    if verb == "disconnect":
        removed = await ctx.connections.disconnect(ctx.user.email)
        return people.done(
            "Your Desk connection is removed." if removed else "You had no Desk connection."
        )
    if verb not in ADMIN_VERBS:
        raise UsageError(f"“{verb[:40]}” is not something /deskbot does." if verb else "")
    if verb == "channels":
        return await _channels(ctx)
    if verb == "map":
        return await _map(ctx, words[1:])
    if verb == "unmap":
        return await _unmap(ctx, words[1:])
    if verb == "notify":
        return await _notify(ctx, words[1:])
    return await _rules_test(ctx, words[1:])


async def _department(ctx: DeskContext, name: str) -> tuple[str, str]:
    wanted = name.replace("_", " ").casefold()
    for department in await ctx.departments():
        if wanted in (department.id, (department.name or "").casefold()):
            return department.id, department.name or department.id
    known = ", ".join((d.name or d.id).replace(" ", "_") for d in await ctx.departments())
    raise UsageError(f"No department “{name}”. Departments: {known}.")


async def _channels(ctx: DeskContext) -> Message:
    mapped = await ctx.settings.channel_map()
    rules = await ctx.settings.rules()
    rows = []
    for department in await ctx.departments():
        if department.id in rules.disabled_departments:
            where = "(disabled: no posts)"
        else:
            where = Markup("#{}").format(mapped.get(department.id, rules.org_channel))
        rows.append({"Department": department.name or department.id, "Channel": where})
    return Message(
        text=f"Unmapped departments post to #{rules.org_channel}.",
        card=Card(title="Notification channels", theme="modern-inline"),
        slides=[TableSlide.of(["Department", "Channel"], rows)],
    )


async def _map(ctx: DeskContext, words: list[str]) -> Banner | Message:
    if len(words) not in (2, 3) or (len(words) == 3 and words[2].casefold() != "create"):
        raise UsageError("Usage: /deskbot map <department> <channel> [create]")
    department_id, name = await _department(ctx, words[0])
    channel = words[1].lstrip("#").casefold()
    if len(words) == 3:
        try:
            created = await ctx.cliq.create_channel(channel, description=f"Desk: {name}")
            channel = str(created.get("unique_name") or channel)
        except CliqError as exc:
            if "exist" not in exc.code:
                return people.refused(f"Cliq refused to create #{channel}: {exc.message}")
        try:
            await add_bot(ctx.cliq, ctx.settings, channel)
        except CliqError as exc:
            return people.refused(f"Cliq refused to add the bot to #{channel}: {exc.message}")
    else:
        joined, refusal = await _join_existing(ctx, department=words[0], channel=channel)
        if joined is None:
            return refusal or people.refused(f"#{channel} is not usable.")
        channel = joined
    await ctx.settings.map_department(department_id, channel)
    return people.done(f"{name} now posts to #{channel}.")


async def _join_existing(
    ctx: DeskContext, *, department: str, channel: str
) -> tuple[str, None] | tuple[None, Banner | Message]:
    """(The channel's unique name, None) once `channel` (a unique name, or a listed channel's
    name) exists in Cliq and the bot is a member of it (added if need be); otherwise (None, the
    answer saying what to do), so no mapping is saved that would dead-letter every
    post (Cliq answers 404 `channel_not_exist` to posts to an unknown channel).

    The channel list (`GET /api/v2/channels`) shows the channels the token's user can see; one
    it does not list is still tried with the associate call, which Cliq refuses for a channel
    that does not exist."""
    try:
        found = await ctx.cliq.channels()
    except CliqError as exc:
        return None, people.refused(f"Could not check #{channel} with Cliq: {exc.message}.")
    listed = {str(c["unique_name"]) for c in found if c.get("unique_name")}
    by_name = {
        str(c.get("name") or "").lstrip("#").casefold(): str(c["unique_name"])
        for c in found
        if c.get("unique_name")
    }
    channel = channel if channel in listed else by_name.get(channel.replace("_", " "), channel)
    try:
        await add_bot(ctx.cliq, ctx.settings, channel, force=channel not in listed)
    except CliqError as exc:
        if exc.status == 404 or "not_exist" in exc.code:
            close = difflib.get_close_matches(channel, sorted(listed), n=3)
            hint = f" Did you mean {', '.join('#' + c for c in close)}?" if close else ""
            return None, people.refused(
                f"Cliq has no channel #{channel}.{hint} Check the name, or make it: "
                f"/deskbot map {department} {channel} create"
            )
        return None, people.refused(
            f"Deskbot could not join #{channel} ({exc.message}). Add the bot to #{channel} in "
            "Cliq (channel → Members → Bots), then map it again."
        )
    return channel, None


async def _unmap(ctx: DeskContext, words: list[str]) -> Banner:
    if len(words) not in (1, 2) or (len(words) == 2 and words[1].casefold() != "disable"):
        raise UsageError("Usage: /deskbot unmap <department> [disable]")
    department_id, name = await _department(ctx, words[0])
    disable = len(words) == 2
    await ctx.settings.unmap_department(department_id, disable=disable)
    org = ctx.config.cliq.org_channel
    return people.done(
        f"{name} is disabled: no more posts." if disable else f"{name} posts to #{org} again."
    )


async def _notify(ctx: DeskContext, words: list[str]) -> Banner:
    if len(words) < 2:
        raise UsageError("Usage: /deskbot notify <kind> on|off [channel|dm]")
    where_word = words[-1].casefold() if words[-1].casefold() in ("channel", "dm") else ""
    switch = (words[-2] if where_word else words[-1]).casefold()
    kind_text = " ".join(words[: -2 if where_word else -1])
    kind = parse_kind(kind_text)
    if kind is None or switch not in ("on", "off"):
        kinds = ", ".join(k.value for k in LABELS)
        wrong = (
            f"“{switch[:20]}” is not on or off."
            if kind is not None
            else f"“{kind_text[:40]}” is not a notification kind."
        )
        raise UsageError(
            f"{wrong} Usage: /deskbot notify <kind> on|off [channel|dm]. Kinds: {kinds}"
        )
    for where in (where_word,) if where_word else ("channel", "dm"):
        await ctx.settings.switch(kind, where=where, on=switch == "on")
    scope = {"channel": "in channels", "dm": "by DM", "": "in channels and by DM"}[where_word]
    return people.done(f"{LABELS[kind]} notifications {scope}: {switch}.")


async def _rules_test(ctx: DeskContext, words: list[str]) -> Message:
    if (
        len(words) < 3
        or words[0].casefold() != "test"
        or number(words[1].lstrip("#"), max_digits=12) is None
    ):
        raise UsageError("Usage: /deskbot rules test <ticket number> <kind>")
    kind = parse_kind(" ".join(words[2:]))
    if kind is None:
        raise UsageError(f"“{' '.join(words[2:])[:40]}” is not a notification kind.")
    ticket = await ctx.desk.ticket_by_number(words[1].lstrip("#"))
    if ticket is None:
        raise UsageError(f"There is no ticket #{words[1].lstrip('#')}.")
    happening = Happening((kind,), ticket.id, ticket.assignee_id, None, ticket.department_id)
    owner = await ctx.directory.email_of(ticket.assignee_id)
    decision = decide(happening, await ctx.settings.rules(), owner_email=owner)
    where = [f"{r.target_kind} {r.target}" for r in decision.routes] or ["nowhere"]
    return Message(
        text=f"{LABELS[kind]} on #{ticket.ticket_number} would go to: "
        f"{escape(', '.join(where))}.\n{escape(decision.explain())}",
        card=Card(title="Rules test", theme="modern-inline"),
    )
