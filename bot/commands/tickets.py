"""`/ticket` and the ticket keywords (SPEC D6, D7): my latest, by number, a customer's latest;
Overdue Tickets, Due Today and Open Tickets as words and as sub-actions of the "Tickets" menu
action; Post here."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, time, timedelta

from bot.cards import people
from bot.cards.keys import number
from bot.cards.tickets import for_everyone, ticket_card, ticket_list_card
from bot.cliq.markup import escape
from bot.cliq.message import Banner, CommandSuggestion, Message
from bot.cliq.places import NoBotPlace, Place, bot_place
from bot.commands.arguments import ticket_query
from bot.commands.common import desk_agent, shown_to_me_first
from bot.commands.context import DeskContext
from bot.desk.tickets import Ticket
from bot.i18n import N_, Words
from bot.router import Router, typed
from bot.store.outbox import Post

router = Router()
LATEST = 3


@router.command(
    "ticket",
    usage=N_("/ticket [number | customer e-mail]"),
    description=N_("My 3 latest tickets, a ticket by number, or a customer's 3 latest."),
    requires=desk_agent,
)
async def ticket(ctx: DeskContext, args: str) -> Message | Banner:
    query = ticket_query(args, ctx.words)  # a bad argument is a usage card
    if query.kind == "number":
        found = await ctx.desk.ticket_by_number(query.value)
        if found is None:
            said = ctx.words.gettext("There is no ticket #{number}.", number=query.value)
            return await shown_to_me_first(ctx, Message(text=escape(said)))
        full = await ctx.desk.ticket(found.id, include=["contacts"])
        return await shown_to_me_first(
            ctx, await _card(ctx, full), posted=await _card(ctx, full, label_times=True)
        )
    if query.kind == "customer":
        found_list = await ctx.desk.search(email=query.value, sort_by="-createdTime", limit=LATEST)
        title = ctx.words.pgettext("card title", "Latest tickets of {email}", email=query.value)
        empty = ctx.words.gettext(
            "{email} has no tickets (Desk's search may take a few minutes to show a brand-new"
            " one).",
            email=query.value,
        )
    else:
        assert ctx.agent is not None
        found_list = await ctx.desk.tickets(assignee=[ctx.agent.id], limit=LATEST)
        title = ctx.words.pgettext("card title", "My latest tickets")
        empty = ctx.words.gettext("No tickets are assigned to you.")
    return await _shown_list(ctx, title, found_list, empty)


SUGGESTED_FROM = 50
"""How many of my latest tickets `/ticket`'s suggestions look through (one Desk page)."""


@router.suggestion("ticket")
async def suggest_tickets(ctx: DeskContext, typed: str) -> list[CommandSuggestion]:
    """Autocomplete over my latest tickets: a number matches anywhere in the ticket number
    (its start first), words anywhere in the subject or the customer's e-mail, in any order;
    then the customers' e-mails that match. At most Cliq's 10."""
    if ctx.agent is None:
        return []
    recent = await ctx.desk.tickets(assignee=[ctx.agent.id], limit=SUGGESTED_FROM)
    words = typed_words(typed)
    first: list[CommandSuggestion] = []
    then: list[CommandSuggestion] = []
    for t in recent:
        number_text = str(t.ticket_number)
        about = f"{number_text} {t.subject or ''} {t.email or ''}".casefold()
        if all(w in about for w in words):
            row = CommandSuggestion(title=f"#{number_text}", description=t.subject)
            (first if words and number_text.startswith(words[0]) else then).append(row)
    emails = dict.fromkeys(t.email for t in recent if t.email)
    customer = ctx.words.gettext("customer")
    customers = [
        CommandSuggestion(title=email, description=customer)
        for email in emails
        if all(w in email.casefold() for w in words)
    ]
    return [*first, *then, *customers][:10]


def typed_words(text: str) -> list[str]:
    """What is typed after `/ticket`, as lower-case words without a leading `#`."""
    return [w.lstrip("#") for w in typed(text).casefold().split() if w.lstrip("#")]


async def _statuses_of(ctx: DeskContext, *, closed: bool) -> list[str]:
    """The portal's statuses (Desk's own list from `/organizationFields`, custom ones included)
    whose `statusType` is Closed (`closed`), or is not (Open and On Hold: still to be done)."""
    return [
        s.value
        for s in await ctx.statuses()
        if ((s.status_type or "").casefold() == "closed") == closed
    ]


async def open_statuses(ctx: DeskContext) -> dict[str, object]:
    """The `/tickets` filter for open tickets: every status of the portal whose `statusType` is
    Open (Desk's own list from `/organizationFields`: custom statuses included)."""
    names = [s.value for s in await ctx.statuses() if (s.status_type or "").casefold() == "open"]
    return {"status": names or ["Open"]}


Fetch = Callable[[DeskContext], Awaitable[list[Ticket]]]
"""A keyword's tickets for the caller."""
Texts = Callable[[Words], tuple[str, str]]
"""A keyword's card title and its text when nothing is found, in the reader's language."""


def _keyword(texts: Texts, fetch: Fetch) -> Callable[[DeskContext], Awaitable[Message | Banner]]:
    async def listener(ctx: DeskContext) -> Message | Banner:
        found = await fetch(ctx)
        title, empty = texts(ctx.words)
        return await _shown_list(ctx, title, found, empty)

    return listener


TICKETS_MENU = "Tickets"  # a parent menu action: Cliq allows 5 menu actions per bot


async def overdue_tickets(ctx: DeskContext) -> list[Ticket]:
    """Tickets still to be done (not in a Closed status) whose due time has passed: `GET
    /tickets?dueDate=overdue` (Ticket.json `getTickets`), with those statuses named."""
    unclosed = await _statuses_of(ctx, closed=False)
    return await ctx.desk.tickets(limit=LATEST, due_date="overdue", status=unclosed or None)


def today_in(ctx: DeskContext) -> tuple[datetime, datetime]:
    """The reader's today as a UTC range for Desk (from its first millisecond to its last:
    Search.json `dueDateRange` is `from,to`, both included), in the reader's time zone."""
    zone = ctx.timezone
    day = ctx.now().date()
    start = datetime.combine(day, time(), zone)
    end = datetime.combine(day + timedelta(days=1), time(), zone) - timedelta(milliseconds=1)
    return start.astimezone(UTC), end.astimezone(UTC)


async def due_today_tickets(ctx: DeskContext) -> list[Ticket]:
    """Tickets still to be done (not in a Closed status) due today in the reader's time zone:
    `GET /tickets/search?dueDateRange=…&status=…` (Search.json `searchTickets`). Not
    `/tickets?dueDate=today`, whose day is not the reader's (in the sandbox, UTC's) and which
    keeps closed tickets."""
    unclosed = await _statuses_of(ctx, closed=False)
    return await ctx.desk.search(limit=LATEST, due=today_in(ctx), status=unclosed or None)


async def open_tickets(ctx: DeskContext) -> list[Ticket]:
    return await ctx.desk.tickets(limit=LATEST, **await open_statuses(ctx))


def _overdue(words: Words) -> tuple[str, str]:
    return words.pgettext("card title", "Overdue tickets"), words.gettext("Nothing is overdue.")


def _due_today(words: Words) -> tuple[str, str]:
    return words.pgettext("card title", "Due today"), words.gettext("Nothing is due today.")


def _open(words: Words) -> tuple[str, str]:
    return words.pgettext("card title", "Open tickets"), words.gettext("No open tickets.")


KEYWORDS = (
    ("Overdue Tickets", "遅延中の問い合わせ", _overdue, overdue_tickets),
    ("Due Today", "今日が期限", _due_today, due_today_tickets),
    ("Open Tickets", "未完了の問い合わせ", _open, open_tickets),
)
"""SPEC D7's keywords: (English, Japanese — the product document's names —, texts, tickets).
Either works whatever the reader's language; the answer is in the reader's language."""


TICKET_SPELLINGS = r"問\s*い?\s*合\s*わ?\s*せ"
"""問い合わせ as it is also spelled (問合せ, 問合わせ, 問い合せ), spaces allowed between."""


def japanese_forms(phrase: str) -> re.Pattern[str]:
    """`phrase` as people type it with a Japanese input method: the whole message, spaces
    (ASCII or ideographic) allowed anywhere in it, and 問い合わせ in its usual spellings. (The
    exact phrase is a string keyword too, which `/help` lists.)"""
    parts = [r"\s*".join(re.escape(c) for c in part) for part in phrase.split("問い合わせ")]
    return re.compile(r"^\s*" + rf"\s*{TICKET_SPELLINGS}\s*".join(parts) + r"\s*$")


def _with_match(
    listener: Callable[[DeskContext], Awaitable[Message | Banner]],
) -> Callable[[DeskContext, re.Match[str]], Awaitable[Message | Banner]]:
    async def matched(ctx: DeskContext, match: re.Match[str]) -> Message | Banner:
        return await listener(ctx)

    return matched


for _english, _japanese, _texts, _fetch in KEYWORDS:
    _listener = _keyword(_texts, _fetch)
    router.keyword(_english, _japanese, requires=desk_agent)(_listener)
    router.keyword(japanese_forms(_japanese), requires=desk_agent)(_with_match(_listener))
    router.menu(TICKETS_MENU, sub_action=_english, requires=desk_agent)(_listener)


@router.button("show", requires=desk_agent)
async def show(ctx: DeskContext, ticket_id: str) -> Message | Banner:
    """A list's ticket button: that ticket's card, with the actions the reader may use."""
    if number(ticket_id, max_digits=25) is None:
        return people.refused(ctx.words.gettext("Old card: run the command again."))
    return await _card(ctx, await ctx.desk.ticket(ticket_id, include=["contacts"]))


@router.button("post")
async def post_here(ctx: DeskContext, answer_id: str) -> Banner | Message:
    """Post a kept answer to the chat for everyone (SPEC D8), as the bot, through the outbox.

    The person is told "Posted" only once Cliq has accepted the post; otherwise why not."""
    kept = await ctx.kept.get(answer_id)
    words = ctx.words
    if kept is None:
        return people.refused(words.gettext("Too old to post; run the command again."))
    if kept.owner.casefold() != ctx.user.email.casefold():  # a key not from this person's card
        return people.refused(
            words.gettext("Only the person who asked can post this; run the command yourself.")
        )
    try:
        place = bot_place(ctx.chat, ctx.user.email, words=words)
    except NoBotPlace as exc:
        return people.refused(str(exc))
    payload = dict(kept.payload)
    payload["buttons"] = [
        b for b in payload.get("buttons", []) if not b.get("key", "").startswith("post:")
    ]
    if place.target_kind == "channel":  # everyone reads it: every action, checked when clicked
        payload["buttons"] = for_everyone(payload["buttons"], words=words)
    if not payload["buttons"]:
        payload.pop("buttons")
    key = f"post:{answer_id}"
    if not await ctx.post(place.target_kind, place.target, payload, dedupe_key=key):
        earlier = await ctx.outbox.find(key)
        if earlier is not None and earlier.state == "dead":  # pressed again after a refusal
            await ctx.outbox.revive(earlier.id)
    outcome = await post_outcome(ctx, key)
    return _posted_banner(outcome, place, words)


POST_HERE_WAIT = 5.0
"""Seconds a Post here click waits for Cliq's answer before saying it is still on its way."""


async def post_outcome(ctx: DeskContext, key: str) -> Post | None:
    """One attempt now, waited for at most POST_HERE_WAIT seconds; the attempt is shielded,
    so giving up waiting never cuts a delivery in half (the outbox finishes it)."""
    attempt = asyncio.ensure_future(ctx.sender.send_now(key))
    try:
        return await asyncio.wait_for(asyncio.shield(attempt), POST_HERE_WAIT)
    except TimeoutError:
        return None


def _posted_banner(outcome: Post | None, place: Place, words: Words) -> Banner | Message:
    """What became of a Post here click, in the clicker's words (Cliq's own reason quoted)."""
    where = (
        place.label if place.target_kind == "channel" else words.gettext("your chat with the bot")
    )
    if outcome is not None and outcome.state == "delivered":
        return people.done(words.gettext("Posted to {place}.", place=where))
    why = (outcome.last_error if outcome is not None else None) or words.gettext(
        "no answer from Cliq yet"
    )
    if why == "paced":
        why = words.gettext("the bot is posting at Cliq's limit of 50 messages a minute")
    if outcome is not None and outcome.state == "dead":
        if "member" in why.casefold() and place.target_kind == "channel":
            return people.refused(
                words.gettext(
                    "Not posted: the bot is not a member of {place}. Add it to the channel, then"
                    " press Post here again.",
                    place=where,
                )
            )
        return people.refused(words.gettext("Not posted: Cliq refused it ({why}).", why=why[:120]))
    return people.refused(
        words.gettext(
            "Not posted yet: {why}. It stays queued and appears in {place} once Cliq accepts it.",
            why=why[:80],
            place=where,
        )
    )


async def _card(ctx: DeskContext, ticket: Ticket, *, label_times: bool = False) -> Message:
    """The ticket in the caller's zone (`label_times`: naming it, for Post here)."""
    return ticket_card(
        ticket,
        now=ctx.clock.now(),
        zone=ctx.timezone,
        names=await ctx.names(),
        viewer_agent_id=ctx.agent.id if ctx.agent else None,
        viewer_role=ctx.role,
        label_times=label_times,
        words=ctx.words,
    )


async def _list(
    ctx: DeskContext, title: str, tickets: list[Ticket], empty: str, *, label_times: bool = False
) -> Message:
    return ticket_list_card(
        title,
        tickets,
        now=ctx.clock.now(),
        zone=ctx.timezone,
        names=await ctx.names(),
        empty=empty,
        label_times=label_times,
        words=ctx.words,
    )


async def _shown_list(ctx: DeskContext, title: str, tickets: list[Ticket], empty: str) -> Message:
    """A list shown to the caller first; Post here posts it with its times' zone named."""
    return await shown_to_me_first(
        ctx,
        await _list(ctx, title, tickets, empty),
        posted=await _list(ctx, title, tickets, empty, label_times=True),
    )
