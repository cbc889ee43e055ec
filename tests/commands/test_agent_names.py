"""How an admin names agents after /attendance status|checkout|report|export
(bot.commands.agent_names.pick): full names with spaces, quoted or not, e-mails, an unambiguous
first or last name, several at once; a name of no one or of several people is refused saying so."""

from __future__ import annotations

import pytest

from bot.commands.agent_names import NameProblem, pick
from bot.desk.people import Agent


def agent(n: int, first: str, last: str, email: str) -> Agent:
    return Agent.model_validate(
        {"id": str(n), "firstName": first, "lastName": last, "name": f"{first} {last}",
         "emailId": email}
    )  # fmt: skip


KENJI = agent(1, "Kenji", "Watanabe", "kenji@example.com")
YUKI = agent(2, "Yuki", "Sato", "yuki@example.com")
YUKI_T = agent(3, "Yuki", "Tanaka", "yuki.t@example.com")
AIKO = agent(4, "Aiko", "Tanaka", "agent@example.com")
PEOPLE = [KENJI, YUKI, YUKI_T, AIKO]


@pytest.mark.parametrize(
    ("said", "found"),
    [
        ("Kenji Watanabe", [KENJI]),
        ('"Kenji Watanabe"', [KENJI]),
        ("「Kenji Watanabe」", [KENJI]),
        ("“kenji watanabe”", [KENJI]),
        ("Kenji_Watanabe", [KENJI]),
        ("ＫＥＮＪＩ　ｗａｔａｎａｂｅ", [KENJI]),
        ("kenji@example.com", [KENJI]),
        ("KENJI@EXAMPLE.COM", [KENJI]),
        ("Kenji", [KENJI]),
        ("Watanabe", [KENJI]),
        ('"Kenji Watanabe" Yuki Sato', [KENJI, YUKI]),
        ("Kenji Watanabe Yuki Sato", [KENJI, YUKI]),
        ("Kenji Watanabe, Yuki Tanaka", [KENJI, YUKI_T]),
        ("kenji,yuki@example.com", [KENJI, YUKI]),
        ("Kenji kenji@example.com", [KENJI]),  # each once
        ("Aiko Kenji", [AIKO, KENJI]),
        ('"Kenji', [KENJI]),  # an unclosed quote runs to the end
        ('"Kenji Watanabe', [KENJI]),
    ],
)
def test_names_as_people_type_them(said: str, found: list[Agent]) -> None:
    assert pick(said.split(), PEOPLE) == found


@pytest.mark.parametrize(
    ("said", "typed", "matches"),
    [
        ("Yuki", "Yuki", [YUKI, YUKI_T]),
        ('"Kenji Watanabe" Yuki', "Yuki", [YUKI, YUKI_T]),
        ("Tanaka", "Tanaka", [YUKI_T, AIKO]),
        ("Kenji Bob", "Bob", []),
        ("nobody@example.com", "nobody@example.com", []),
        ("Yuki, Sato", "Yuki", [YUKI, YUKI_T]),  # a comma keeps the two apart
    ],
)
def test_no_one_or_several_is_said(said: str, typed: str, matches: list[Agent]) -> None:
    with pytest.raises(NameProblem) as problem:
        pick(said.split(), PEOPLE)
    assert problem.value.typed == typed and problem.value.matches == matches
