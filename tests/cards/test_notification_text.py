"""What a notification says (issue 11 item 3), read as its reader reads it: what changed, by
whom, from what to what, a short excerpt with mentions as names, times in the reader's zone and
labelled, and the actions that make sense for the reader's role."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.cards import when
from bot.cards.notifications import notification_card
from bot.desk.tickets import Ticket
from bot.notify.classify import Change, Happening
from bot.notify.excerpt import excerpt
from bot.notify.kinds import Kind
from bot.notify.readers import Reader

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
TOKYO, LONDON = ZoneInfo("Asia/Tokyo"), ZoneInfo("Europe/London")
NAMES = {"61": "Aiko Tanaka", "62": "Kenji Watanabe", "D1": "Support", "D2": "Billing"}
AGENT = Reader(TOKYO, role="agent", agent_id="61")


def ticket(**fields: Any) -> Ticket:
    wire = {
        "id": "1",
        "ticketNumber": "1085",
        "subject": "Printer on fire",
        "status": "Open",
        "statusType": "Open",
        "assigneeId": "61",
        "departmentId": "D1",
        "dueDate": "2026-11-30T09:04:00.000Z",
        "modifiedTime": "2026-11-30T08:59:00.000Z",
    }
    return Ticket.model_validate({**wire, **fields})


def card(kinds: tuple[Kind, ...], happening: Happening, t: Ticket | None, reader: Reader) -> Any:
    wire = notification_card(
        kinds, happening, t, reader=reader, now=NOW, names=NAMES, actor="Maria Garcia"
    ).to_wire()
    return {**wire, "text": seen(wire["text"])}


def seen(text: str) -> str:
    """The text as a person sees it: the invisible word joiners that keep Cliq from reading
    people's text as markup (`bot/cliq/markup.py`) are not seen."""
    return text.replace("\u2060", "")


def happened(*kinds: Kind, **fields: Any) -> Happening:
    return Happening(kinds, "1", "61", "65", "D1", **fields)


@pytest.mark.parametrize(
    ("change", "kind", "line"),
    [
        (Change("owner", "62", "61"), Kind.OWNER_CHANGED, "Owner: Kenji Watanabe → Aiko Tanaka"),
        (Change("owner", None, "61"), Kind.OWNER_CHANGED, "Owner: Unassigned → Aiko Tanaka"),
        (Change("owner", "61", None), Kind.OWNER_CHANGED, "Owner: Aiko Tanaka → Unassigned"),
        (
            Change("department", "D2", "D1"),
            Kind.DEPARTMENT_CHANGED,
            "Department: Billing → Support",
        ),
        (Change("status", "Open", "On Hold"), Kind.STATUS_CHANGED, "Status: Open → On Hold"),
        (Change("status", "Open", "Closed"), Kind.TICKET_CLOSED, "Status: Open → Closed"),
        (Change("status", "Closed", "Open"), Kind.TICKET_REOPENED, "Status: Closed → Open"),
    ],
)
def test_a_change_says_from_what_to_what_and_by_whom(change: Change, kind: Kind, line: str) -> None:
    text = card((kind,), happened(kind, changes=(change,)), ticket(), AGENT)["text"]
    assert text.startswith("*") and "by Maria Garcia" in text.split("\n")[0]
    assert line in text


@pytest.mark.parametrize(
    ("content", "shown"),
    [
        ("zsu[@user:70001]zsu can you help?", "“@Kenji Watanabe can you help?”"),
        (
            "<p>Hi <b>zsu[@user:70001]zsu</b>,</p><p>see&nbsp;log &amp; call</p>",
            "“Hi @Kenji Watanabe, see log & call”",
        ),
        ("zsu[@team:6100_Tier 2]zsu please", "“@Tier 2 please”"),
        ("zsu[@user:99999]zsu who?", "“@someone who?”"),
        ("line one\nline two", "“line one line two”"),
    ],
)
def test_comments_and_mentions_show_the_comment_with_names(content: str, shown: str) -> None:
    names_by_zuid = {"70001": "Kenji Watanabe"}
    for kind in (Kind.COMMENT_ADDED, Kind.COMMENT_EDITED, Kind.MENTION):
        h = happened(kind, text=content, excerpt=excerpt(content, names_by_zuid))
        text = card((kind,), h, ticket(), AGENT)["text"]
        assert f"Private comment: {shown}" in text
        assert "zsu[" not in text


def test_a_long_comment_is_shortened() -> None:
    short = excerpt("word " * 500, {})
    assert len(short) <= 200 and short.endswith("…")


@pytest.mark.parametrize(
    ("kind", "due", "line"),
    [
        (
            Kind.ACTIVITY_CREATED,
            "2026-11-30T09:04:00Z",
            "Task: Call the customer · due in 4 min (18:04 JST)",
        ),
        (
            Kind.ACTIVITY_CREATED,
            "2026-12-03T00:00:00Z",
            "Task: Call the customer · due 3 Dec 09:00 JST",
        ),
        (Kind.ACTIVITY_CREATED, None, "Task: Call the customer · no due date"),
        (
            Kind.ACTIVITY_REMINDER,
            "2026-11-30T09:10:00Z",
            "Task: Call the customer · due in 10 min (18:10 JST)",
        ),
        (Kind.ACTIVITY_COMPLETED, "2026-11-30T09:10:00Z", "Task: Call the customer · completed"),
    ],
)
def test_an_activity_names_its_subject_and_due_time(kind: Kind, due: str | None, line: str) -> None:
    moment = datetime.fromisoformat(due) if due else None
    h = happened(kind, subject="Call the customer", activity="Task", due=moment)
    assert line in card((kind,), h, ticket(), AGENT)["text"]


def test_times_are_in_the_readers_zone_and_named() -> None:
    """The reported case: the same ticket due 09:04 UTC is 18:04 JST for a reader in Tokyo and
    09:04 UTC for one in London (winter); a channel's reader sees its configured zone."""
    h = happened(Kind.DUE_IN_30M)
    tokyo = card((Kind.DUE_IN_30M,), h, ticket(), AGENT)
    london = card((Kind.DUE_IN_30M,), h, ticket(), Reader(LONDON, role="agent"))
    assert "due in 4 min (18:04 JST)" in tokyo["text"]
    assert "due in 4 min (09:04 UTC)" in london["text"]
    summer = when.local(datetime(2026, 7, 1, 8, 0, tzinfo=UTC), LONDON, label=True)
    assert summer == "1 Jul 09:00 BST"  # English day first, with or without words
    assert when.local(NOW, ZoneInfo("America/Sao_Paulo"), NOW, label=True) == "06:00 UTC-03"
    assert when.local(NOW, ZoneInfo("Asia/Kolkata"), NOW, label=True) == "14:30 IST"


@pytest.mark.parametrize("status", ["Closed", "Resolved"])
@pytest.mark.parametrize("due", ["2026-11-30T07:00:00Z", "2026-12-05T07:00:00Z", None])
def test_a_closed_ticket_never_says_was_due_or_overdue(status: str, due: str | None) -> None:
    closed = ticket(
        status=status, statusType="Closed", dueDate=due, closedTime="2026-11-30T08:30:00Z"
    )
    h = happened(Kind.TICKET_CLOSED, changes=(Change("status", "Open", status),))
    text = card((Kind.TICKET_CLOSED,), h, closed, AGENT)["text"]
    assert "was due" not in text and "overdue" not in text and "due in" not in text
    assert "closed 17:30 JST" in text


def test_an_open_ticket_says_due_or_overdue() -> None:
    assert when.due(NOW + timedelta(days=3), NOW, TOKYO) == "due 3 Dec 18:00"
    assert when.due(NOW - timedelta(hours=2), NOW, TOKYO) == "overdue by 2 h"


def labels(wire: dict[str, Any]) -> list[str]:
    return [b["label"] for b in wire.get("buttons", [])]


def test_each_reader_is_offered_what_their_role_allows() -> None:
    assigned, unassigned = ticket(), ticket(assigneeId=None)
    h = happened(Kind.TICKET_CREATED)
    kinds = (Kind.TICKET_CREATED,)
    assert labels(card(kinds, h, assigned, AGENT)) == ["Status", "Assign", "Reply", "Comment"]
    assert labels(card(kinds, h, unassigned, AGENT)) == [
        "Status",
        "Assign",
        "Reply",
        "Comment",
        "Assign to me",
    ]
    channel = Reader(TOKYO)
    assert labels(card(kinds, h, unassigned, channel))[-1] == "Assign to me"
    assert "Assign to me" not in labels(card(kinds, h, assigned, channel))
    light = Reader(TOKYO, role="light", agent_id="63")
    for t in (assigned, unassigned):
        assert labels(card(kinds, h, t, light)) == ["Comment"]


def test_a_new_ticket_shows_what_the_customer_wrote() -> None:
    new = ticket(description="<div>The printer is <b>on fire</b>.<br>Please hurry!</div>")
    h = happened(Kind.TICKET_CREATED)
    assert (
        "“The printer is on fire. Please hurry!”"
        in card((Kind.TICKET_CREATED,), h, new, AGENT)["text"]
    )
    bare = card((Kind.TICKET_CREATED,), h, ticket(), AGENT)["text"]
    assert "“" not in bare


def test_a_date_in_another_year_names_its_year_in_every_language() -> None:
    """Issue 13's leftover: dates read "Mar 4" where no words were passed, and never had a
    year; a time in another year than now's is ambiguous without one."""
    from bot.i18n import Languages

    languages = Languages()
    new_year = datetime(2027, 1, 4, 1, 42, tzinfo=UTC)
    now = datetime(2026, 12, 30, 1, 0, tzinfo=UTC)
    for words, far, near in (
        (None, "4 Jan 2027 10:42", "31 Dec 10:00"),
        (languages.words("en"), "4 Jan 2027 10:42", "31 Dec 10:00"),
        (languages.words("ja"), "2027年1月4日 10:42", "12月31日 10:00"),
    ):
        assert when.local(new_year, TOKYO, now, words=words) == far
        assert when.local(now + timedelta(days=1), TOKYO, now, words=words) == near
        assert when.due(new_year, now, TOKYO, words=words).endswith(far)
