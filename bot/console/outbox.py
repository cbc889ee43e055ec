"""`/console/outbox` (admins): what could not be delivered, with retry and drop — the posts the
outbox gave up on (dead letters) and the Desk events parked in the inbox — the same rows and the
same operations as `deskbot outbox|inbox [retry|drop <id>]` (`Outbox`/`Inbox.revive` and `drop`).
A retried row is handed to the running sender or notifier at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web

from bot.console import language
from bot.console.auth import requires_admin
from bot.console.render import NavLink, render
from bot.i18n import N_, Words
from bot.parts import INBOX, NOTIFIER, OUTBOX, SENDER

routes = web.RouteTableDef()
nav = [NavLink("/console/outbox", N_("Outbox"), admin=True)]

EXCERPT = 160
"""Characters of a post's text shown beside it."""


@dataclass(frozen=True, slots=True)
class DeadRow:
    id: int
    where: str  # "user agent@example.com", "channel #desk" (translated), or a Desk event type
    what: str  # the post's text, cut; or the event's ticket
    attempts: int
    error: str


async def _page(
    request: web.Request, *, note: str = "", alert: bool = False, status: int = 200
) -> web.Response:
    outbox, inbox = request.config_dict[OUTBOX], request.config_dict[INBOX]
    words = language.words(request)
    posts = [
        DeadRow(
            p.id,
            _target(p.target_kind, p.target, words),
            _excerpt(str(p.payload.get("text", "") or p.payload.get("card", {}).get("title", ""))),
            p.attempts,
            p.last_error or "",
        )
        for p in await outbox.dead_letters()
    ]
    events = [
        DeadRow(e.id, e.event_type, _event_about(e.body), e.attempts, e.last_error or "")
        for e in await inbox.dead_letters()
    ]
    return render(
        request,
        "outbox.html",
        status=status,
        title=N_("Outbox"),
        note=note,
        alert=alert,
        posts=posts,
        events=events,
        outbox_counts=await outbox.counts(),
        inbox_counts=await inbox.counts(),
    )


def _target(kind: str, target: str, words: Words) -> str:
    """Where a post was going, in the page's language: the outbox's target kinds as
    `CliqClient.deliver` names them (`user agent@example.com`, `channel #desk`, `chat <id>`,
    a response URL)."""
    if kind == "user":
        return words.gettext("user {email}", email=target)
    if kind == "channel":
        return words.gettext("channel #{channel}", channel=target)
    if kind == "chat":
        return words.gettext("chat {id}", id=target)
    return words.gettext("reply to {url}", url=target)


def _excerpt(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= EXCERPT else flat[: EXCERPT - 1] + "…"


def _event_about(body: dict[str, object]) -> str:
    """What a Desk event is about, in a few words (its payload's ticket number or id)."""
    payload = body.get("payload")
    if isinstance(payload, dict):
        number = payload.get("ticketNumber") or payload.get("id")
        if number:
            return f"#{str(number)[:30]}" if payload.get("ticketNumber") else str(number)[:40]
    return ""


@routes.get("/outbox", name="outbox")
@requires_admin
async def outbox_page(request: web.Request) -> web.StreamResponse:
    return await _page(request)


@routes.post("/outbox/{queue:posts|events}/{row:[0-9]{1,18}}/{action:retry|drop}")
@requires_admin
async def act(request: web.Request) -> web.StreamResponse:
    """Retry or drop one dead post (`posts`) or parked Desk event (`events`)."""
    queue, action = request.match_info["queue"], request.match_info["action"]
    row = int(request.match_info["row"])
    store = request.config_dict[OUTBOX] if queue == "posts" else request.config_dict[INBOX]
    done = await (store.revive(row) if action == "retry" else store.drop(row))
    words = language.words(request)
    post = queue == "posts"
    if not done:
        if post:
            gone = words.gettext(
                "There is no dead post {id} any more (retried or dropped already?).", id=row
            )
        else:
            gone = words.gettext(
                "There is no parked Desk event {id} any more (retried or dropped already?).",
                id=row,
            )
        return await _page(request, note=gone, alert=True, status=409)
    if action == "retry":
        (request.config_dict[SENDER] if post else request.config_dict[NOTIFIER]).wake()
        if post:
            return await _page(
                request, note=words.gettext("The post {id} is queued again.", id=row)
            )
        return await _page(
            request, note=words.gettext("The Desk event {id} is queued again.", id=row)
        )
    if post:
        return await _page(request, note=words.gettext("The post {id} is dropped.", id=row))
    return await _page(request, note=words.gettext("The Desk event {id} is dropped.", id=row))
