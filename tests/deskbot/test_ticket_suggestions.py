"""`/ticket`'s suggestions (issue 11, a known leftover): numbers match anywhere in a ticket
number, words anywhere in the subject or the customer's e-mail, over my 50 latest tickets."""

from __future__ import annotations

from tests.deskbot.conftest import Deskbot


async def titles(deskbot: Deskbot, typed: str) -> list[str]:
    answer = await deskbot.chat("agent").suggest("ticket", typed)
    assert answer.kind == "list"
    return [row["title"] for row in answer.output]


async def test_digits_match_anywhere_in_the_number_its_start_first(deskbot: Deskbot) -> None:
    assert "#115" in await titles(deskbot, "15")  # not a prefix of 115
    found = await titles(deskbot, "#11")
    assert found[0].startswith("#11")


async def test_words_match_anywhere_in_the_subject_or_the_customer(deskbot: Deskbot) -> None:
    assert "#115" in await titles(deskbot, "再発行")  # inside the subject 請求書の再発行を…
    by_customer = await titles(deskbot, "abc-corp")
    assert "#115" in by_customer and "watanabe@abc-corp.com" in by_customer
    assert "#115" in await titles(deskbot, "ABC-CORP 115")  # every word, any order, any case
    assert await titles(deskbot, "nothing-like-this") == []


async def test_at_most_ten_and_from_more_than_ten_tickets(deskbot: Deskbot) -> None:
    everything = await titles(deskbot, "")
    assert 0 < len(everything) <= 10
    me = await deskbot.parts.directory.by_email("agent@example.com")
    assert me is not None
    mine = await deskbot.parts.desk.tickets(assignee=[me.id], limit=50)
    assert len(mine) > 10  # the old suggestions looked at the 10 latest only
    eleventh = str(mine[10].ticket_number)
    assert f"#{eleventh}" in await titles(deskbot, eleventh)
