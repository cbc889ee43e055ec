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
from bot.console.auth import requires_admin
from bot.console.render import NavLink, render
from bot.desk.people import Department
from bot.notify import changes
from bot.notify.kinds import DM_ONLY, LABELS, Kind
from bot.parts import ATTENDANCE, CLIQ, CLOCK, ORG_DATA, SCHEDULER, SETTINGS

routes = web.RouteTableDef()
nav = [NavLink("/console/settings", "Settings", admin=True)]


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
    last: str
    own: bool  # its time or zone set here (else bot.toml's)


async def _page(
    request: web.Request, *, note: str = "", alert: bool = False, status: int = 200
) -> web.Response:
    settings = request.config_dict[SETTINGS]
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
    switches = [
        SwitchRow(k.value, LABELS[k], None if k in DM_ONLY else rules.posts(k), rules.dms(k))
        for k in Kind
    ]
    digests = request.config_dict[SCHEDULER].digest
    names = {d.id: changes.department_name(d) for d in departments}
    places = []
    schedule = await digests.schedule()
    for place in await digests.places(starting=False):
        last = await digests.last_day(place)
        where = f"#{place.channel}" if place.channel else "(disabled)"
        if place.department_id:
            where += f" ({names.get(place.department_id, place.department_id)})"
        places.append(
            DigestRow(
                place.key,
                where,
                f"{place.at:%H:%M}",
                place.zone.key,
                f"{last}" if last else "not yet",
                place.key in schedule,
            )
        )
    statuses = await request.config_dict[ATTENDANCE].statuses()
    return render(
        request,
        "settings.html",
        status=status,
        title="Settings",
        note=note,
        alert=alert,
        org_channel=rules.org_channel,
        dm_owner=rules.dm_owner,
        channels=channels,
        switches=switches,
        digests=places,
        statuses=statuses,
        custom=sum(1 for s in statuses if not s.builtin),
        max_custom=MAX_CUSTOM,
        max_name=MAX_NAME,
    )


@routes.get("/settings", name="settings")
@requires_admin
async def settings_page(request: web.Request) -> web.StreamResponse:
    return await _page(request)


def _field(form: Any, name: str, limit: int = 200) -> str:
    """The form's text field `name` ("" when absent); longer than `limit` characters, refused
    (changes.Refused: 400, nothing changed), never cut to fit."""
    value = form.get(name, "")
    if not isinstance(value, str):
        return ""
    if len(value) > limit:
        raise changes.Refused(f"The {name} sent is too long (at most {limit} characters).")
    return value


async def _department(request: web.Request, department_id: str) -> Department:
    for department in await request.config_dict[ORG_DATA].departments():
        if department.id == department_id:
            return department
    raise changes.Refused("That department is not in Desk any more; reload the page.")


async def _answer(request: web.Request, change: Any) -> web.Response:
    """Run `change` (a coroutine giving the sentence of what was done) and show the page with
    that sentence, or with why it was refused (400, nothing changed)."""
    try:
        done = await change
    except (changes.Refused, AttendanceError) as refusal:
        return await _page(request, note=str(refusal), alert=True, status=400)
    return await _page(request, note=done)


@routes.post("/settings/map")
@requires_admin
async def map_department(request: web.Request) -> web.StreamResponse:
    """`department` (an id) to `channel` (as typed); `create` makes the channel if need be."""
    form = await request.post()

    async def change() -> str:
        department = await _department(request, _field(form, "department", 40))
        return await changes.map_department(
            request.config_dict[CLIQ],
            request.config_dict[SETTINGS],
            department,
            _field(form, "channel", 100),
            create=bool(_field(form, "create")),
            at=request.config_dict[CLOCK].now(),
        )

    return await _answer(request, change())


@routes.post("/settings/unmap")
@requires_admin
async def unmap_department(request: web.Request) -> web.StreamResponse:
    """`department` back to the org channel, or (`disable`) no posts at all."""
    form = await request.post()

    async def change() -> str:
        department = await _department(request, _field(form, "department", 40))
        return await changes.unmap_department(
            request.config_dict[SETTINGS], department, disable=bool(_field(form, "disable"))
        )

    return await _answer(request, change())


@routes.post("/settings/switch")
@requires_admin
async def switch(request: web.Request) -> web.StreamResponse:
    """Turn `kind` `on`/`off` `where` ("channel" or "dm")."""
    form = await request.post()

    async def change() -> str:
        try:
            kind = Kind(_field(form, "kind", 40))
        except ValueError:
            raise changes.Refused("That is not a notification kind; reload the page.") from None
        on = _field(form, "on")
        if on not in ("on", "off"):
            raise changes.Refused("A switch is on or off; reload the page.")
        where = _field(form, "where", 20)
        if where not in changes.WHERES:
            raise changes.Refused(f"“{where}” is not channel or dm; reload the page.")
        return await changes.switch(request.config_dict[SETTINGS], kind, where, on=on == "on")

    return await _answer(request, change())


@routes.post("/settings/digest")
@requires_admin
async def digest(request: web.Request) -> web.StreamResponse:
    """Post the digest of `place` (a place key) at `at` (HH:MM) in `zone` (IANA); both empty
    go back to bot.toml's."""
    form = await request.post()
    digests = request.config_dict[SCHEDULER].digest

    async def change() -> str:
        wanted = _field(form, "place", 100)
        place = next((p for p in await digests.places(starting=False) if p.key == wanted), None)
        if place is None:
            raise changes.Refused("That digest is not posted any more; reload the page.")
        return await changes.digest_schedule(
            digests, place, _field(form, "at", 20), _field(form, "zone", 64)
        )

    return await _answer(request, change())


def _type(form: Any) -> StatusType:
    try:
        return StatusType(_field(form, "type", 20))
    except ValueError:
        raise changes.Refused("A status type is Online or Offline.") from None


STATUS_ID_DIGITS = 9
"""A status id as the page sends it: a number of at most this many digits."""


def _status_id(form: Any) -> int:
    value = form.get("status", "")
    text = value if isinstance(value, str) else ""
    if not (text.isascii() and text.isdigit() and len(text) <= STATUS_ID_DIGITS):
        raise changes.Refused(
            f"That is not a status id (a number of at most {STATUS_ID_DIGITS} digits): "
            "pick a status from the list; reload the page."
        )
    return int(text)


@routes.post("/settings/statuses/{action:add|rename|retype|delete}")
@requires_admin
async def statuses(request: web.Request) -> web.StreamResponse:
    """The status list (SPEC A1): add a status, rename one, change its type, delete one."""
    form = await request.post()
    tracker = request.config_dict[ATTENDANCE]
    action = request.match_info["action"]

    async def change() -> str:
        if action == "add":
            added = await tracker.add_status(_field(form, "name", 200), _type(form))
            return f"Added {added.name} ({added.type.value})."
        status = _status_id(form)
        if action == "rename":
            renamed = await tracker.rename_status(status, _field(form, "name", 200))
            return f"Renamed to {renamed.name}."
        if action == "retype":
            retyped = await tracker.retype_status(status, _type(form))
            return f"{retyped.name} is now {retyped.type.value}."
        deleted = await tracker.delete_status(status)
        return f"Deleted {deleted.name}."

    return await _answer(request, change())
