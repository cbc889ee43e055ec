"""The admin's changes to where notifications go and which are sent (SPEC D1, D2), with every
rule about them, for each place an admin changes them from: `/deskbot map`, `unmap` and
`notify` in chat (bot/commands/settings.py) and the console's settings page.

Each change returns the sentence saying what was done, or raises `Refused` with the sentence
saying why nothing was (and what to do instead); nothing is saved when a change is refused, so a
mapping that would dead-letter every post is never stored (Cliq answers 404 `channel_not_exist`
to posts to an unknown channel, and refuses posts from a bot that is not a member).

The sentences are in the language of the `words` given (the admin's, bot/i18n; English by
default), from the `deskbot` catalog; department and channel names as they are.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

from attendance.statuses import has_invisible
from bot.cliq.client import CliqClient
from bot.cliq.errors import CliqError, CliqRateLimited, CliqRejected
from bot.cliq.limits import CHANNEL_NAME
from bot.clock import zone_named
from bot.commands.names import close_to, compact, lookup, shown
from bot.desk.people import Department
from bot.i18n import ENGLISH, Words
from bot.install import add_bot
from bot.notify.kinds import DM_ONLY, Kind, labels
from bot.store.settings import Settings
from bot.workers.digests import DigestPlace, Digests

WHERES = ("channel", "dm")


class Refused(Exception):
    """A change that cannot be made; `str()` says why and what to do, fit to show an admin."""


def department_name(department: Department) -> str:
    return department.name or department.id


# --- the channel map -----------------------------------------------------------------------


async def map_department(
    cliq: CliqClient,
    settings: Settings,
    department: Department,
    typed_channel: str,
    *,
    create: bool,
    at: datetime,
    words: Words = ENGLISH,
) -> str:
    """Post `department`'s notices and digests to the channel `typed_channel` names (as
    typed: its unique name or its name, `#` forgiven), from `at` on. `create` makes the channel
    when Cliq has none of that name. The bot is added to the channel first."""
    typed_channel = typed_channel.strip().lstrip("#").strip()
    if has_invisible(typed_channel):
        raise Refused(
            words.gettext(
                "A channel name cannot hold control characters or invisible marks (line breaks,"
                " tabs, zero-width spaces, direction marks); type it again."
            )
        )
    if not compact(typed_channel):
        raise Refused(words.gettext("“{name}” is not a channel name.", name=typed_channel[:40]))
    if len(typed_channel) > CHANNEL_NAME:  # before Cliq is asked, and quoted short
        raise Refused(
            words.gettext(
                "A Cliq channel name has at most {limit} characters; “{name}…” has {count}.",
                limit=CHANNEL_NAME,
                name=typed_channel[:40],
                count=words.number(len(typed_channel)),
            )
        )
    if create:
        channel = await _create(cliq, settings, department, typed_channel, words)
    else:
        channel = await _join_existing(cliq, settings, department, typed_channel, words)
    name = department_name(department)
    if (await settings.channel_map()).get(department.id) == channel:
        return words.gettext(
            "{department} already posts to #{channel}.", department=name, channel=channel
        )
    await settings.map_department(department.id, channel, at=at)
    return words.gettext("{department} now posts to #{channel}.", department=name, channel=channel)


async def unmap_department(
    settings: Settings, department: Department, *, disable: bool, words: Words = ENGLISH
) -> str:
    """Send `department`'s notices back to the org channel, or (`disable`) post none of them."""
    name = department_name(department)
    rules = await settings.rules()
    org = rules.org_channel
    if disable and department.id in rules.disabled_departments:
        return words.gettext("{department} is disabled already.", department=name)
    if not disable and department.id not in rules.channel_map:
        if department.id in rules.disabled_departments:
            raise Refused(
                words.gettext(
                    "{department} is disabled, not mapped. To post again: /deskbot map {typed} "
                    "<channel>",
                    department=name,
                    typed=shown(name),
                )
            )
        return words.gettext(
            "{department} was not mapped: it posts to #{channel}.", department=name, channel=org
        )
    await settings.unmap_department(department.id, disable=disable)
    if disable:
        return words.gettext("{department} is disabled: no more posts.", department=name)
    return words.gettext("{department} posts to #{channel} again.", department=name, channel=org)


async def _create(
    cliq: CliqClient, settings: Settings, department: Department, name: str, words: Words
) -> str:
    """Create the channel (or take the one of that name) and add the bot to it."""
    channel = compact(name)
    try:
        created = await cliq.create_channel(
            name, description=f"Desk: {department_name(department)}"
        )
        channel = str(created.get("unique_name") or channel)
    except CliqError as exc:
        if "exist" not in exc.code:
            raise Refused(
                words.gettext(
                    "Cliq refused to create #{channel}: {reason}. Pick another name, or map a "
                    "channel that exists: /deskbot map {department} <channel>",
                    channel=name,
                    reason=exc.message,
                    department=shown(department_name(department)),
                )
            ) from None
        existing, _ = await _listed(cliq, name)
        channel = existing or channel
    try:
        await add_bot(cliq, settings, channel, force=True)
    except CliqError as exc:
        raise _cannot_join(channel, exc, words) from None
    return channel


async def _listed(cliq: CliqClient, typed_channel: str) -> tuple[str | None, list[str]]:
    """(The unique name of the listed channel `typed_channel` names — by unique name or by
    name, as typed — or None; every listed unique name)."""
    found = await cliq.channels()
    by_name: dict[str, str] = {}
    for c in found:
        if c.get("unique_name"):
            by_name[str(c["unique_name"])] = str(c["unique_name"])
            by_name.setdefault(str(c.get("name") or ""), str(c["unique_name"]))
    return lookup(typed_channel, by_name), sorted(set(by_name.values()))


async def _join_existing(
    cliq: CliqClient, settings: Settings, department: Department, typed_channel: str, words: Words
) -> str:
    """The channel's unique name once the channel exists in Cliq and the bot is in it (added
    if need be).

    The channel list (`GET /api/v2/channels`) shows the channels the token's user can see; one
    it does not list is still tried with the associate call, which Cliq refuses for a channel
    that does not exist."""
    try:
        channel, listed = await _listed(cliq, typed_channel)
    except CliqError as exc:
        raise _cannot_join(compact(typed_channel), exc, words) from None
    unique = channel or compact(typed_channel)
    if (await settings.channel_map()).get(department.id) == unique:
        return unique  # mapped there already: nothing to join
    try:
        await add_bot(cliq, settings, unique, force=channel is None)
    except CliqError as exc:
        if exc.status == 404 or "not_exist" in exc.code:
            close = close_to(typed_channel, listed)
            said = [words.gettext("Cliq has no channel #{channel}.", channel=typed_channel)]
            if close:
                guesses = ", ".join("#" + c for c in close)
                said.append(words.gettext("Did you mean {names}?", names=guesses))
            said.append(
                words.gettext(
                    "Check the name, or create it: /deskbot map {department} {channel} create",
                    department=shown(department_name(department)),
                    channel=shown(typed_channel),
                )
            )
            raise Refused(" ".join(said)) from None
        raise _cannot_join(unique, exc, words) from None
    return unique


def _cannot_join(channel: str, exc: CliqError, words: Words) -> Refused:
    """Why the bot could not be added to `channel`, and what to do: wait out Cliq's limit
    (5 a minute, channels.yml), try again once Cliq answers, or add the bot by hand."""
    if isinstance(exc, CliqRateLimited):
        minutes = max(1, round(exc.retry_after / 60)) if exc.retry_after else 5
        return Refused(
            words.gettext(
                "Cliq is limiting the bot's calls (a bot joins at most 5 channels a minute). "
                "Try again in {wait}, nothing was changed.",
                wait=words.duration(timedelta(minutes=minutes)),
            )
        )
    if not isinstance(exc, CliqRejected):  # Cliq down or not answering
        return Refused(
            words.gettext(
                "Cliq did not answer while adding the bot to #{channel} ({reason}). Nothing "
                "was changed; try again shortly.",
                channel=channel,
                reason=exc.message,
            )
        )
    return Refused(
        words.gettext(
            "Deskbot could not join #{channel} ({reason}). Add the bot to #{channel} in "
            "Cliq (channel → Members → Bots), then map it again.",
            channel=channel,
            reason=exc.message,
        )
    )


# --- notification switches -------------------------------------------------------------------


def label(kind: Kind, words: Words = ENGLISH) -> str:
    """A notification kind's label in the language of `words` (bot.notify.kinds)."""
    return labels(words)[kind]


def switch_places(kind: Kind, where: str, *, on: bool, words: Words = ENGLISH) -> tuple[str, ...]:
    """Which switches `where` ("channel", "dm", or "" for both) names for `kind`: a DM-only
    kind has only its DM switch, and turning its channel switch `on` or off is refused."""
    if where not in ("", *WHERES):
        raise Refused(words.gettext("“{word}” is not channel or dm.", word=where[:20]))
    if kind in DM_ONLY:
        if where == "channel":
            raise Refused(
                words.gettext(
                    "{kind} is sent by DM only, never to a channel. To change it: "
                    "/deskbot notify {value} {switch} dm",
                    kind=label(kind, words),
                    value=kind.value,
                    switch="on" if on else "off",
                )
            )
        return ("dm",)
    return (where,) if where else WHERES


async def switch(
    settings: Settings, kind: Kind, where: str, *, on: bool, words: Words = ENGLISH
) -> str:
    """Turn `kind`'s notifications on or off in channels, by DM, or (`where` "") both."""
    wheres = switch_places(kind, where, on=on, words=words)
    for place in wheres:
        await settings.switch(kind, where=place, on=on)
    state = words.gettext("on") if on else words.gettext("off")
    named = label(kind, words)
    if wheres == ("channel",):
        said = words.gettext("{kind} notifications in channels: {state}.", kind=named, state=state)
    elif wheres == ("dm",):
        said = words.gettext("{kind} notifications by DM: {state}.", kind=named, state=state)
    else:
        said = words.gettext(
            "{kind} notifications in channels and by DM: {state}.", kind=named, state=state
        )
    rules = await settings.rules()
    if "dm" in wheres and kind not in DM_ONLY and on and not rules.dm_owner:
        owners_off = words.gettext(
            "Owner DMs are off for every kind ([notifications] dm_owner in bot.toml), so "
            "tickets still post to channels until they are on."
        )
        return f"{said} {owners_off}"
    return said


# --- the daily digest's time and zone --------------------------------------------------------

_TIME_OF_DAY = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")


async def digest_schedule(
    digests: Digests,
    place: DigestPlace,
    at: str,
    zone: str,
    *,
    name: str = "",
    words: Words = ENGLISH,
) -> str:
    """Post `place`'s daily digest at `at` (`HH:MM`, 24-hour) in `zone` (an IANA name) from
    now on; an empty `at` or `zone` goes back to bot.toml's. A day already posted is not
    posted again (the digest's day is its identity: bot.notify.schedule). `name` names the
    place's department in a refusal."""
    at, zone = at.strip(), zone.strip()
    if place.key not in {p.key for p in await digests.places(starting=False)}:
        raise Refused(
            words.gettext(
                "{department} has no digest of its own: map it to a channel first, and its "
                "channel gets one.",
                department=name or place.department_id,
            )
        )
    when = _TIME_OF_DAY.fullmatch(at) if at else None
    if at and when is None:
        raise Refused(
            words.gettext(
                "“{typed}” is not a time of day: write it as HH:MM, e.g. 08:30.", typed=at[:20]
            )
        )
    where = zone_named(zone) if zone else None
    if zone and where is None:
        raise Refused(
            words.gettext(
                "“{typed}” is not a time zone: write an IANA name, e.g. Asia/Tokyo.",
                typed=zone[:40],
            )
        )
    await digests.set_schedule(
        place, at=time(int(when[1]), int(when[2])) if when else None, zone=where
    )
    now = next(p for p in await digests.places(starting=False) if p.key == place.key)
    return words.gettext(
        "The digest of #{channel} is posted daily at {time} ({zone}).",
        channel=now.channel,
        time=f"{now.at:%H:%M}",
        zone=now.zone.key,
    )
