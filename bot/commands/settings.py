"""The admin's settings from chat (SPEC D1, D2, D9, X4), the admin verbs of `/deskbot`:

/deskbot channels | map                             the department → channel map
/deskbot map <department> <channel> [create]        post a department's notices there
/deskbot unmap <department> [disable]               back to the org channel, or no posts
/deskbot notify                                     every kind's switches for channels and DMs
/deskbot notify <kind> on|off [channel|dm]
/deskbot rules                                      the switches, and how to test a ticket
/deskbot rules test <ticket number> <kind>          where it would go, and why
/deskbot digest                                     where and when the daily digest goes
/deskbot digest preview|send [department]           see it now (only you), or post it now
/deskbot digest at <HH:MM> [zone] [department]     post that place's digest then, there
/deskbot language [<department> <language>|default] each place's language (place_language)

Each verb alone shows the current state. Names are read as people type them
(bot.commands.names). What cannot work is refused with what to do instead, and nothing already
sent is sent again when a setting changes (reminders and digests are keyed by what they are
about, not by where they go).
"""

from __future__ import annotations

import secrets

from bot.cards import people
from bot.cards.keys import number
from bot.cards.settings import ChannelRow, DigestRow, channels_card, digest_card, switches_card
from bot.cliq.markup import escape
from bot.cliq.message import Banner, Card, Message
from bot.commands.context import DeskContext
from bot.commands.names import close_to, compact, leading, lookup, shown, words
from bot.commands.place_language import language_verb
from bot.desk.people import Department
from bot.dispatch import UsageError
from bot.notify import changes
from bot.notify.classify import Happening
from bot.notify.kinds import LABELS, Kind, parse_kind
from bot.notify.rules import decide
from bot.workers.digests import DigestPlace

VERBS = ("channels", "map", "unmap", "notify", "rules", "digest", "language")
MAP_USAGE = "Usage: /deskbot map <department> <channel> [create]"
UNMAP_USAGE = "Usage: /deskbot unmap <department> [disable]"
NOTIFY_USAGE = "Usage: /deskbot notify <kind> on|off [channel|dm]"
RULES_USAGE = "Usage: /deskbot rules test <ticket number> <kind>"
DIGEST_USAGE = (
    "Usage: /deskbot digest [preview|send] [department], or /deskbot digest at <HH:MM> [zone]"
    " [department]"
)


async def settings_verb(ctx: DeskContext, verb: str, rest: str) -> Message | Banner:
    """Answer one admin verb of /deskbot (`verb` is one of VERBS; `rest` what followed it)."""
    said = words(rest)
    if verb == "channels" or (verb == "map" and not said):
        return await _channels(ctx)
    if verb == "map":
        return await _map(ctx, said)
    if verb == "unmap":
        return await _unmap(ctx, said)
    if verb == "notify":
        return await _notify(ctx, said)
    if verb == "rules":
        return await _rules(ctx, said)
    if verb == "language":
        return await language_verb(ctx, said)
    return await _digest(ctx, said)


# --- departments ---------------------------------------------------------------------------


async def _departments(ctx: DeskContext) -> dict[str, Department]:
    """Each department by its name and by its id."""
    found: dict[str, Department] = {}
    for department in await ctx.departments():
        found[department.name or department.id] = department
        found[department.id] = department
    return found


_name = changes.department_name


async def _no_department(ctx: DeskContext, typed_name: str, usage: str) -> UsageError:
    names = [_name(d) for d in await ctx.departments()]
    close = close_to(typed_name, names)
    hint = f" Did you mean {', '.join(shown(n) for n in close)}?" if close else ""
    return UsageError(
        f"No department “{typed_name[:60]}”.{hint} Departments: "
        f"{', '.join(shown(n) for n in names)}. {usage}"
    )


async def _one_department(ctx: DeskContext, said: list[str], usage: str) -> Department:
    """The department named by all of `said`."""
    found = lookup(" ".join(said), await _departments(ctx))
    if found is None:
        raise await _no_department(ctx, " ".join(said), usage)
    return found


# --- the channel map -----------------------------------------------------------------------


async def _channels(ctx: DeskContext, usage: str = "") -> Message:
    mapped = await ctx.settings.channel_map()
    rules = await ctx.settings.rules()
    places = [
        ChannelRow(
            _name(d),
            None if d.id in rules.disabled_departments else mapped.get(d.id, rules.org_channel),
        )
        for d in await ctx.departments()
    ]
    return channels_card(places, rules.org_channel, usage=usage or MAP_USAGE)


async def _map(ctx: DeskContext, said: list[str]) -> Banner | Message:
    create = len(said) >= 3 and said[-1].casefold() == "create"
    said = said[:-1] if create else said
    found = leading(said, await _departments(ctx), leave=1)
    if found is None:
        if len(said) < 2:
            raise UsageError(f"Name a department and a channel. {MAP_USAGE}")
        raise await _no_department(ctx, " ".join(said[:-1]), MAP_USAGE)
    department, taken = found
    typed_channel = " ".join(said[taken:]).strip().lstrip("#").strip()
    if not compact(typed_channel):
        raise UsageError(f"“{typed_channel[:40]}” is not a channel name. {MAP_USAGE}")
    try:
        done = await changes.map_department(
            ctx.cliq, ctx.settings, department, typed_channel, create=create, at=ctx.clock.now()
        )
    except changes.Refused as refusal:
        return people.refused(str(refusal))
    return people.done(done)


async def _unmap(ctx: DeskContext, said: list[str]) -> Banner | Message:
    if not said:
        return await _channels(ctx, usage=UNMAP_USAGE)
    disable = len(said) >= 2 and said[-1].casefold() == "disable"
    department = await _one_department(ctx, said[:-1] if disable else said, UNMAP_USAGE)
    try:
        return people.done(
            await changes.unmap_department(ctx.settings, department, disable=disable)
        )
    except changes.Refused as refusal:
        return people.refused(str(refusal))


# --- notification switches -------------------------------------------------------------------


def _leading_kind(said: list[str]) -> tuple[Kind | None, list[str]]:
    """The notification kind the first words name (its value or its label, which may be several
    words: "Due in 1 hour"), the longest that does, and the words after it; (None, said) when
    no leading words name one. So a word too many is named as extra, not blamed on the kind."""
    for end in range(len(said), 0, -1):
        kind = parse_kind(" ".join(said[:end]))
        if kind is not None:
            return kind, said[end:]
    return None, said


async def _notify(ctx: DeskContext, said: list[str]) -> Banner | Message:
    if not said:
        return switches_card(await ctx.settings.rules())
    if len(said) < 2:
        raise UsageError(NOTIFY_USAGE)
    kind, rest = _leading_kind(said)
    switch = rest[0].casefold() if rest else ""
    where_word = rest[1].casefold() if len(rest) > 1 else ""
    wrong = ""
    if kind is None:
        # The kind is what comes before the on/off word (or the whole, when there is none).
        ends = [i for i, word in enumerate(said) if word.casefold() in ("on", "off")]
        named = " ".join(said[: ends[-1] if ends else len(said)])
        wrong = f"“{named[:40]}” is not a notification kind."
    elif switch not in ("on", "off"):
        wrong = f"“{(rest[0] if rest else '')[:20]}” is not on or off."
    elif where_word not in ("", "channel", "dm"):
        wrong = f"“{rest[1][:20]}” is not channel or dm."
    elif len(rest) > 2:
        wrong = f"“{' '.join(rest[2:])[:40]}” is extra."
    if wrong:
        kinds = ", ".join(k.value for k in LABELS)
        raise UsageError(f"{wrong} {NOTIFY_USAGE}. Kinds: {kinds}")
    assert kind is not None
    try:
        return people.done(await changes.switch(ctx.settings, kind, where_word, on=switch == "on"))
    except changes.Refused as refusal:
        return people.refused(str(refusal))


async def _rules(ctx: DeskContext, said: list[str]) -> Message:
    if not said:
        card = switches_card(await ctx.settings.rules())
        return card.model_copy(
            update={"text": f"{card.text}\nTest a ticket: /deskbot rules test <ticket> <kind>"}
        )
    if (
        len(said) < 3
        or said[0].casefold() != "test"
        or number(said[1].lstrip("#"), max_digits=12) is None
    ):
        raise UsageError(RULES_USAGE)
    kind, extra = _leading_kind(said[2:])
    if kind is None:
        raise UsageError(f"“{' '.join(said[2:])[:40]}” is not a notification kind.")
    if extra:
        raise UsageError(f"“{' '.join(extra)[:40]}” is extra. {RULES_USAGE}")
    ticket = await ctx.desk.ticket_by_number(said[1].lstrip("#"))
    if ticket is None:
        raise UsageError(f"There is no ticket #{said[1].lstrip('#')}.")
    happening = Happening((kind,), ticket.id, ticket.assignee_id, None, ticket.department_id)
    owner = await ctx.directory.email_of(ticket.assignee_id)
    decision = decide(happening, await ctx.settings.rules(), owner_email=owner)
    where = [f"{r.target_kind} {r.target}" for r in decision.routes] or ["nowhere"]
    return Message(
        text=f"{LABELS[kind]} on #{ticket.ticket_number} would go to: "
        f"{escape(', '.join(where))}.\n{escape(decision.explain())}",
        card=Card(title="Rules test", theme="modern-inline"),
    )


# --- the daily digest ------------------------------------------------------------------------


async def _digest(ctx: DeskContext, said: list[str]) -> Message | Banner:
    digests = ctx.digests
    if not said:
        names = await ctx.names()
        rows = []
        for place in await digests.places(starting=False):
            last = await digests.last_day(place)
            rows.append(
                DigestRow(
                    f"#{place.channel}"
                    + (f" ({names.get(place.department_id, '')})" if place.department_id else ""),
                    f"{place.at:%H:%M} {place.zone.key}",
                    f"{last:%a %-d %b}" if last else "not yet",
                )
            )
        return digest_card(rows)
    action = said[0].casefold()
    if action == "at":
        return await _digest_at(ctx, said[1:])
    if action not in ("preview", "send"):
        raise UsageError(f"“{said[0][:20]}” is not preview or send. {DIGEST_USAGE}")
    department = await _one_department(ctx, said[1:], DIGEST_USAGE) if said[1:] else None
    if action == "send" and not await ctx.settings.get("installed", False):
        return people.refused(
            "Deskbot is not installed yet, so there is no channel to post to. Run the "
            "command deskbot install first (it creates the org channel)."
        )
    place = await digests.place_for(department.id if department else None)
    card = await digests.card(place)
    if action == "preview":
        note = f"Preview, shown only to you. {await _digest_where(ctx, place, department)}"
        return card.model_copy(update={"text": f"{note}\n{card.text or ''}"})
    if place.channel is None:
        assert department is not None
        return people.refused(
            f"{_name(department)} is disabled: its digest goes nowhere. To post it, map it "
            f"first: /deskbot map {shown(_name(department))} <channel>"
        )
    request = ctx.request_id or secrets.token_hex(8)  # each request posts once
    await ctx.post(
        "channel", place.channel, card.to_wire(), dedupe_key=f"digest:send:{place.key}:{request}"
    )
    return people.done(f"The digest is on its way to #{place.channel}.")


async def _digest_where(ctx: DeskContext, place: DigestPlace, department: Department | None) -> str:
    """Where and when this digest is posted, in a sentence."""
    at = f"{place.at:%H:%M} ({place.zone.key})"
    if department is None or department.id in await ctx.settings.channel_map():
        return f"Posted daily at {at} to #{place.channel}."
    name = _name(department)
    if place.channel is None:
        return f"{name} is disabled: no digest of it is posted."
    return (
        f"{name} has no channel of its own: its tickets count in #{place.channel}'s daily "
        f"digest at {at}; /deskbot digest send {shown(name)} posts this one there."
    )


async def _digest_at(ctx: DeskContext, said: list[str]) -> Message | Banner:
    """`/deskbot digest at <HH:MM> [zone] [department]`: when a place's digest is posted."""
    if not said:
        raise UsageError(DIGEST_USAGE)
    rest = said[1:]
    zone = ""
    if rest and ("/" in rest[0] or rest[0].casefold() in ("utc", "gmt")):
        zone, rest = rest[0], rest[1:]
    department = await _one_department(ctx, rest, DIGEST_USAGE) if rest else None
    place = await ctx.digests.place_for(department.id if department else None)
    name = _name(department) if department else ""
    try:
        done = await changes.digest_schedule(ctx.digests, place, said[0], zone, name=name)
    except changes.Refused as refusal:
        return people.refused(str(refusal))
    return people.done(done)
