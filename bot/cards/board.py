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
from bot.cards import when
from bot.cards.paging import Section, SlidePage, layout
from bot.cliq import limits
from bot.cliq.form import Form, HiddenInput, SelectInput
from bot.cliq.markup import Markup
from bot.cliq.message import Button, Card, Message

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


def _line(agent: AgentState, now: datetime, zone: ZoneInfo) -> str:
    if agent.since is None:
        return f"{shown_name(agent)} (not checked in yet)"
    return f"{shown_name(agent)} (since {when.local(agent.since, zone, now)})"


def board_page(board: Board, page: int, *, now: datetime, zone: ZoneInfo) -> SlidePage:
    """Page `page` of the board: one section per status, its agents by name."""
    sections = [
        Section(column.status.name, [_line(a, now, zone) for a in column.agents])
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


def board_card(board: Board, *, page: int = 1, now: datetime, zone: ZoneInfo) -> Message:
    """The board's page `page` (clamped into range): counts, the "N more" line, and buttons for
    the other pages, an agent's report and a check-out."""
    shown = board_page(board, page, now=now, zone=zone)
    agents = page_agents(board, shown)
    total = sum(len(c.agents) for c in board.columns)
    checked_in = sum(1 for c in board.columns for a in c.agents if a.checked_in)
    buttons = shown.buttons(BOARD_KEY)
    if agents:
        buttons.append(Button.invoke("Agent report", key=f"{REPORT_PICK_KEY}:{shown.number}"))
    if any(a.checked_in for a in agents):
        buttons.append(Button.invoke("Check out…", key=f"{CHECKOUT_PICK_KEY}:{shown.number}"))
    return Message(
        text=(
            f"{total:,} agents, {checked_in:,} checked in, in {len(board.columns)} statuses. "
            + shown.line("agents", "columns")
        ),
        card=Card(title="Attendance board", theme="modern-inline"),
        slides=shown.slides,
        buttons=buttons,
    )


def pick_form(name: str, title: str, agents: list[AgentState], kept: str) -> Form:
    """A form choosing one of `agents` (at most a page, so within a select's options); option
    values are positions in the kept list `kept`, since e-mails may exceed an option value."""
    options = [
        (f"{shown_name(a)}: {a.status.name}"[: limits.OPTION_LABEL], str(i))
        for i, a in enumerate(agents[:PER_PAGE])
    ]
    return Form(
        title=title,
        name=name,
        inputs=[
            SelectInput(
                name="agent",
                label="Agent",
                placeholder="Choose an agent",
                options=options,
                mandatory=True,
            ),
            HiddenInput(name="kept", value=kept),
        ],
        button_label="Next" if name == CHECKOUT_FORM else "Open report",
    )


def confirm_checkout(
    agent: AgentState, kept: str, *, page: int, now: datetime, zone: ZoneInfo
) -> Message:
    """The confirmation step before an admin checks `agent` out (picked on board page `page`)."""
    since = f" since {when.local(agent.since, zone, now)}" if agent.since else ""
    started = (
        f" (checked in {when.local(agent.session_started, zone, now)})"
        if agent.session_started and agent.session_started != agent.since
        else ""
    )
    name = shown_name(agent)
    return Message(
        text=Markup("Check out *{}*? They are in {}{}{}. They will be told by DM.").format(
            name, agent.status.name, since, started
        ),
        card=Card(title="Check an agent out", theme="modern-inline"),
        buttons=[
            Button.invoke("Check out", key=f"{CHECKOUT_KEY}:{kept}", negative=True),
            Button.invoke("Back to the board", key=f"{BOARD_KEY}:{page}"),
        ],
    )
