"""The admin's changes to where notifications go and which are sent (SPEC D1, D2), with every
rule about them, for each place an admin changes them from: `/deskbot map`, `unmap` and
`notify` in chat (bot/commands/settings.py) and the console's settings page.

Each change returns the sentence saying what was done, or raises `Refused` with the sentence
saying why nothing was (and what to do instead); nothing is saved when a change is refused, so a
mapping that would dead-letter every post is never stored (Cliq answers 404 `channel_not_exist`
to posts to an unknown channel, and refuses posts from a bot that is not a member).
"""

from __future__ import annotations

import re
from datetime import datetime, time

from bot.cliq.client import CliqClient
from bot.cliq.errors import CliqError, CliqRateLimited, CliqRejected
from bot.clock import zone_named
from bot.commands.names import close_to, compact, lookup, shown
from bot.desk.people import Department
from bot.install import add_bot
from bot.notify.kinds import DM_ONLY, LABELS, Kind
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
) -> str:
    """Post `department`'s notices and digests to the channel `typed_channel` names (as
    typed: its unique name or its name, `#` forgiven), from `at` on. `create` makes the channel
    when Cliq has none of that name. The bot is added to the channel first."""
    typed_channel = typed_channel.strip().lstrip("#").strip()
    if not compact(typed_channel):
        raise Refused(f"“{typed_channel[:40]}” is not a channel name.")
    if create:
        channel = await _create(cliq, settings, department, typed_channel)
    else:
        channel = await _join_existing(cliq, settings, department, typed_channel)
    name = department_name(department)
    if (await settings.channel_map()).get(department.id) == channel:
        return f"{name} already posts to #{channel}."
    await settings.map_department(department.id, channel, at=at)
    return f"{name} now posts to #{channel}."


async def unmap_department(settings: Settings, department: Department, *, disable: bool) -> str:
    """Send `department`'s notices back to the org channel, or (`disable`) post none of them."""
    name = department_name(department)
    rules = await settings.rules()
    org = rules.org_channel
    if disable and department.id in rules.disabled_departments:
        return f"{name} is disabled already."
    if not disable and department.id not in rules.channel_map:
        if department.id in rules.disabled_departments:
            raise Refused(
                f"{name} is disabled, not mapped. To post again: /deskbot map {shown(name)} "
                "<channel>"
            )
        return f"{name} was not mapped: it posts to #{org}."
    await settings.unmap_department(department.id, disable=disable)
    return f"{name} is disabled: no more posts." if disable else f"{name} posts to #{org} again."


async def _create(cliq: CliqClient, settings: Settings, department: Department, name: str) -> str:
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
                f"Cliq refused to create #{name}: {exc.message}. Pick another name, or map a "
                f"channel that exists: /deskbot map {shown(department_name(department))} "
                "<channel>"
            ) from None
        existing, _ = await _listed(cliq, name)
        channel = existing or channel
    try:
        await add_bot(cliq, settings, channel, force=True)
    except CliqError as exc:
        raise _cannot_join(channel, exc) from None
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
    cliq: CliqClient, settings: Settings, department: Department, typed_channel: str
) -> str:
    """The channel's unique name once the channel exists in Cliq and the bot is in it (added
    if need be).

    The channel list (`GET /api/v2/channels`) shows the channels the token's user can see; one
    it does not list is still tried with the associate call, which Cliq refuses for a channel
    that does not exist."""
    try:
        channel, listed = await _listed(cliq, typed_channel)
    except CliqError as exc:
        raise _cannot_join(compact(typed_channel), exc) from None
    unique = channel or compact(typed_channel)
    if (await settings.channel_map()).get(department.id) == unique:
        return unique  # mapped there already: nothing to join
    try:
        await add_bot(cliq, settings, unique, force=channel is None)
    except CliqError as exc:
        if exc.status == 404 or "not_exist" in exc.code:
            close = close_to(typed_channel, listed)
            hint = f" Did you mean {', '.join('#' + c for c in close)}?" if close else ""
            name = shown(department_name(department))
            raise Refused(
                f"Cliq has no channel #{typed_channel}.{hint} Check the name, or create it: "
                f"/deskbot map {name} {shown(typed_channel)} create"
            ) from None
        raise _cannot_join(unique, exc) from None
    return unique


def _cannot_join(channel: str, exc: CliqError) -> Refused:
    """Why the bot could not be added to `channel`, and what to do: wait out Cliq's limit
    (5 a minute, channels.yml), try again once Cliq answers, or add the bot by hand."""
    if isinstance(exc, CliqRateLimited):
        minutes = max(1, round(exc.retry_after / 60)) if exc.retry_after else 5
        return Refused(
            f"Cliq is limiting the bot's calls (a bot joins at most 5 channels a minute). "
            f"Try again in {minutes} min, nothing was changed."
        )
    if not isinstance(exc, CliqRejected):  # Cliq down or not answering
        return Refused(
            f"Cliq did not answer while adding the bot to #{channel} ({exc.message}). Nothing "
            "was changed; try again shortly."
        )
    return Refused(
        f"Deskbot could not join #{channel} ({exc.message}). Add the bot to #{channel} in "
        "Cliq (channel → Members → Bots), then map it again."
    )


# --- notification switches -------------------------------------------------------------------


def switch_places(kind: Kind, where: str, *, on: bool) -> tuple[str, ...]:
    """Which switches `where` ("channel", "dm", or "" for both) names for `kind`: a DM-only
    kind has only its DM switch, and turning its channel switch `on` or off is refused."""
    if where not in ("", *WHERES):
        raise Refused(f"“{where[:20]}” is not channel or dm.")
    if kind in DM_ONLY:
        if where == "channel":
            raise Refused(
                f"{LABELS[kind]} is sent by DM only, never to a channel. To change it: "
                f"/deskbot notify {kind.value} {'on' if on else 'off'} dm"
            )
        return ("dm",)
    return (where,) if where else WHERES


async def switch(settings: Settings, kind: Kind, where: str, *, on: bool) -> str:
    """Turn `kind`'s notifications on or off in channels, by DM, or (`where` "") both."""
    wheres = switch_places(kind, where, on=on)
    for place in wheres:
        await settings.switch(kind, where=place, on=on)
    scopes: dict[tuple[str, ...], str] = {("channel",): "in channels", ("dm",): "by DM"}
    scope = scopes.get(wheres, "in channels and by DM")
    said = f"{LABELS[kind]} notifications {scope}: {'on' if on else 'off'}."
    rules = await settings.rules()
    if "dm" in wheres and kind not in DM_ONLY and on and not rules.dm_owner:
        return (
            f"{said} Owner DMs are off for every kind ([notifications] dm_owner in "
            "bot.toml), so tickets still post to channels until they are on."
        )
    return said


# --- the daily digest's time and zone --------------------------------------------------------

_TIME_OF_DAY = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")


async def digest_schedule(
    digests: Digests, place: DigestPlace, at: str, zone: str, *, name: str = ""
) -> str:
    """Post `place`'s daily digest at `at` (`HH:MM`, 24-hour) in `zone` (an IANA name) from
    now on; an empty `at` or `zone` goes back to bot.toml's. A day already posted is not
    posted again (the digest's day is its identity: bot.notify.schedule). `name` names the
    place's department in a refusal."""
    at, zone = at.strip(), zone.strip()
    if place.key not in {p.key for p in await digests.places(starting=False)}:
        raise Refused(
            f"{name or place.department_id} has no digest of its own: map it to a channel first, "
            "and its channel gets one."
        )
    when = _TIME_OF_DAY.fullmatch(at) if at else None
    if at and when is None:
        raise Refused(f"“{at[:20]}” is not a time of day: write it as HH:MM, e.g. 08:30.")
    where = zone_named(zone) if zone else None
    if zone and where is None:
        raise Refused(f"“{zone[:40]}” is not a time zone: write an IANA name, e.g. Asia/Tokyo.")
    await digests.set_schedule(
        place, at=time(int(when[1]), int(when[2])) if when else None, zone=where
    )
    now = next(p for p in await digests.places(starting=False) if p.key == place.key)
    return f"The digest of #{now.channel} is posted daily at {now.at:%H:%M} ({now.zone.key})."
