"""The admin's settings as they stand (SPEC D1, D2, D9): what `/deskbot notify`, `/deskbot map`
and `/deskbot digest` show when given nothing to change."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.cliq.markup import Markup
from bot.cliq.message import Card, Message, TableSlide
from bot.notify.kinds import DM_ONLY, LABELS, Kind
from bot.notify.rules import RuleSettings


def _on(value: bool) -> str:
    return "on" if value else "off"


def switches_card(rules: RuleSettings) -> Message:
    """Every notification kind: the word to type, and whether it is posted to channels and
    sent by DM (kinds that are about one person have no channel switch)."""
    rows = [
        {
            "Notification": LABELS[kind],
            "Type": kind.value,
            "Channel": "DM only" if kind in DM_ONLY else _on(rules.posts(kind)),
            "DM": _on(rules.dms(kind)),
        }
        for kind in Kind
    ]
    owner = (
        "Ticket notifications go to the ticket's owner by DM where DMs are on."
        if rules.dm_owner
        else "Owner DMs are off ([notifications] dm_owner): ticket notifications go to channels."
    )
    return Message(
        text=f"{owner}\nChange one: /deskbot notify <type> on|off [channel|dm]",
        card=Card(title="Notifications", theme="modern-inline"),
        slides=[TableSlide.of(["Notification", "Type", "Channel", "DM"], rows)],
    )


@dataclass(frozen=True)
class ChannelRow:
    """Where one department's posts go: a channel, the org channel, or nowhere (disabled)."""

    department: str
    channel: str | None  # None: disabled


def channels_card(places: Sequence[ChannelRow], org_channel: str, *, usage: str = "") -> Message:
    """The department → channel map."""
    rows = [
        {
            "Department": p.department,
            "Channel": Markup("#{}").format(p.channel) if p.channel else "(disabled: no posts)",
        }
        for p in places
    ]
    lines = [f"Unmapped departments post to #{org_channel}."]
    if usage:
        lines.append(usage)
    return Message(
        text="\n".join(lines),
        card=Card(title="Notification channels", theme="modern-inline"),
        slides=[TableSlide.of(["Department", "Channel"], rows)],
    )


@dataclass(frozen=True)
class DigestRow:
    """One place that gets the daily digest, and when."""

    place: str  # "#desk (org)" or the department's name
    at: str  # local time and zone, e.g. "09:00 Asia/Tokyo"
    last: str  # the last day posted, or "not yet"


def digest_card(places: Sequence[DigestRow]) -> Message:
    rows = [{"Posted to": p.place, "Every day at": p.at, "Last digest": p.last} for p in places]
    return Message(
        text="See one now (only you): /deskbot digest preview [department]\n"
        "Post one now: /deskbot digest send [department]",
        card=Card(title="Daily digest", theme="modern-inline"),
        slides=[TableSlide.of(["Posted to", "Every day at", "Last digest"], rows)],
    )
