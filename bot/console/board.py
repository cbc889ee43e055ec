"""`/console/board` (admins; SPEC A6 in the browser): a column per status, a card per agent with
the time since their last change, refreshed by itself; a card opens the agent's report, and a
checked-in agent's card checks them out after a confirmation.

The board is the chat's board: the same agents (`bot.identity.directory.attendance_agents`: Desk's
active agents whom `[attendance]` lets use attendance), read by the same
`AttendanceService.board`, and a check-out is the same `AttendanceService.admin_checkout` the
chat's `/attendance checkout` calls, so the agent gets the same DM (queued with the event, in
its transaction). No rule of attendance is written here.

- `GET /console/board`: the page; its script asks for `GET /console/board/columns` (the
  columns alone, an HTML fragment of the same template) every `REFRESH_SECONDS`.
- `GET /console/board/checkout/{agent id}`: the confirmation; `POST` to it checks out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from aiohttp import web

from attendance.access import AccessPolicy
from attendance.errors import AlreadyCheckedOut
from attendance.models import CHECK_OUT, EventKind, agent_key
from attendance.service import AttendanceService
from attendance.views import AgentState, Board
from attendance.words import shown_name
from bot.console import language
from bot.console.auth import requires_admin
from bot.console.render import VIEWER, NavLink, Viewer, local_time, render, since_text
from bot.desk.people import Agent
from bot.i18n import ENGLISH, N_, Words
from bot.identity.directory import AgentDirectory, attendance_agents
from bot.parts import ATTENDANCE, CLOCK, CONFIG, DIRECTORY

routes = web.RouteTableDef()
nav = [NavLink("/console/board", N_("Board"), admin=True)]

REFRESH_SECONDS = 5
"""How often the page asks for the board again."""


@dataclass(frozen=True, slots=True)
class BoardCard:
    """One agent on the board, as the page shows them (times already in the viewer's zone)."""

    agent_id: str
    email: str
    name: str
    checked_in: bool
    online: bool
    since: str  # "since 09:12" / "since 30 Nov 09:12" / "not checked in yet", translated
    for_how_long: str  # "2 h 5 min" / "2時間5分", or "" when never checked in
    since_iso: str  # the instant, ISO 8601, for <time datetime>


@dataclass(frozen=True, slots=True)
class BoardColumn:
    status_id: int
    name: str  # in the viewer's language for a default never renamed
    online: bool
    cards: list[BoardCard]


@dataclass(frozen=True, slots=True)
class BoardView:
    """What the page draws: the columns, the counts, and when it was read."""

    columns: list[BoardColumn]
    agents: int
    checked_in: int
    read_at: str  # HH:MM:SS in the viewer's zone
    zone: str


async def board_people(directory: AgentDirectory, policy: AccessPolicy) -> dict[str, Agent]:
    """The board's agents (the chat's: `attendance_agents`), e-mail → their Desk agent."""
    names = await attendance_agents(directory, policy)
    found: dict[str, Agent] = {}
    for agent in await directory.all():
        if agent.email_id and agent.email_id in names:
            found[agent.email_id.strip().lower()] = agent
    return found


def board_view(
    board: Board,
    people: dict[str, Agent],
    *,
    now: datetime,
    zone: ZoneInfo,
    words: Words = ENGLISH,
) -> BoardView:
    """The page's view of `board` (`people`: e-mail → Desk agent, for ids and names), its
    words in the viewer's language (`words`)."""
    columns = []
    checked_in = 0
    for column in board.columns:
        cards = []
        for state in column.agents:
            cards.append(_card(state, people.get(state.email), now, zone, words))
            checked_in += state.checked_in
        columns.append(
            BoardColumn(
                column.status.id, shown_name(column.status, words), column.status.online, cards
            )
        )
    return BoardView(
        columns,
        agents=sum(len(c.cards) for c in columns),
        checked_in=checked_in,
        read_at=f"{now.astimezone(zone):%H:%M:%S}",
        zone=zone.key,
    )


@lru_cache(maxsize=8192)
def _since(words: Words, since: datetime, zone: ZoneInfo, today: date) -> str:
    """`since_text` of a minute (`since` cut to it) on the viewer's day `today`: a board shows
    many agents who changed in the same minute, and Babel's formatting is its largest cost."""
    return since_text(since, datetime.combine(today, time(12), zone), zone, words)


@lru_cache(maxsize=8192)
def _for(words: Words, minutes: int) -> str:
    """`Words.duration` of whole minutes (what it shows), kept for the next card."""
    return words.duration(timedelta(minutes=minutes))


def _card(
    state: AgentState, agent: Agent | None, now: datetime, zone: ZoneInfo, words: Words
) -> BoardCard:
    return BoardCard(
        agent_id=agent.id if agent else "",
        email=state.email,
        name=(agent.display_name if agent else "") or state.name or state.email,
        checked_in=state.checked_in,
        online=state.status.online,
        since=since_text(None, now, zone, words)
        if state.since is None
        else _since(words, state.since.replace(second=0, microsecond=0), zone, today(now, zone)),
        for_how_long=""
        if state.since is None
        else _for(words, int((now - state.since).total_seconds() // 60)),
        since_iso="" if state.since is None else state.since.isoformat(timespec="seconds"),
    )


def today(now: datetime, zone: ZoneInfo) -> date:
    return now.astimezone(zone).date()


async def read_view(
    attendance: AttendanceService,
    people: dict[str, Agent],
    *,
    now: datetime,
    zone: ZoneInfo,
    words: Words = ENGLISH,
) -> BoardView:
    """Read the board of `people` now and lay it out for the page, in `words`' language."""
    names = {email: agent.display_name for email, agent in people.items()}
    board = await attendance.board(names, tz=zone.key)
    return board_view(board, people, now=now, zone=zone, words=words)


async def _view(request: web.Request) -> BoardView:
    viewer: Viewer = request[VIEWER]
    people = await _people(request)
    now = request.config_dict[CLOCK].now()
    return await read_view(
        request.config_dict[ATTENDANCE],
        people,
        now=now,
        zone=viewer.zone,
        words=language.words(request),
    )


@routes.get("/board", name="board")
@requires_admin
async def board_page(request: web.Request) -> web.StreamResponse:
    """The board page; `?done=<event id>` (where a check-out redirects) says what the viewer's
    check-out did, if that event is the viewer's check-out (else says nothing); `?page=` other
    than 1 is said not to exist."""
    note = await _done_note(request, request.query.get("done", ""))
    return await _page(request, note=note or _no_such_page(request))


def _no_such_page(request: web.Request) -> str:
    """`?page=N` (as the chat's board pages): this page shows every agent, so any page but 1
    is said not to exist rather than silently ignored."""
    asked = request.query.get("page", "").strip()
    if asked in ("", "1"):
        return ""
    return language.words(request).gettext(
        "There is no page {page}: this board shows every agent on one page.", page=asked[:12]
    )


async def _done_note(request: web.Request, done: str) -> str:
    if not (done.isascii() and done.isdigit() and len(done) <= 18):
        return ""
    event = await request.config_dict[ATTENDANCE].log.find(int(done))
    viewer: Viewer = request[VIEWER]
    me = viewer_key(request)
    if event is None or event.actor != me or event.status_id != CHECK_OUT:
        return ""
    words = language.words(request)
    at = words.time(event.at.astimezone(viewer.zone))
    if event.agent == me:
        return words.gettext("You are checked out (at {time}).", time=at)
    names = {e: a.display_name for e, a in (await _people(request)).items()}
    name = names.get(event.agent) or event.agent
    if event.kind is EventKind.ADMIN:
        return words.gettext(
            "{name} is checked out (by you, at {time}). They are told by DM.", name=name, time=at
        )
    return words.gettext("{name} is checked out (by you, at {time}).", name=name, time=at)


async def _people(request: web.Request) -> dict[str, Agent]:
    policy = AccessPolicy.from_config(request.config_dict[CONFIG].attendance)
    return await board_people(request.config_dict[DIRECTORY], policy)


async def _page(
    request: web.Request, *, note: str = "", alert: bool = False, status: int = 200
) -> web.Response:
    return render(
        request,
        "board.html",
        status=status,
        title=N_("Attendance board"),
        board=await _view(request),
        note=note,
        alert=alert,
        refresh_seconds=REFRESH_SECONDS,
    )


@routes.get("/board/columns", name="board_columns")
@requires_admin
async def board_columns(request: web.Request) -> web.StreamResponse:
    """The board's columns alone (an HTML fragment), for the page's refresh."""
    return render(request, "board_columns.html", title="", board=await _view(request))


async def _checked_in_agent(request: web.Request) -> tuple[str, Agent, AgentState] | None:
    """The board agent the path names (e-mail, Desk agent) and their state now, or None."""
    wanted = request.match_info["agent_id"]
    people = await _people(request)
    found = next(((e, a) for e, a in people.items() if a.id == wanted), None)
    if found is None:
        return None
    viewer: Viewer = request[VIEWER]
    email, agent = found
    return email, agent, await request.config_dict[ATTENDANCE].status(email, tz=viewer.zone.key)


@routes.get("/board/checkout/{agent_id}", name="board_checkout")
@requires_admin
async def confirm_checkout(request: web.Request) -> web.StreamResponse:
    """The confirmation step before an admin checks an agent out."""
    found = await _checked_in_agent(request)
    if found is None:
        return _no_agent(request)
    email, agent, state = found
    viewer: Viewer = request[VIEWER]
    now = request.config_dict[CLOCK].now()
    own = email == viewer_key(request)
    words = language.words(request)
    if not state.checked_in:
        return await _page(
            request,
            note=_already_out(agent.display_name, state.since, now, viewer.zone, words, own),
        )
    started = state.session_started
    return render(
        request,
        "board_checkout.html",
        title=N_("Check yourself out") if own else N_("Check an agent out"),
        own=own,
        agent=agent,
        state=state,
        since=local_time(state.since, viewer.zone, now, words),
        started=local_time(started, viewer.zone, now, words)
        if started and started != state.since
        else "",
    )


@routes.post("/board/checkout/{agent_id}")
@requires_admin
async def checkout(request: web.Request) -> web.StreamResponse:
    """Check the agent out as the signed-in admin (CSRF checked by the console's middleware);
    they are told by DM, as when an admin checks them out in chat (an admin checking herself
    out makes her own move). Done: a 303 to the board saying so (a reload does not post again);
    not checked in: 409 with the board saying since when."""
    found = await _checked_in_agent(request)
    if found is None:
        return _no_agent(request)
    email, agent, _ = found
    own = email == viewer_key(request)
    viewer: Viewer = request[VIEWER]
    now = request.config_dict[CLOCK].now()
    try:
        change = await request.config_dict[ATTENDANCE].admin_checkout(
            email,
            viewer.email,
            tz=viewer.zone.key,
            admin_name=viewer.name,
            agent_name=agent.display_name or None,
        )
    except AlreadyCheckedOut as out:
        words = language.words(request)
        note = _already_out(agent.display_name, out.since, now, viewer.zone, words, own)
        return await _page(request, note=note, alert=True, status=409)
    raise web.HTTPSeeOther(f"/console/board?done={change.event.id}")


def viewer_key(request: web.Request) -> str:
    """The signed-in viewer's e-mail as attendance keys agents (trimmed, lower case)."""
    viewer: Viewer = request[VIEWER]
    return agent_key(viewer.email)


def _no_agent(request: web.Request) -> web.Response:
    return render(
        request,
        "refused.html",
        status=404,
        title=N_("Not found"),
        reason=language.words(request).gettext(
            "There is no such agent on the board (not a Desk agent who uses attendance)."
        ),
    )


def _already_out(
    name: str, since: datetime | None, now: datetime, zone: ZoneInfo, words: Words, own: bool
) -> str:
    if since is None:
        if own:
            return words.gettext("You are not checked in (never checked in).")
        return words.gettext("{name} is not checked in (never checked in).", name=name)
    at = local_time(since, zone, now, words)
    if own:
        return words.gettext("You are already checked out (since {time}).", time=at)
    return words.gettext("{name} is already checked out (since {time}).", name=name, time=at)
