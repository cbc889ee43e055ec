"""`decode_params` names where a value that is not a tagged leaf sits, however deep, in maps and
lists alike (the path is written only when one is found, on the way out)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.cliq.deluge import DelugeValueError, decode_params, encode_leaf

keys = st.text(alphabet="abcxyz_.[]", min_size=1, max_size=4)
steps = st.lists(st.one_of(keys, st.integers(0, 3)), max_size=5)
BAD = {
    12: "expected a tagged text, got int",
    True: "expected a tagged text, got bool",
    "x123": "not a Deluge-safe value (expected t… or j…)",
    "t!!": "not base64 of UTF-8 text",
    "tgA==": "not base64 of UTF-8 text",  # (base64 of a byte that is not UTF-8)
    "tAé": "not base64 of UTF-8 text",
}


def placed(path: list[str | int], value: Any, siblings: list[str]) -> tuple[Any, str]:
    """`value` at `path` among good leaves, and the path as the error names it."""
    if not path:
        return value, ""
    step, rest = path[0], path[1:]
    inner, where = placed(rest, value, siblings)
    if isinstance(step, int):
        before = [encode_leaf(text) for text in siblings[:step]]
        return [*before, inner, encode_leaf("after")], f"[{len(before)}]{where}"
    others = {f"{text}!": encode_leaf(text) for text in siblings}  # (no key equals `step`)
    return {**others, step: inner, "z!": encode_leaf("after")}, f".{step}{where}"


@settings(max_examples=200, deadline=None)
@given(steps, st.sampled_from(sorted(BAD, key=repr)), st.lists(st.text(max_size=3), max_size=3))
def test_the_first_value_that_is_not_a_tagged_leaf_is_named_by_its_path(
    path: list[str | int], bad: Any, siblings: list[str]
) -> None:
    params, where = placed(path, bad, siblings)
    if not path:
        params = {"only": bad}
        where = ".only"
    with pytest.raises(DelugeValueError) as found:
        decode_params(params)
    assert str(found.value) == f"params{where}: {BAD[bad]}"


def test_good_values_decode_whatever_their_nesting() -> None:
    params = {"a": [encode_leaf("x"), {"b": encode_leaf({"k": [1]}), "c": None}], "d": []}
    assert decode_params(params) == {"a": ["x", {"b": {"k": [1]}, "c": None}], "d": []}
