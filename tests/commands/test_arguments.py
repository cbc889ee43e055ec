from __future__ import annotations

import pytest

from bot.commands.arguments import TicketQuery, one_of, ticket_query
from bot.dispatch import UsageError


@pytest.mark.parametrize(
    ("typed", "query"),
    [
        ("", TicketQuery("mine")),
        ("   ", TicketQuery("mine")),
        ("115", TicketQuery("number", "115")),
        ("#115", TicketQuery("number", "115")),
        (" # 0115 ", TicketQuery("number", "115")),
        ("Watanabe@ABC-corp.com", TicketQuery("customer", "watanabe@abc-corp.com")),
    ],
)
def test_ticket_queries(typed: str, query: TicketQuery) -> None:
    assert ticket_query(typed) == query


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("0", "start at 1"),
        ("#000", "start at 1"),
        ("abc", "neither a ticket number"),
        ("a@", "not a complete e-mail"),
        ("@b.com", "not a complete e-mail"),
        ("x" * 200, "200 characters"),
        ("チケット", "neither a ticket number"),
        ("115 116", "neither a ticket number"),
        ("-5", "neither a ticket number"),
    ],
)
def test_bad_ticket_arguments_say_what_is_wrong(typed: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        ticket_query(typed)


def test_one_of() -> None:
    assert one_of(" NEW ", ("new", "closed"), "view") == "new"
    assert one_of("", ("new",), "view") is None
    with pytest.raises(UsageError, match="not a view; choose one of: new, closed"):
        one_of("nonsense", ("new", "closed"), "view")
