"""Comment, activity and rating records name their ticket as `ticketId` or as a nested
`ticket.id` (desk.md §9.6, §9.13): both are read, by one function."""

from __future__ import annotations

from typing import Any

import pytest

from bot.desk.events import DeskEvent
from bot.desk.stats import HappinessRating
from bot.desk.wire import ticket_id_in
from bot.notify.classify import classify

T = "1166045000000000115"


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        ({"ticketId": T}, T),
        ({"ticketId": int(T)}, T),
        ({"ticket": {"id": T, "ticketNumber": "115"}}, T),
        ({"ticketId": None, "ticket": {"id": T}}, T),
        ({"ticketId": "", "ticket": {"id": int(T)}}, T),
        ({"ticket": None}, None),
        ({"ticket": {"ticketNumber": "115"}}, None),
        ({}, None),
        ("not a record", None),
    ],
)
def test_the_ticket_id_is_read_wherever_desk_puts_it(record: Any, expected: str | None) -> None:
    assert ticket_id_in(record) == expected


@pytest.mark.parametrize(
    "record", [{"ticketId": True}, {"ticketId": {"nested": True}}, {"ticket": {"id": [1]}}]
)
def test_a_malformed_ticket_id_is_an_error_not_a_missing_one(record: Any) -> None:
    with pytest.raises(ValueError, match="not an id"):
        ticket_id_in(record)


@pytest.mark.parametrize(
    ("event_type", "payload"),
    [
        ("Ticket_Comment_Add", {"id": "9", "content": "hi", "ticketId": T}),
        ("Ticket_Comment_Add", {"id": "9", "content": "hi", "ticket": {"id": T}}),
        ("Ticket_Comment_Update", {"id": "9", "content": "hi", "ticket": {"id": T}}),
        ("Task_Add", {"id": "7", "subject": "Call back", "ticket": {"id": T}}),
    ],
)
def test_comment_and_activity_events_find_their_ticket(
    event_type: str, payload: dict[str, Any]
) -> None:
    event = DeskEvent.model_validate(
        {"eventType": event_type, "eventTime": "1772413380000", "orgId": "1", "payload": payload}
    )
    happening = classify(event)
    assert happening is not None and happening.ticket_id == T


@pytest.mark.parametrize(
    "record",
    [
        {"id": "1", "rating": "GOOD", "ticketId": T},
        {"id": "1", "rating": "GOOD", "ticket": {"id": T, "ticketNumber": "115"}},
    ],
)
def test_a_rating_names_its_ticket_either_way(record: dict[str, Any]) -> None:
    assert HappinessRating.model_validate(record).of_ticket == T
