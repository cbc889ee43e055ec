"""`/console/settings` (admins; SPEC D1, D2, D9, A1 in the browser): the department → channel
map, the notification switches for channels and DMs, where and when the daily digest goes, and
the attendance status list.

Every change goes through the code the chat's verbs call: `bot.notify.changes` (`/deskbot map`,
`unmap`, `notify`), the attendance service's status book (`/attendance statuses add|rename|
retype|delete`, with SPEC A1's limits), and the digest's places (`/deskbot digest`). The bot reads
these settings from the store on every event, so a switch turned off here is obeyed by the next
event. Forms are plain POSTs carrying the session's CSRF token (checked by the console's
middleware); each answers with the page and a line saying what was done, or why not.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aiohttp import web

from attendance.errors import AttendanceError
from attendance.models import StatusType
from attendance.statuses import MAX_CUSTOM, MAX_NAME
from attendance.words import shown_name, type_name
from bot.console import language
from bot.console.auth import requires_admin
from bot.console.render import NavLink, render
from bot.desk.people import Department
from bot.i18n import N_, Words
from bot.notify import changes
from bot.notify.kinds import DM_ONLY, Kind, labels
from bot.parts import ATTENDANCE, CLIQ, CLOCK, ORG_DATA, SCHEDULER, SETTINGS

routes = web.RouteTableDef()
nav = [NavLink("/console/settings", N_("Settings"), admin=True)]


@dataclass(frozen=True, slots=True)
class ChannelRow:
    department_id: str
    department: str
    channel: str | None  # None: disabled (no posts)
    mapped: bool  # its own channel (else the org channel's, or disabled)


@dataclass(frozen=True, slots=True)
class SwitchRow:
    kind: str
    label: str
    channel: bool | None  # None: DM only
    dm: bool


@dataclass(frozen=True, slots=True)
class DigestRow:
    key: str  # the place's key (`org:<channel>`, `department:<id>`)
    place: str
    at: str
    zone: str
    last: str  # the day of the last digest ("" for none yet)
    own: bool  # its time or zone set here (else bot.toml's)


@dataclass(frozen=True, slots=True)
class StatusRow:
    """A status of the list as the page shows it (a default in the page's language unless
    renamed; `type` Online/Offline likewise)."""

    id: int
    name: str
    type: str
    online: bool
    retypable: bool
    deletable: bool
    restorable: bool  # a default an admin renamed: its default name can come back


async def _page(
    request: web.Request, *, note: str = "", alert: bool = False, status: int = 200
) -> web.Response:
    settings = request.config_dict[SETTINGS]
    words = language.words(request)
    rules = await settings.rules()
    departments = await request.config_dict[ORG_DATA].departments()
    channels = [
        ChannelRow(
            d.id,
            changes.department_name(d),
            None
            if d.id in rules.disabled_departments
            else rules.channel_map.get(d.id, rules.org_channel),
            d.id in rules.channel_map,
        )
        for d in departments
    ]
    named = labels(words)
    switches = [
        SwitchRow(k.value, named[k], None if k in DM_ONLY else rules.posts(k), rules.dms(k))
        for k in Kind
    ]
    digests = request.config_dict[SCHEDULER].digest
    names = {d.id: changes.department_name(d) for d in departments}
    places = []
    schedule = await digests.schedule()
    for place in await digests.places(starting=False):
        last = await digests.last_day(place)
        where = f"#{place.channel}" if place.channel else words.gettext("(disabled)")
        if place.department_id:
            where = words.gettext(
                "{place} ({department})",
                place=where,
                department=names.get(place.department_id, place.department_id),
            )
        places.append(
            DigestRow(
                place.key,
                where,
                f"{place.at:%H:%M}",
                place.zone.key,
                words.date(last, year=True) if last else "",
                place.key in schedule,
            )
        )
    listed = await request.config_dict[ATTENDANCE].statuses()
    statuses = [
        StatusRow(
            s.id,
            shown_name(s, words),
            type_name(s.type, words),
            s.online,
            s.retypable,
            s.deletable,
            s.builtin and s.renamed,
        )
        for s in listed
    ]
    return render(
        request,
        "settings.html",
        status=status,
        title=N_("Settings"),
        note=note,
        alert=alert,
        org_channel=rules.org_channel,
        dm_owner=rules.dm_owner,
        channels=channels,
        switches=switches,
        digests=places,
        statuses=statuses,
        custom=sum(1 for s in listed if not s.builtin),
        max_custom=MAX_CUSTOM,
        max_name=MAX_NAME,
        online_name=type_name(StatusType.ONLINE, words),
        offline_name=type_name(StatusType.OFFLINE, words),
    )


@routes.get("/settings", name="settings")
@requires_admin
async def settings_page(request: web.Request) -> web.StreamResponse:
    return await _page(request)


FIELD_LABELS = {
    "channel": N_("channel name"),
    "department": N_("Department"),
    "kind": N_("Notification"),
    "where": N_("switch"),
    "on": N_("switch"),
    "place": N_("Posted to"),
    "at": N_("Every day at"),
    "zone": N_("Zone"),
    "name": N_("status name"),
    "type": N_("Type"),
}
"""The settings forms' fields as a refusal names them (their labels on the page)."""


def _field(form: Any, name: str, words: Words, limit: int = 200) -> str:
    """The form's text field `name` ("" when absent); longer than `limit` characters, refused
    (changes.Refused: 400, nothing changed, said in the language of `words`), never cut to
    fit."""
    value = form.get(name, "")
    if not isinstance(value, str):
        return ""
    if len(value) > limit:
        raise changes.Refused(words.gettext(
            "The field “{field}” sent is too long (at most {limit} characters).",
            field=words.lookup(FIELD_LABELS.get(name, name)), limit=words.number(limit)))  # fmt: skip
    return value


async def _department(request: web.Request, department_id: str) -> Department:
    for department in await request.config_dict[ORG_DATA].departments():
        if department.id == department_id:
            return department
    raise changes.Refused(
        language.words(request).gettext("That department is not in Desk any more; reload the page.")
    )


async def _answer(request: web.Request, change: Any) -> web.Response:
    """Run `change` (a coroutine giving the sentence of what was done) and show the page with
    that sentence, or with why it was refused (400, nothing changed)."""
    try:
        done = await change
    except changes.Refused as refusal:
        return await _page(request, note=str(refusal), alert=True, status=400)
    except AttendanceError as refusal:
        note = refusal.text(language.words(request))
        return await _page(request, note=note, alert=True, status=400)
    return await _page(request, note=done)


@routes.post("/settings/map")
@requires_admin
async def map_department(request: web.Request) -> web.StreamResponse:
    """`department` (an id) to `channel` (as typed); `create` makes the channel if need be."""
    form = await request.post()
    words = language.words(request)

    async def change() -> str:
        department = await _department(request, _field(form, "department", words, 40))
        return await changes.map_department(
            request.config_dict[CLIQ],
            request.config_dict[SETTINGS],
            department,
            _field(form, "channel", words, 100),
            create=bool(_field(form, "create", words)),
            at=request.config_dict[CLOCK].now(),
            words=words,
        )

    return await _answer(request, change())


@routes.post("/settings/unmap")
@requires_admin
async def unmap_department(request: web.Request) -> web.StreamResponse:
    """`department` back to the org channel, or (`disable`) no posts at all."""
    form = await request.post()
    words = language.words(request)

    async def change() -> str:
        department = await _department(request, _field(form, "department", words, 40))
        return await changes.unmap_department(
            request.config_dict[SETTINGS],
            department,
            disable=bool(_field(form, "disable", words)),
            words=words,
        )

    return await _answer(request, change())


@routes.post("/settings/switch")
@requires_admin
async def switch(request: web.Request) -> web.StreamResponse:
    """Turn `kind` `on`/`off` `where` ("channel" or "dm")."""
    form = await request.post()
    words = language.words(request)

    async def change() -> str:
        try:
            kind = Kind(_field(form, "kind", words, 40))
        except ValueError:
            raise changes.Refused(
                words.gettext("That is not a notification kind; reload the page.")
            ) from None
        on = _field(form, "on", words)
        if on not in ("on", "off"):
            raise changes.Refused(words.gettext("A switch is on or off; reload the page."))
        where = _field(form, "where", words, 20)
        if where not in changes.WHERES:
            raise changes.Refused(words.gettext(
                "“{where}” is not channel or dm; reload the page.", where=where))  # fmt: skip
        return await changes.switch(
            request.config_dict[SETTINGS], kind, where, on=on == "on", words=words
        )

    return await _answer(request, change())


@routes.post("/settings/digest")
@requires_admin
async def digest(request: web.Request) -> web.StreamResponse:
    """Post the digest of `place` (a place key) at `at` (HH:MM) in `zone` (IANA); both empty
    go back to bot.toml's."""
    form = await request.post()
    digests = request.config_dict[SCHEDULER].digest
    words = language.words(request)

    async def change() -> str:
        wanted = _field(form, "place", words, 100)
        place = next((p for p in await digests.places(starting=False) if p.key == wanted), None)
        if place is None:
            raise changes.Refused(
                words.gettext("That digest is not posted any more; reload the page.")
            )
        return await changes.digest_schedule(
            digests, place, _field(form, "at", words, 20), _field(form, "zone", words, 64),
            words=words,
        )  # fmt: skip

    return await _answer(request, change())


def _type(form: Any, words: Words) -> StatusType:
    try:
        return StatusType(_field(form, "type", words, 20))
    except ValueError:
        raise changes.Refused(words.gettext("A status type is Online or Offline.")) from None


STATUS_ID_DIGITS = 9
"""A status id as the page sends it: a number of at most this many digits."""


def _status_id(form: Any, words: Words) -> int:
    value = form.get("status", "")
    text = value if isinstance(value, str) else ""
    if not (text.isascii() and text.isdigit() and len(text) <= STATUS_ID_DIGITS):
        raise changes.Refused(words.gettext(
            "That is not a status id (a number of at most {digits} digits): pick a status from "
            "the list; reload the page.", digits=STATUS_ID_DIGITS))  # fmt: skip
    return int(text)


def _name(form: Any) -> str:
    """The form's status name as sent ("" when absent): its length and characters are judged by
    the status rule (attendance.statuses.clean_name), so the console says the same limit."""
    value = form.get("name", "")
    return value if isinstance(value, str) else ""


@routes.post("/settings/statuses/{action:add|rename|restore|retype|delete}")
@requires_admin
async def statuses(request: web.Request) -> web.StreamResponse:
    """The status list (SPEC A1): add a status, rename one, give a default its default name
    back, change its type, delete one."""
    form = await request.post()
    tracker = request.config_dict[ATTENDANCE]
    action = request.match_info["action"]

    words = language.words(request)

    async def change() -> str:
        if action == "add":
            added = await tracker.add_status(_name(form), _type(form, words))
            return words.gettext("Added {status} ({type}).", status=shown_name(added, words),
                                 type=type_name(added.type, words))  # fmt: skip
        status = _status_id(form, words)
        if action == "rename":
            renamed = await tracker.rename_status(status, _name(form))
            return words.gettext("Renamed to {status}.", status=shown_name(renamed, words))
        if action == "restore":
            restored = await tracker.restore_status(status)
            return words.gettext(
                "{status} has its default name again.", status=shown_name(restored, words)
            )
        if action == "retype":
            retyped = await tracker.retype_status(status, _type(form, words))
            return words.gettext("{status} is now {type}.", status=shown_name(retyped, words),
                                 type=type_name(retyped.type, words))  # fmt: skip
        deleted = await tracker.delete_status(status)
        return words.gettext("Deleted {status}.", status=shown_name(deleted, words))

    return await _answer(request, change())
