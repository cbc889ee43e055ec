"""Department and channel names as people type them: quotes, spaces, case, width, `#`."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.commands.names import close_to, compact, leading, lookup, words

DEPARTMENTS = {"Support": "1", "Billing": "2", "Japan Support": "3", "Sales & Billing": "4"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('"Japan Support" #support-jp', ["Japan Support", "#support-jp"]),
        ("“Japan Support” “Support JP” create", ["Japan Support", "Support JP", "create"]),
        ("「Japan Support」 supportjp", ["Japan Support", "supportjp"]),
        ("'Japan   Support'\tsupportjp", ["Japan Support", "supportjp"]),
        ('"Japan Support', ["Japan Support"]),  # an unclosed quote runs to the end
        ("ｊａｐａｎ　ｓｕｐｐｏｒｔ　＃ｊｐ", ["japan", "support", "#jp"]),  # full width
        ('  Billing   ""  billing ', ["Billing", "billing"]),
    ],
)
def test_words_keep_quoted_names_together(text: str, expected: list[str]) -> None:
    assert words(text) == expected


@pytest.mark.parametrize(
    "typed_name",
    [
        "Japan Support",
        "japan support",
        "JAPAN_SUPPORT",
        "Japan-Support",
        "JapanSupport",
        "  japan   support ",
        "ｊａｐａｎ ｓｕｐｐｏｒｔ",
        "#Japan Support",
    ],
)
def test_a_department_is_found_however_its_name_is_typed(typed_name: str) -> None:
    assert lookup(typed_name, DEPARTMENTS) == "3"


def test_the_longest_leading_name_wins_and_leaves_the_channel() -> None:
    assert leading(words("Japan Support supportjp"), DEPARTMENTS, leave=1) == ("3", 2)
    assert leading(words("japan support support jp"), DEPARTMENTS, leave=1) == ("3", 2)
    assert leading(words("Support supportjp"), DEPARTMENTS, leave=1) == ("1", 1)
    assert leading(words("Sales & Billing billing"), DEPARTMENTS, leave=1) == ("4", 3)
    assert leading(words("Japan Support"), DEPARTMENTS, leave=1) is None  # no channel left
    assert leading(words("Marketing x"), DEPARTMENTS, leave=1) is None


def test_similar_names_are_offered() -> None:
    assert close_to("Japn Suport", DEPARTMENTS)[0] == "Japan Support"
    assert close_to("zzz", DEPARTMENTS) == []


@given(st.sampled_from(sorted(DEPARTMENTS)), st.sampled_from(['"{}"', "“{}”", "{}", "#{}"]))
def test_any_department_quoted_or_not_then_a_channel(name: str, form: str) -> None:
    said = words(f"{form.format(name.upper())} #Support-Channel")
    found = leading(said, DEPARTMENTS, leave=1)
    assert found is not None and found[0] == DEPARTMENTS[name]
    assert compact(" ".join(said[found[1] :])) == "supportchannel"
