"""The admin's settings as they stand (SPEC D1, D2, D9): what `/deskbot notify`, `/deskbot map`
and `/deskbot digest` show when given nothing to change, in the admin's language (`words`);
department and channel names as they are."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.cliq.markup import Markup
from bot.cliq.message import Card, Message, TableSlide
from bot.i18n import Words
from bot.notify.kinds import DM_ONLY, Kind, labels
from bot.notify.rules import RuleSettings


def _on(value: bool, words: Words) -> str:
    return words.gettext("on") if value else words.gettext("off")


def switches_card(rules: RuleSettings, *, words: Words) -> Message:
    """Every notification kind: the word to type, and whether it is posted to channels and
    sent by DM (kinds that are about one person have no channel switch)."""
    notification, typed = words.gettext("Notification"), words.gettext("Type")
    channel, dm = words.gettext("Channel"), words.gettext("DM")
    named = labels(words)
    rows = [
        {
            notification: named[kind],
            typed: kind.value,
            channel: words.gettext("DM only") if kind in DM_ONLY else _on(rules.posts(kind), words),
            dm: _on(rules.dms(kind), words),
        }
        for kind in Kind
    ]
    owner = (
        words.gettext("Ticket notifications go to the ticket's owner by DM where DMs are on.")
        if rules.dm_owner
        else words.gettext(
            "Owner DMs are off ([notifications] dm_owner): ticket notifications go to channels."
        )
    )
    change = words.gettext("Change one: /deskbot notify <type> on|off [channel|dm]")
    return Message(
        text=f"{owner}\n{change}",
        card=Card(title=words.pgettext("card title", "Notifications"), theme="modern-inline"),
        slides=[TableSlide.of([notification, typed, channel, dm], rows)],
    )


@dataclass(frozen=True)
class ChannelRow:
    """Where one department's posts go: a channel, the org channel, or nowhere (disabled)."""

    department: str
    channel: str | None  # None: disabled


def channels_card(
    places: Sequence[ChannelRow], org_channel: str, *, usage: str = "", words: Words
) -> Message:
    """The department → channel map."""
    department, channel = words.gettext("Department"), words.gettext("Channel")
    rows = [
        {
            department: p.department,
            channel: Markup("#{}").format(p.channel)
            if p.channel
            else words.gettext("(disabled: no posts)"),
        }
        for p in places
    ]
    lines = [words.gettext("Unmapped departments post to #{channel}.", channel=org_channel)]
    if usage:
        lines.append(usage)
    return Message(
        text="\n".join(lines),
        card=Card(
            title=words.pgettext("card title", "Notification channels"), theme="modern-inline"
        ),
        slides=[TableSlide.of([department, channel], rows)],
    )


@dataclass(frozen=True)
class DigestRow:
    """One place that gets the daily digest, and when."""

    place: str  # "#desk (org)" or the department's name
    at: str  # local time and zone, e.g. "09:00 Asia/Tokyo"
    last: str  # the last day posted, or "not yet"


def digest_card(places: Sequence[DigestRow], *, words: Words) -> Message:
    posted, every, last = (
        words.gettext("Posted to"),
        words.gettext("Every day at"),
        words.gettext("Last digest"),
    )
    rows = [{posted: p.place, every: p.at, last: p.last} for p in places]
    text = "\n".join(
        (
            words.gettext("See one now (only you): /deskbot digest preview [department]"),
            words.gettext("Post one now: /deskbot digest send [department]"),
        )
    )
    return Message(
        text=text,
        card=Card(title=words.pgettext("card title", "Daily digest"), theme="modern-inline"),
        slides=[TableSlide.of([posted, every, last], rows)],
    )
