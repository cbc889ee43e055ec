"""`/console/`: my status (SPEC A5 in the browser): the current status, the running Online
timer, a button for every move allowed now (every status reachable: A1), today's and this
week's worked time.

A move calls the same attendance service as the chat (`AttendanceService.move`, with the same
`AccessPolicy` deciding who may use attendance), so a move made here shows in chat at once and
the other way round (SPEC A9); no rule of attendance is written here.
"""

from __future__ import annotations

from aiohttp import web

from attendance.access import Access, AccessPolicy
from attendance.errors import AttendanceError
from attendance.views import AgentState
from attendance.words import shown_name
from bot.console import language
from bot.console.auth import requires_agent
from bot.console.render import VIEWER, NavLink, Viewer, render
from bot.i18n import N_, Words
from bot.identity.directory import role_of
from bot.parts import ATTENDANCE, CLOCK, CONFIG

routes = web.RouteTableDef()
nav = [NavLink("/console/", N_("My status"))]

MAX_STATUS_DIGITS = 9


@routes.get("", name="console")
async def bare(request: web.Request) -> web.StreamResponse:
    raise web.HTTPFound("/console/")


@routes.get("/", name="me")
@requires_agent
async def my_status(request: web.Request) -> web.StreamResponse:
    """My status page; `?moved=1` after a move says it was done."""
    viewer = request[VIEWER]
    state = await request.config_dict[ATTENDANCE].status(viewer.email, tz=viewer.zone.key)
    words = language.words(request)
    note = (
        words.gettext("Done: you are {status} now.", status=shown_name(state.status, words))
        if request.query.get("moved") == "1"
        else ""
    )
    return await _page(request, viewer, state, note=note)


@routes.get("/status.json", name="me_state")
@requires_agent
async def my_state(request: web.Request) -> web.StreamResponse:
    """What my status page's script polls (every 15 s, bot/console/static/console.js), so a
    move made elsewhere (the chat, an admin's check-out) shows on an open page: the current
    status id and name (in the page's language), whether the timer runs, today's worked time
    in ms."""
    viewer = request[VIEWER]
    state = await request.config_dict[ATTENDANCE].status(viewer.email, tz=viewer.zone.key)
    return web.json_response(
        {
            "status_id": state.status.id,
            "status": shown_name(state.status, language.words(request)),
            "running": state.status.online,
            "worked_ms": int(state.worked_today.total_seconds() * 1000),
        },
        headers={"Cache-Control": "no-store"},
    )


@routes.post("/status", name="move")
@requires_agent
async def move(request: web.Request) -> web.StreamResponse:
    """Move to the status posted as `status` (its id); the state machine decides if allowed."""
    viewer = request[VIEWER]
    access = _access(request, viewer)
    words = language.words(request)
    if not access.may_use:
        return render(request, "refused.html", status=403, title=N_("Attendance"),
                      reason=_why_not(access, words))  # fmt: skip
    chosen = (await request.post()).get("status", "")
    if (
        not isinstance(chosen, str)
        or not (chosen.isascii() and chosen.isdigit())
        or len(chosen) > MAX_STATUS_DIGITS
    ):
        return render(request, "refused.html", status=400, title=N_("Pick a status"),
                      reason=words.gettext("Pick one of the status buttons on your page."))  # fmt: skip
    tracker = request.config_dict[ATTENDANCE]
    try:
        await tracker.move(viewer.email, int(chosen), name=viewer.name, tz=viewer.zone.key)
    except AttendanceError as refusal:  # not allowed now, or a status deleted since shown:
        state = await tracker.status(viewer.email, tz=viewer.zone.key)
        note = refusal.text(words)
        return await _page(request, viewer, state, note=note, status=409)  # moves now
    raise web.HTTPSeeOther("/console/?moved=1")


def _why_not(access: Access, words: Words) -> str:
    """Why attendance is not for this viewer, in the page's language."""
    return access.why(words) or words.gettext("Attendance is not available to you.")


def _access(request: web.Request, viewer: Viewer) -> Access:
    policy = AccessPolicy.from_config(request.config_dict[CONFIG].attendance)
    return policy.decide(role_of(viewer.agent), viewer.agent.associated_department_ids)


async def _page(
    request: web.Request, viewer: Viewer, state: AgentState, *, note: str = "", status: int = 200
) -> web.Response:
    access = _access(request, viewer)
    week = await request.config_dict[ATTENDANCE].week(viewer.email, viewer.zone.key)
    now = request.config_dict[CLOCK].now()
    return render(
        request,
        "me.html",
        status=status,
        title=N_("My status"),
        state=state,
        access=access,
        why_not=_why_not(access, language.words(request)),
        note=note,
        worked_today_ms=int(state.worked_today.total_seconds() * 1000),
        running=state.status.online,
        now=now,
        week=week.agent,
        zone=viewer.zone,
    )
