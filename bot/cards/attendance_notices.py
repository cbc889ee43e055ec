"""The DMs telling an agent what others did to their attendance (SPEC A3, A6): an admin checked
them out (who, when), or the 24-hour rule did (when, and how to have it corrected). Times are in
the agent's zone and the DM in their language (both chosen by the caller, as for every DM:
bot/notify/readers.py); times are labelled with their zone (bot/cards/when.py)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from attendance.models import CHECK_OUT, EventKind
from attendance.notices import Notice
from attendance.words import DEFAULT_NAMES
from bot.cards import when
from bot.cliq.markup import Markup, escape
from bot.cliq.message import Card, Message
from bot.i18n import Words


def _at(moment: datetime, zone: ZoneInfo, words: Words) -> str:
    """`Mon 30 Nov 18:05 JST` / `11月30日(月) 18:05 JST`: a DM is read later, maybe elsewhere,
    so the day and the zone."""
    here = moment.astimezone(zone)
    return words.gettext(
        "{date} {time} {zone}",
        date=words.date(here),
        time=words.time(here),
        zone=when.zone_label(moment, zone),
    )


def _status(notice: Notice, words: Words) -> str:
    """The status the notice put the agent in, as they read it: a default by its name in their
    language unless renamed."""
    default = DEFAULT_NAMES.get(notice.status_id)
    return words.lookup(default) if default and notice.status_default else notice.status_name


def notice_message(notice: Notice, zone: ZoneInfo, words: Words) -> Message:
    """The DM for `notice`, addressed to `notice.agent` (by name when known), times in `zone`,
    words in `words`' language."""
    if notice.agent_name:
        hello = words.gettext("Hello {name},", name=escape(notice.agent_name))
    else:
        hello = words.gettext("Hello,")
    if notice.kind is EventKind.AUTOMATIC:
        started = notice.session_started
        at = Markup("*{}*").format(_at(notice.at, zone, words))
        if started:
            done = words.gettext(
                "you were checked out automatically at {time}: 24 hours after you checked in"
                " on {started}, the most a check-in lasts.",
                time=at,
                started=_at(started, zone, words),
            )
        else:
            done = words.gettext(
                "you were checked out automatically at {time}: 24 hours after you checked in,"
                " the most a check-in lasts.",
                time=at,
            )
        lines = [
            hello,
            done,
            words.gettext(
                "If you stopped working earlier, ask an admin to correct your check-out time"
                " (tell them when you stopped); if you are still working, check in again."
            ),
        ]
        title = words.pgettext("card title", "Checked out automatically")
    else:
        admin = Markup("*{}*").format(notice.actor_name or notice.actor)
        at = Markup("*{}*").format(_at(notice.at, zone, words))
        if notice.status_id == CHECK_OUT:
            done = words.gettext("{admin} checked you out at {time}.", admin=admin, time=at)
            title = words.pgettext("card title", "Checked out by an admin")
        else:
            status = Markup("*{}*").format(_status(notice, words))
            done = words.gettext(
                "{admin} set your status to {status} at {time}.",
                admin=admin,
                status=status,
                time=at,
            )
            title = words.pgettext("card title", "Status changed by an admin")
        lines = [
            hello,
            done,
            words.gettext("If that is a mistake, check in again, or ask them to correct it."),
        ]
    return Message(text="\n".join(lines), card=Card(title=title, theme="modern-inline"))
