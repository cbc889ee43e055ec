"""Where a notification goes, and why (SPEC D1–D4). Pure: the notifier and `/deskbot rules test`
both ask it, so what the admin is shown is what the bot does."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from bot.i18n import SOURCE, Words
from bot.notify.classify import Happening
from bot.notify.kinds import DM_ONLY, Kind, labels

ENGLISH = Words(SOURCE)


@dataclass(frozen=True)
class RuleSettings:
    """The admin's choices. Kinds missing from the switch maps are on."""

    org_channel: str = "desk"
    channel_map: Mapping[str, str] = field(default_factory=dict)
    disabled_departments: frozenset[str] = frozenset()
    channel_on: Mapping[Kind, bool] = field(default_factory=dict)
    dm_on: Mapping[Kind, bool] = field(default_factory=dict)
    dm_owner: bool = True

    def posts(self, kind: Kind) -> bool:
        return kind not in DM_ONLY and self.channel_on.get(kind, True)

    def dms(self, kind: Kind) -> bool:
        return self.dm_on.get(kind, True)

    def channel_for(self, department_id: str | None) -> str:
        if department_id and department_id in self.channel_map:
            return self.channel_map[department_id]
        return self.org_channel


@dataclass(frozen=True)
class Route:
    """One post: to a channel (by unique name) or a person's DM (by e-mail). A DM names the
    channel that takes it, with an @mention, if Cliq refuses the DM (`fallback`, the
    department's channel or the org channel; None when the department is disabled)."""

    target_kind: Literal["channel", "user"]
    target: str
    kinds: tuple[Kind, ...]
    reason: str
    fallback: str | None = None


@dataclass(frozen=True)
class Decision:
    routes: tuple[Route, ...]
    reasons: tuple[str, ...]  # every rule that decided, including the ones that said no

    def explain(self) -> str:
        return "\n".join(self.reasons)


def decide(
    happening: Happening,
    settings: RuleSettings,
    *,
    owner_email: str | None,
    actor_email: str | None = None,
    mentioned_emails: Sequence[str] = (),
    previous_owner_email: str | None = None,
    words: Words = ENGLISH,
) -> Decision:
    """Who hears of `happening`: the owner by DM or the department's channel for the record's
    kinds, the owner by DM for DM-only kinds, the previous owner by DM when a ticket moved away
    from them, and each person mentioned. No self-notification (SPEC D3), for every one of them:
    when the owner acted, nobody is told of the record's kinds, and nobody is ever sent a DM
    about what they did themselves (`actor_email`, or the actor's id being the owner's).
    The reasons are in the language of `words` (the admin's, for `/deskbot rules test`)."""
    label = labels(words)
    routes: list[Route] = []
    reasons: list[str] = []
    disabled = bool(happening.department_id) and (
        happening.department_id in settings.disabled_departments
    )
    fallback = None if disabled else settings.channel_for(happening.department_id)
    owner_acted = _same(owner_email, actor_email) or bool(
        happening.owner_id and happening.actor_id == happening.owner_id
    )
    record_kinds = tuple(k for k in happening.kinds if k not in DM_ONLY)
    personal = tuple(k for k in happening.kinds if k in DM_ONLY and k is not Kind.MENTION)
    if record_kinds:
        route, why = _record_route(
            happening, record_kinds, settings, owner_email, owner_acted, words
        )
        reasons.append(why)
        if route:
            routes.append(route)
    for kind in personal:
        if not owner_email:
            reasons.append(
                words.gettext("{kind}: the record has no owner to tell.", kind=label[kind])
            )
        elif owner_acted:
            reasons.append(
                words.gettext(
                    "{kind}: the owner caused it themselves (no self-notification).",
                    kind=label[kind],
                )
            )
        elif not settings.dms(kind):
            reasons.append(
                words.gettext("{kind}: DMs of this kind are switched off.", kind=label[kind])
            )
        else:
            routes.append(Route("user", owner_email, (kind,), "sent to the owner by DM", fallback))
            reasons.append(
                words.gettext(
                    "{kind}: DM to the owner {email}.", kind=label[kind], email=owner_email
                )
            )
    if Kind.OWNER_CHANGED in happening.kinds and previous_owner_email:
        route, why = _previous_owner_route(
            previous_owner_email, owner_email, actor_email, settings, fallback, disabled, words
        )
        reasons.append(why)
        if route:
            routes.append(route)
    for email in dict.fromkeys(mentioned_emails):
        if _same(email, actor_email):
            reasons.append(
                words.gettext("Mention of {email}: they wrote it themselves.", email=email)
            )
        elif not settings.dms(Kind.MENTION):
            reasons.append(
                words.gettext("Mention of {email}: mention DMs are switched off.", email=email)
            )
        else:
            routes.append(Route("user", email, (Kind.MENTION,), "mentioned in a comment", fallback))
            reasons.append(words.gettext("Mention of {email}: DM.", email=email))
    merged = []
    for route in _merge(routes):
        if route.target_kind == "user" and _same(route.target, actor_email):
            reasons.append(
                words.gettext(
                    "No DM to {email}: they made this change (no self-notification).",
                    email=route.target,
                )
            )
            continue
        merged.append(route)
        if route.target_kind == "user" and route.fallback:
            reasons.append(
                words.gettext(
                    "If Cliq refuses the DM to {email} (not a subscriber of the bot): posted to"
                    " #{channel} with an @mention instead.",
                    email=route.target,
                    channel=route.fallback,
                )
            )
    return Decision(tuple(merged), tuple(reasons))


def _same(email: str | None, other: str | None) -> bool:
    """Two e-mail addresses name the same person (case and spaces forgiven); None is nobody."""
    if not email or not other:
        return False
    return email.strip().casefold() == other.strip().casefold()


def _previous_owner_route(
    previous: str,
    owner: str | None,
    actor: str | None,
    settings: RuleSettings,
    fallback: str | None,
    disabled: bool,
    words: Words,
) -> tuple[Route | None, str]:
    """The agent a ticket was taken from is told by DM (unless they gave it away themselves)."""
    kind = labels(words)[Kind.OWNER_CHANGED]
    if disabled:
        return None, words.gettext(
            "{kind}: the department is disabled, so {email} is not told.", kind=kind, email=previous
        )
    if _same(previous, owner):
        return None, words.gettext(
            "{kind}: {email} still owns the ticket.", kind=kind, email=previous
        )
    if _same(previous, actor):
        return None, words.gettext(
            "{kind}: the previous owner {email} made the change themselves.",
            kind=kind,
            email=previous,
        )
    if not (settings.dm_owner and settings.dms(Kind.OWNER_CHANGED)):
        return None, words.gettext(
            "{kind}: DMs are off, so the previous owner {email} is not sent one.",
            kind=kind,
            email=previous,
        )
    why = words.gettext("{kind}: DM to the previous owner {email}.", kind=kind, email=previous)
    return Route(
        "user", previous, (Kind.OWNER_CHANGED,), "the ticket moved away from them", fallback
    ), why


def _record_route(
    happening: Happening,
    kinds: tuple[Kind, ...],
    settings: RuleSettings,
    owner: str | None,
    owner_acted: bool,
    words: Words,
) -> tuple[Route | None, str]:
    label = labels(words)
    named = words.pgettext("list", ", ").join(label[k] for k in kinds)
    if owner_acted:
        return None, words.gettext(
            "{kinds}: the owner made this change, so nobody is told (no self-notification).",
            kinds=named,
        )
    if happening.department_id and happening.department_id in settings.disabled_departments:
        return None, words.gettext(
            "{kinds}: department {department} is disabled.",
            kinds=named,
            department=happening.department_id,
        )
    dm_kinds = tuple(k for k in kinds if settings.dms(k))
    if settings.dm_owner and owner and dm_kinds:
        why = words.gettext(
            "{kinds}: DMs are on and the ticket has an owner, so DM to {email}.",
            kinds=named,
            email=owner,
        )
        fallback = settings.channel_for(happening.department_id)
        return Route("user", owner, dm_kinds, "sent to the owner by DM", fallback), why
    channel_kinds = tuple(k for k in kinds if settings.posts(k))
    if not channel_kinds:
        return None, words.gettext("{kinds}: switched off for the channel.", kinds=named)
    channel = settings.channel_for(happening.department_id)
    mapped = happening.department_id in settings.channel_map if happening.department_id else False
    where = "the department's channel" if mapped else "the org channel"
    if mapped:
        why = words.gettext(
            "{kinds}: posted to #{channel} (the department's channel).",
            kinds=named,
            channel=channel,
        )
    else:
        why = words.gettext(
            "{kinds}: posted to #{channel} (the org channel).", kinds=named, channel=channel
        )
    return Route("channel", channel, channel_kinds, where), why


def _merge(routes: list[Route]) -> list[Route]:
    """One post per target: a person mentioned on their own ticket gets a single DM."""
    merged: dict[tuple[str, str], Route] = {}
    for route in routes:
        key = (route.target_kind, route.target.casefold())
        if key in merged:
            first = merged[key]
            merged[key] = Route(
                route.target_kind,
                first.target,
                first.kinds + route.kinds,
                first.reason,
                first.fallback or route.fallback,
            )
        else:
            merged[key] = route
    return list(merged.values())
