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
from bot.commands.names import close_to, compact, leading, lookup, shown
from bot.commands.names import words as said_words
from bot.commands.place_language import language_verb
from bot.desk.people import Department
from bot.dispatch import UsageError
from bot.i18n import Words
from bot.notify import changes
from bot.notify.classify import Happening
from bot.notify.kinds import Kind, parse_kind
from bot.notify.rules import decide
from bot.workers.digests import DigestPlace

VERBS = ("channels", "map", "unmap", "notify", "rules", "digest", "language")


def map_usage(words: Words) -> str:
    return words.gettext("Usage: /deskbot map <department> <channel> [create]")


def unmap_usage(words: Words) -> str:
    return words.gettext("Usage: /deskbot unmap <department> [disable]")


def notify_usage(words: Words) -> str:
    return words.gettext("Usage: /deskbot notify <kind> on|off [channel|dm]")


def rules_usage(words: Words) -> str:
    return words.gettext("Usage: /deskbot rules test <ticket number> <kind>")


def digest_usage(words: Words) -> str:
    return words.gettext(
        "Usage: /deskbot digest [preview|send] [department], or /deskbot digest at <HH:MM>"
        " [zone] [department]"
    )


async def settings_verb(ctx: DeskContext, verb: str, rest: str) -> Message | Banner:
    """Answer one admin verb of /deskbot (`verb` is one of VERBS; `rest` what followed it)."""
    said = said_words(rest)
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
    words = ctx.words
    names = [_name(d) for d in await ctx.departments()]
    close = close_to(typed_name, names)
    said = [words.gettext("No department “{name}”.", name=typed_name[:60])]
    if close:
        said.append(
            words.gettext("Did you mean {names}?", names=", ".join(shown(n) for n in close))
        )
    said.append(words.gettext("Departments: {names}.", names=", ".join(shown(n) for n in names)))
    return UsageError(" ".join([*said, usage]))


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
    return channels_card(
        places, rules.org_channel, usage=usage or map_usage(ctx.words), words=ctx.words
    )


async def _map(ctx: DeskContext, said: list[str]) -> Banner | Message:
    words = ctx.words
    usage = map_usage(words)
    create = len(said) >= 3 and said[-1].casefold() == "create"
    said = said[:-1] if create else said
    found = leading(said, await _departments(ctx), leave=1)
    if found is None:
        if len(said) < 2:
            named = words.gettext("Name a department and a channel.")
            raise UsageError(f"{named} {usage}")
        raise await _no_department(ctx, " ".join(said[:-1]), usage)
    department, taken = found
    typed_channel = " ".join(said[taken:]).strip().lstrip("#").strip()
    if not compact(typed_channel):
        wrong = words.gettext("“{name}” is not a channel name.", name=typed_channel[:40])
        raise UsageError(f"{wrong} {usage}")
    try:
        done = await changes.map_department(
            ctx.cliq,
            ctx.settings,
            department,
            typed_channel,
            create=create,
            at=ctx.clock.now(),
            words=words,
        )
    except changes.Refused as refusal:
        return people.refused(str(refusal))
    return people.done(done)


async def _unmap(ctx: DeskContext, said: list[str]) -> Banner | Message:
    words = ctx.words
    if not said:
        return await _channels(ctx, usage=unmap_usage(words))
    disable = len(said) >= 2 and said[-1].casefold() == "disable"
    department = await _one_department(ctx, said[:-1] if disable else said, unmap_usage(words))
    try:
        return people.done(
            await changes.unmap_department(ctx.settings, department, disable=disable, words=words)
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


def _kinds(words: Words) -> str:
    """Every notification kind, as the words to type for it."""
    return words.gettext("Kinds: {kinds}", kinds=", ".join(k.value for k in Kind))


async def _notify(ctx: DeskContext, said: list[str]) -> Banner | Message:
    words = ctx.words
    usage = notify_usage(words)
    if not said:
        return switches_card(await ctx.settings.rules(), words=words)
    if len(said) < 2:
        raise UsageError(usage)
    kind, rest = _leading_kind(said)
    switch = rest[0].casefold() if rest else ""
    where_word = rest[1].casefold() if len(rest) > 1 else ""
    wrong = ""
    if kind is None:
        # The kind is what comes before the on/off word (or the whole, when there is none).
        ends = [i for i, word in enumerate(said) if word.casefold() in ("on", "off")]
        named = " ".join(said[: ends[-1] if ends else len(said)])
        wrong = words.gettext("“{kind}” is not a notification kind.", kind=named[:40])
    elif switch not in ("on", "off"):
        wrong = words.gettext("“{word}” is not on or off.", word=(rest[0] if rest else "")[:20])
    elif where_word not in ("", "channel", "dm"):
        wrong = words.gettext("“{word}” is not channel or dm.", word=rest[1][:20])
    elif len(rest) > 2:
        wrong = words.gettext("“{words}” is extra.", words=" ".join(rest[2:])[:40])
    if wrong:
        raise UsageError(f"{wrong} {usage}. {_kinds(words)}")
    assert kind is not None
    try:
        said_done = await changes.switch(
            ctx.settings, kind, where_word, on=switch == "on", words=words
        )
    except changes.Refused as refusal:
        return people.refused(str(refusal))
    return people.done(said_done)


async def _rules(ctx: DeskContext, said: list[str]) -> Message:
    words = ctx.words
    usage = rules_usage(words)
    if not said:
        card = switches_card(await ctx.settings.rules(), words=words)
        test = words.gettext("Test a ticket: /deskbot rules test <ticket> <kind>")
        return card.replace(text=f"{card.text}\n{test}")
    if (
        len(said) < 3
        or said[0].casefold() != "test"
        or number(said[1].lstrip("#"), max_digits=12) is None
    ):
        raise UsageError(usage)
    kind, extra = _leading_kind(said[2:])
    if kind is None:
        wrong = words.gettext("“{kind}” is not a notification kind.", kind=" ".join(said[2:])[:40])
        raise UsageError(f"{wrong} {usage}. {_kinds(words)}")
    if extra:
        wrong = words.gettext("“{words}” is extra.", words=" ".join(extra)[:40])
        raise UsageError(f"{wrong} {usage}")
    ticket = await ctx.desk.ticket_by_number(said[1].lstrip("#"))
    if ticket is None:
        raise UsageError(words.gettext("There is no ticket #{number}.", number=said[1].lstrip("#")))
    happening = Happening((kind,), ticket.id, ticket.assignee_id, None, ticket.department_id)
    owner = await ctx.directory.email_of(ticket.assignee_id)
    decision = decide(happening, await ctx.settings.rules(), owner_email=owner, words=words)
    where = [f"{r.target_kind} {r.target}" for r in decision.routes] or [words.gettext("nowhere")]
    goes = words.gettext(
        "{kind} on #{number} would go to: {places}.",
        kind=changes.label(kind, words),
        number=ticket.ticket_number,
        places=", ".join(where),
    )
    return Message(
        text=f"{escape(goes)}\n{escape(decision.explain())}",
        card=Card(title=words.pgettext("card title", "Rules test"), theme="modern-inline"),
    )


# --- the daily digest ------------------------------------------------------------------------


async def _digest(ctx: DeskContext, said: list[str]) -> Message | Banner:
    digests = ctx.digests
    words = ctx.words
    usage = digest_usage(words)
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
                    words.date(last, year=True) if last else words.gettext("not yet"),
                )
            )
        return digest_card(rows, words=words)
    action = said[0].casefold()
    if action == "at":
        return await _digest_at(ctx, said[1:])
    if action not in ("preview", "send"):
        wrong = words.gettext("“{word}” is not preview or send.", word=said[0][:20])
        raise UsageError(f"{wrong} {usage}")
    department = await _one_department(ctx, said[1:], usage) if said[1:] else None
    if action == "send" and not await ctx.settings.get("installed", False):
        return people.refused(
            words.gettext(
                "Deskbot is not installed yet, so there is no channel to post to. Run the "
                "command deskbot install first (it creates the org channel)."
            )
        )
    place = await digests.place_for(department.id if department else None)
    card = await digests.card(place)
    if action == "preview":
        where = await _digest_where(ctx, place, department)
        note = words.gettext("Preview, shown only to you. {where}", where=where)
        return card.replace(text=f"{escape(note)}\n{card.text or ''}")
    if place.channel is None:
        assert department is not None
        return people.refused(
            words.gettext(
                "{department} is disabled: its digest goes nowhere. To post it, map it first: "
                "/deskbot map {typed} <channel>",
                department=_name(department),
                typed=shown(_name(department)),
            )
        )
    request = ctx.request_id or secrets.token_hex(8)  # each request posts once
    await ctx.post(
        "channel", place.channel, card.to_wire(), dedupe_key=f"digest:send:{place.key}:{request}"
    )
    return people.done(
        words.gettext("The digest is on its way to #{channel}.", channel=place.channel)
    )


async def _digest_where(ctx: DeskContext, place: DigestPlace, department: Department | None) -> str:
    """Where and when this digest is posted, in a sentence."""
    words = ctx.words
    at = f"{place.at:%H:%M} ({place.zone.key})"
    if department is None or department.id in await ctx.settings.channel_map():
        return words.gettext(
            "Posted daily at {time} to #{channel}.", time=at, channel=place.channel
        )
    name = _name(department)
    if place.channel is None:
        return words.gettext(
            "{department} is disabled: no digest of it is posted.", department=name
        )
    return words.gettext(
        "{department} has no channel of its own: its tickets count in #{channel}'s daily digest "
        "at {time}; /deskbot digest send {typed} posts this one there.",
        department=name,
        channel=place.channel,
        time=at,
        typed=shown(name),
    )


async def _digest_at(ctx: DeskContext, said: list[str]) -> Message | Banner:
    """`/deskbot digest at <HH:MM> [zone] [department]`: when a place's digest is posted."""
    words = ctx.words
    if not said:
        raise UsageError(digest_usage(words))
    rest = said[1:]
    zone = ""
    if rest and ("/" in rest[0] or rest[0].casefold() in ("utc", "gmt")):
        zone, rest = rest[0], rest[1:]
    department = await _one_department(ctx, rest, digest_usage(words)) if rest else None
    place = await ctx.digests.place_for(department.id if department else None)
    name = _name(department) if department else ""
    try:
        done = await changes.digest_schedule(
            ctx.digests, place, said[0], zone, name=name, words=words
        )
    except changes.Refused as refusal:
        return people.refused(str(refusal))
    return people.done(done)
