from __future__ import annotations

import pytest

from bot.commands.arguments import TicketQuery, ticket_query, view
from bot.dispatch import UsageError
from bot.i18n import Languages, Words

EN, JA = Languages().words("en"), Languages().words("ja")


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
    assert ticket_query(typed, EN) == query == ticket_query(typed, JA)


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
        ticket_query(typed, EN)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        (" NEW ", "new"),
        ("ＴＯＰ", "top"),
        ("", None),
        ("新規", "new"),
        ("完了", "closed"),
        ("顧客 満足度", "happiness"),
        ("満足度", "happiness"),
        ("上位", "top"),
    ],
)
def test_deskstatus_views_in_either_language(typed: str, meant: str | None) -> None:
    assert view(typed, EN) == meant == view(typed, JA)


@pytest.mark.parametrize(
    ("words", "said"),
    [
        (EN, "“nonsense” is not a view; choose one of: new, closed"),
        (JA, "「nonsense」は表示項目ではありません。"),
    ],
)
def test_a_wrong_view_is_named_in_the_readers_language(words: Words, said: str) -> None:
    with pytest.raises(UsageError) as raised:
        view("nonsense", words)
    assert said in str(raised.value)


def test_a_bad_ticket_argument_is_said_in_japanese() -> None:
    with pytest.raises(
        UsageError, match="「abc」は問い合わせ番号でも顧客のメールアドレスでもありません"
    ):
        ticket_query("abc", JA)
