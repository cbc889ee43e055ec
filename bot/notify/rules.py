"""Where a notification goes, and why (SPEC D1–D4). Pure: the notifier and `/deskbot rules test`
both ask it, so what the admin is shown is what the bot does."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from bot.notify.classify import Happening
from bot.notify.kinds import DM_ONLY, LABELS, Kind


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
) -> Decision:
    """Who hears of `happening`: the owner by DM or the department's channel for the record's
    kinds, the owner by DM for DM-only kinds, the previous owner by DM when a ticket moved away
    from them, and each person mentioned. No self-notification (SPEC D3), for every one of them:
    when the owner acted, nobody is told of the record's kinds, and nobody is ever sent a DM
    about what they did themselves (`actor_email`, or the actor's id being the owner's)."""
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
        route, why = _record_route(happening, record_kinds, settings, owner_email, owner_acted)
        reasons.append(why)
        if route:
            routes.append(route)
    for kind in personal:
        if not owner_email:
            reasons.append(f"{LABELS[kind]}: the record has no owner to tell.")
        elif owner_acted:
            reasons.append(
                f"{LABELS[kind]}: the owner caused it themselves (no self-notification)."
            )
        elif not settings.dms(kind):
            reasons.append(f"{LABELS[kind]}: DMs of this kind are switched off.")
        else:
            routes.append(Route("user", owner_email, (kind,), "sent to the owner by DM", fallback))
            reasons.append(f"{LABELS[kind]}: DM to the owner {owner_email}.")
    if Kind.OWNER_CHANGED in happening.kinds and previous_owner_email:
        route, why = _previous_owner_route(
            previous_owner_email, owner_email, actor_email, settings, fallback, disabled
        )
        reasons.append(why)
        if route:
            routes.append(route)
    for email in dict.fromkeys(mentioned_emails):
        if _same(email, actor_email):
            reasons.append(f"Mention of {email}: they wrote it themselves.")
        elif not settings.dms(Kind.MENTION):
            reasons.append(f"Mention of {email}: mention DMs are switched off.")
        else:
            routes.append(Route("user", email, (Kind.MENTION,), "mentioned in a comment", fallback))
            reasons.append(f"Mention of {email}: DM.")
    merged = []
    for route in _merge(routes):
        if route.target_kind == "user" and _same(route.target, actor_email):
            reasons.append(
                f"No DM to {route.target}: they made this change (no self-notification)."
            )
            continue
        merged.append(route)
        if route.target_kind == "user" and route.fallback:
            reasons.append(
                f"If Cliq refuses the DM to {route.target} (not a subscriber of the bot):"
                f" posted to #{route.fallback} with an @mention instead."
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
) -> tuple[Route | None, str]:
    """The agent a ticket was taken from is told by DM (unless they gave it away themselves)."""
    label = LABELS[Kind.OWNER_CHANGED]
    if disabled:
        return None, f"{label}: the department is disabled, so {previous} is not told."
    if _same(previous, owner):
        return None, f"{label}: {previous} still owns the ticket."
    if _same(previous, actor):
        return None, f"{label}: the previous owner {previous} made the change themselves."
    if not (settings.dm_owner and settings.dms(Kind.OWNER_CHANGED)):
        return None, f"{label}: DMs are off, so the previous owner {previous} is not sent one."
    why = f"{label}: DM to the previous owner {previous}."
    return Route(
        "user", previous, (Kind.OWNER_CHANGED,), "the ticket moved away from them", fallback
    ), why


def _record_route(
    happening: Happening,
    kinds: tuple[Kind, ...],
    settings: RuleSettings,
    owner: str | None,
    owner_acted: bool,
) -> tuple[Route | None, str]:
    labels = ", ".join(LABELS[k] for k in kinds)
    if owner_acted:
        return (
            None,
            f"{labels}: the owner made this change, so nobody is told (no self-notification).",
        )
    if happening.department_id and happening.department_id in settings.disabled_departments:
        return None, f"{labels}: department {happening.department_id} is disabled."
    dm_kinds = tuple(k for k in kinds if settings.dms(k))
    if settings.dm_owner and owner and dm_kinds:
        why = f"{labels}: DMs are on and the ticket has an owner, so DM to {owner}."
        fallback = settings.channel_for(happening.department_id)
        return Route("user", owner, dm_kinds, "sent to the owner by DM", fallback), why
    channel_kinds = tuple(k for k in kinds if settings.posts(k))
    if not channel_kinds:
        return None, f"{labels}: switched off for the channel."
    channel = settings.channel_for(happening.department_id)
    mapped = happening.department_id in settings.channel_map if happening.department_id else False
    where = "the department's channel" if mapped else "the org channel"
    why = f"{labels}: posted to #{channel} ({where})."
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
