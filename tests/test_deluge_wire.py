"""The Deluge-safe wire (bot/cliq/deluge.py): any text survives, the body is ASCII, and what
cannot be decoded is a 400 naming the field, never a 500."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.cliq.deluge import (
    DelugeValueError,
    decode_leaf,
    decode_params,
    deluge_to_string,
    encode_leaf,
)
from bot.cliq.envelope import EnvelopeError, parse_envelope
from bot.cliq.shim import shim_body
from bot.testing.signing import envelope


@given(st.text())
def test_any_text_round_trips_as_an_ascii_leaf(text: str) -> None:
    leaf = encode_leaf(text)
    assert leaf.isascii() and '"' not in leaf and "\\" not in leaf
    assert decode_leaf(leaf) == text


@given(st.text(), st.text())
def test_a_form_submit_with_any_text_parses_back_exactly(content: str, user_name: str) -> None:
    env = envelope(
        "function",
        "form_handler",
        name="botform",
        params={
            "user": {"id": "1", "email": "a@b.com", "first_name": user_name, "admin": True},
            "chat": {"id": "CT_1", "type": "bot"},
            "form": {
                "name": "reply",
                "action": "submit",
                "values": {"content": content, "then_status": {"label": "On Hold", "value": "x"}},
            },
        },
    )
    body = shim_body(env)
    assert body.isascii()  # what hmacsha256 signs is the same bytes, whatever its charset
    parsed = parse_envelope(body)
    assert parsed.params.form is not None
    assert parsed.params.form.values == {
        "content": content,
        "then_status": {"label": "On Hold", "value": "x"},
    }
    assert parsed.params.user.first_name == user_name and parsed.params.user.admin is True


def test_deluge_to_string_does_not_escape_as_deluge_does_not() -> None:
    assert deluge_to_string({"a": 'say "hi"\n', "n": 5, "b": True, "l": ["x", None]}) == (
        '{"a":"say "hi"\n","n":5,"b":true,"l":["x",null]}'
    )
    with pytest.raises(ValueError):
        json.loads(deluge_to_string({"a": 'say "hi"'}))


def test_a_select_whose_label_holds_a_quote_still_gives_its_value() -> None:
    # Deluge wrote the option map unescaped: JSON fails, the option's shape does not.
    leaf = "j" + encode_leaf('{"label":"The "big" one","value":"Waiting "A""}')[1:]
    assert decode_leaf(leaf) == {"label": 'The "big" one', "value": 'Waiting "A"'}


def test_an_unreadable_deeper_map_is_dropped_not_fatal() -> None:
    leaf = "j" + encode_leaf('{"name":"O"Brien"')[1:]
    assert decode_params({"chat": {"id": encode_leaf("CT_1"), "parent": leaf}}) == {
        "chat": {"id": "CT_1"}
    }


@pytest.mark.parametrize(
    ("params", "where"),
    [
        ({"arguments": "115"}, "params.arguments"),
        ({"user": {"email": "xnot-base64!"}}, "params.user.email"),
        ({"user": {"email": "t%%%"}}, "params.user.email"),
        ({"options": {"n": 5}}, "params.options.n"),
    ],
)
def test_values_that_are_not_tagged_leaves_are_a_400_naming_the_field(
    params: dict[str, object], where: str
) -> None:
    body = json.dumps(
        {
            "type": "command",
            "name": "ticket",
            "encoding": "deluge-b64",
            "handler": {"type": "execution_handler"},
            "params": params,
        }
    ).encode()
    with pytest.raises(EnvelopeError, match=where.replace(".", r"\.")):
        parse_envelope(body)


def test_decode_leaf_names_a_bad_tag() -> None:
    with pytest.raises(DelugeValueError, match="t… or j…"):
        decode_leaf("x123")


def test_a_plain_json_envelope_is_still_read_as_json() -> None:
    env = envelope("command", "execution_handler", name="ticket", params={"arguments": "t115"})
    assert parse_envelope(json.dumps(env).encode()).params.arguments == "t115"


DEEP = "[" * 50_000 + "]" * 50_000
UNSAFE_JSON_TEXTS = [
    DEEP,  # nested past the recursion limit
    '{"a":' * 40 + "1" + "}" * 40,  # past the body's own depth limit
    '{"name":"\\ud800"}',  # a lone surrogate
    '{"n":NaN}',
    '{"n":1e400}',
]


@pytest.mark.parametrize(
    "text", UNSAFE_JSON_TEXTS, ids=["deep", "depth", "surrogate", "nan", "inf"]
)
@pytest.mark.parametrize("tag", ["j", "t"])
def test_json_inside_a_leaf_is_held_to_the_body_s_rules(text: str, tag: str) -> None:
    """A map or list inside one value (a `j` leaf, or text shaped like a map) is read with the
    body's JSON rules: unusable JSON is dropped or stays text, never a 500 (a RecursionError
    escaped before)."""
    leaf = tag + encode_leaf(text)[1:]
    params = {"user": leaf, "options": leaf, "chat": {"id": encode_leaf("CT_1"), "x": leaf}}
    body = json.dumps(
        {
            "type": "command",
            "name": "ticket",
            "encoding": "deluge-b64",
            "handler": {"type": "execution_handler"},
            "params": params,
        }
    ).encode()
    try:
        env = parse_envelope(body)
    except EnvelopeError:
        return  # a 400 naming the field
    assert env.params.options in ({}, {"n": 1.0})  # (never NaN or infinity)


@pytest.mark.parametrize(
    "text", UNSAFE_JSON_TEXTS, ids=["deep", "depth", "surrogate", "nan", "inf"]
)
def test_text_shaped_like_a_map_in_a_plain_body_is_held_to_the_body_s_rules(text: str) -> None:
    fields = {"user": text, "options": text, "selections": [text]}
    body = json.dumps(
        envelope("command", "execution_handler", name="ticket", params=fields)
    ).encode()
    with pytest.raises(EnvelopeError):
        parse_envelope(body)
