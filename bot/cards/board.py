"""The admin's attendance board as Cliq cards (SPEC A6): every status a column, paged at any size
(bot/cards/paging.py), with an agent's report and an admin check-out (confirmed first) opened
from it.

A page holds at most `limits.SELECT_OPTIONS` agents, so the forms that pick one of the page's
agents always fit in a select. Agents are listed by name (e-mail when no name is known); one
who never used attendance is in the Check Out column, as not checked in.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from attendance.views import AgentState, Board
from attendance.words import sentences
from attendance.words import shown_name as status_name
from bot.cards.attendance import at
from bot.cards.paging import Section, SlidePage, layout
from bot.cliq import limits
from bot.cliq.form import Form, HiddenInput, SelectInput
from bot.cliq.markup import Markup, escape
from bot.cliq.message import Button, Card, Message
from bot.i18n import Words

BOARD_KEY = "attboard"
"""Button prefix: `attboard:<page>` shows that page of the board."""
REPORT_PICK_KEY = "attbrep"
"""Button prefix: `attbrep:<page>` opens the form picking an agent of that page for a report."""
CHECKOUT_PICK_KEY = "attbout"
"""Button prefix: `attbout:<page>` opens the form picking a checked-in agent of that page."""
CHECKOUT_KEY = "attout"
"""Button prefix: `attout:<kept id>`, the confirmed check-out (one-shot)."""
REPORT_FORM = "attboardreport"
CHECKOUT_FORM = "attboardout"
PER_PAGE = limits.SELECT_OPTIONS


def shown_name(agent: AgentState) -> str:
    return agent.name or agent.email


def _line(agent: AgentState, now: datetime, zone: ZoneInfo, words: Words) -> str:
    if agent.since is None:
        return words.gettext("{name} (not checked in yet)", name=shown_name(agent))
    since = at(agent.since, zone, now, words)
    return words.gettext("{name} (since {time})", name=shown_name(agent), time=since)


def board_page(
    board: Board, page: int, *, now: datetime, zone: ZoneInfo, words: Words
) -> SlidePage:
    """Page `page` of the board: one section per status, its agents by name."""
    sections = [
        Section(
            status_name(column.status, words), [_line(a, now, zone, words) for a in column.agents]
        )
        for column in board.columns
    ]
    return layout(sections, page, per_page=PER_PAGE)


def page_agents(board: Board, shown: SlidePage) -> list[AgentState]:
    """The agents a board page shows, in its order."""
    return [
        agent
        for part in shown.parts
        for agent in board.columns[part.section].agents[part.start : part.stop]
    ]


def _paging_line(shown: SlidePage, words: Words) -> str:
    """Where a page of the board sits, in the reader's language: "Page 2 of 11: agents 101–200
    of 1,011, columns 3–4 of 22; 811 more on the next pages." """
    agents = words.gettext("agents")
    columns = words.pgettext("board", "columns")  # a board column is a status
    return shown.line(agents, columns, words=words)


def board_card(
    board: Board, *, page: int = 1, now: datetime, zone: ZoneInfo, words: Words
) -> Message:
    """The board's page `page` (clamped into range; past the last page, the last, saying so): counts, the "N more" line, and buttons for
    the other pages, an agent's report and a check-out."""
    shown = board_page(board, page, now=now, zone=zone, words=words)
    agents = page_agents(board, shown)
    total = sum(len(c.agents) for c in board.columns)
    checked_in = sum(1 for c in board.columns for a in c.agents if a.checked_in)
    buttons = shown.buttons(BOARD_KEY, words=words)
    if agents:
        label = words.pgettext("button", "Agent report")
        buttons.append(Button.invoke(label, key=f"{REPORT_PICK_KEY}:{shown.number}"))
    if any(a.checked_in for a in agents):
        label = words.pgettext("button", "Check out…")
        buttons.append(Button.invoke(label, key=f"{CHECKOUT_PICK_KEY}:{shown.number}"))
    counts = words.gettext(
        "{agents}, {checked_in} checked in, in {statuses}.",
        agents=words.ngettext("{n} agent", "{n} agents", total),
        checked_in=words.number(checked_in),
        statuses=words.ngettext("{n} status", "{n} statuses", len(board.columns)),
    )
    text = counts if shown.count == 1 else sentences(words, counts, _paging_line(shown, words))
    if page > shown.count:  # asked past the end: said, not silently another page
        past = words.ngettext(
            "There is no page {asked}: the board has {n} page, shown here.",
            "There is no page {asked}: the board has {n} pages; here is the last.",
            shown.count,
            asked=words.number(page),
        )
        text = sentences(words, past, text)
    return Message(
        text=text,
        card=Card(title=words.pgettext("card title", "Attendance board"), theme="modern-inline"),
        slides=shown.slides,
        buttons=buttons,
    )


def pick_form(name: str, title: str, agents: list[AgentState], kept: str, words: Words) -> Form:
    """A form choosing one of `agents` (at most a page, so within a select's options); option
    values are positions in the kept list `kept`, since e-mails may exceed an option value."""
    options = [
        (
            words.gettext(
                "{name}: {status}", name=shown_name(a), status=status_name(a.status, words)
            )[: limits.OPTION_LABEL],
            str(i),
        )
        for i, a in enumerate(agents[:PER_PAGE])
    ]
    submit = (
        words.pgettext("button", "Next")
        if name == CHECKOUT_FORM
        else words.pgettext("button", "Open report")
    )
    return Form(
        title=title,
        name=name,
        inputs=[
            SelectInput(
                name="agent",
                label=words.pgettext("input label", "Agent"),
                placeholder=words.pgettext("placeholder", "Choose an agent"),
                options=options,
                mandatory=True,
            ),
            HiddenInput(name="kept", value=kept),
        ],
        button_label=submit,
    )


def confirm_checkout(
    agent: AgentState, kept: str, *, page: int, now: datetime, zone: ZoneInfo, words: Words
) -> Message:
    """The confirmation step before an admin checks `agent` out (picked on board page `page`)."""
    where = escape(status_name(agent.status, words))
    started = agent.session_started
    if agent.since and started and started != agent.since:
        state = words.gettext(
            "They are in {status} since {time} (checked in {started}).",
            status=where,
            time=at(agent.since, zone, now, words),
            started=at(started, zone, now, words),
        )
    elif agent.since:
        state = words.gettext(
            "They are in {status} since {time}.",
            status=where,
            time=at(agent.since, zone, now, words),
        )
    else:
        state = words.gettext("They are in {status}.", status=where)
    asked = words.gettext("Check out {name}?", name=Markup("*{}*").format(shown_name(agent)))
    told = words.gettext("They will be told by DM.")
    return Message(
        text=sentences(words, asked, state, told),
        card=Card(title=words.pgettext("card title", "Check an agent out"), theme="modern-inline"),
        buttons=[
            Button.invoke(
                words.pgettext("button", "Check out"), key=f"{CHECKOUT_KEY}:{kept}", negative=True
            ),
            Button.invoke(words.pgettext("button", "Back to the board"), key=f"{BOARD_KEY}:{page}"),
        ],
    )
