"""parse_envelope's two ways: a plain body is read straight into the models by pydantic-core's
parser; nothing the careful way (`bot.jsonsafe`, then the models) refuses gets through the direct
way, and both read the same envelope from the same body."""

from __future__ import annotations

import json
import typing
from typing import Any

import pytest
from pydantic import BaseModel

from bot import jsonsafe
from bot.cliq import envelope as module
from bot.cliq.envelope import FREE_FIELDS, Envelope, EnvelopeError, parse_envelope

BASE = {"type": "command", "name": "ticket", "handler": {"type": "execution_handler"}}


def careful(body: bytes) -> Envelope:
    """The careful way alone: jsonsafe, then the models from the parsed value."""
    try:
        data = jsonsafe.loads(body)
    except jsonsafe.JsonBodyError as exc:
        raise EnvelopeError(str(exc)) from None
    return Envelope.model_validate(data)


def deep(levels: int) -> Any:
    value: Any = 1
    for _ in range(levels):
        value = [value]
    return value


REFUSED = {
    "NaN in options": b'{"params": {"options": {"n": NaN}}}',
    "Infinity in a selection": b'{"params": {"selections": [{"title": Infinity}]}}',
    "1e999 in arguments": b'{"params": {"arguments": {"key": 1e999}}}',
    "-1e999 in a sender": b'{"params": {"message": {"text": "x", "sender": {"n": -1e999}}}}',
    "1e999 in a target value": b'{"params": {"target": {"value": [1, 2, 1e999]}}}',
    "1e999 in form values": b'{"params": {"form": {"name": "f", "values": {"a": 1e999}}}}',
    "1e999 in an organization": b'{"params": {"access": {"organization": {"n": 1e999}}}}',
    "1e999 as a latitude": b'{"params": {"location": {"latitude": 1e999}}}',
    "NaN as a latitude": b'{"params": {"location": {"longitude": NaN}}}',
    "1e999 as the timestamp": b'{"timestamp": 1e999}',
    "a lone surrogate in text": b'{"params": {"arguments": "\\ud800"}}',
    "a lone surrogate in a key": b'{"params": {"options": {"\\udc00": 1}}}',
    "a surrogate in UTF-8 bytes": b'{"params": {"arguments": "\xed\xa0\x80"}}',
    "an over-long integer": b'{"params": {"options": {"n": ' + b"9" * 5000 + b"}}}",
    "nesting past the limit in options": json.dumps(
        {"params": {"options": {"n": deep(jsonsafe.MAX_DEPTH)}}}
    ).encode(),
    "nesting past the limit in a sender": json.dumps(
        {"params": {"data": {"message": {"text": "x", "sender": {"n": deep(30)}}}}}
    ).encode(),
    "trailing data": b'{"type": "command"} {}',
    "a byte order mark": b'\xef\xbb\xbf{"type": "command"}',
}


def body_of(fragment: bytes) -> bytes:
    """`fragment` (an object) merged into BASE, keeping its bytes as written."""
    if not fragment.startswith(b"{") or fragment.startswith(b'{"type"'):
        return fragment
    head = json.dumps(BASE)[:-1].encode()
    return head + b", " + fragment[1:]


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_what_the_careful_way_refuses_is_refused_with_its_reason(name: str) -> None:
    body = body_of(REFUSED[name])
    with pytest.raises((EnvelopeError, ValueError)) as expected:
        careful(body)
    with pytest.raises(EnvelopeError) as got:
        parse_envelope(body)
    if isinstance(expected.value, EnvelopeError):
        assert str(got.value) == str(expected.value)


def test_nesting_up_to_the_limit_is_read_both_ways() -> None:
    # params(2) > options(3) > n(4): 28 more levels make 32 in all.
    body = json.dumps({**BASE, "params": {"options": {"n": deep(jsonsafe.MAX_DEPTH - 4)}}})
    assert parse_envelope(body.encode()) == careful(body.encode())


READ = [
    {**BASE, "params": {"arguments": "115", "user": {"id": 555, "first_name": "Aiko"}}},
    {**BASE, "params": {"user": '{"id": "7"}', "chat": {"id": "CT_1", "chat_type": "bot"}}},
    {"type": "bot", "handler": "action_handler", "handler_name": "Open Tickets"},
    {
        "type": "function",
        "name": "botbutton",
        "handler": {"type": "button_handler"},
        "params": {"arguments": '{"key": "status:115"}', "target": {"id": "t", "value": 1.5}},
    },
    {
        "type": "function",
        "handler": {"type": "form_submit_handler"},
        "params": {"form": {"name": "f", "values": {"a": {"label": "A", "value": "a"}}}},
    },
    {**BASE, "params": {"location": {"latitude": 35.6, "longitude": 139.7}, "options": {}}},
    {**BASE, "name": "東京", "params": {"arguments": "😀 \\u00e9", "mentions": None}},
]


@pytest.mark.parametrize("data", READ, ids=range(len(READ)))
def test_both_ways_read_the_same_envelope(data: dict[str, Any]) -> None:
    body = json.dumps(data, ensure_ascii=False).encode()
    assert parse_envelope(body) == careful(body)


def test_a_deluge_shim_envelope_goes_the_careful_way_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Its params are tagged text only `decode_params` reads: the direct way could only fail on
    # them, after a whole validation, so it is not tried (every call from a shim is one).
    from bot.cliq.shim import shim_body

    def direct(body: bytes) -> Envelope:
        raise AssertionError("the direct way was tried on a shim's envelope")

    monkeypatch.setattr(module, "_FROM_JSON", direct)
    body = shim_body({**BASE, "params": {"arguments": "115", "user": {"id": "5"}}})
    envelope = parse_envelope(body)
    assert (envelope.params.arguments, envelope.params.user.id) == ("115", "5")


def envelope_models() -> list[type[BaseModel]]:
    """Every pydantic model `bot.cliq.envelope` defines."""
    return [
        value
        for value in vars(module).values()
        if isinstance(value, type)
        and issubclass(value, BaseModel)
        and value.__module__ == module.__name__
    ]


def _mentions_any(annotation: Any) -> bool:
    if annotation is Any:
        return True
    return any(_mentions_any(arg) for arg in typing.get_args(annotation))


def test_the_free_fields_are_every_field_that_takes_any_value() -> None:
    # The direct way walks FREE_FIELDS for what pydantic-core's parser lets through in them;
    # a new field taking any value must be walked too.
    models = envelope_models()
    found = {
        (model.__name__, name)
        for model in models
        for name, field in model.model_fields.items()
        if _mentions_any(field.annotation)
    }
    assert found == FREE_FIELDS


# What is not JSON is refused wherever it stands: a key the models do not have is skipped by
# pydantic-core's parser, so these are judged on the bytes first.
ANYWHERE = {"NaN": b"NaN", "Infinity": b"Infinity", "-Infinity": b"-Infinity"}
UNKNOWN_KEY_AT = {
    "the top": lambda value: b'{"zz": ' + value + b", " + json.dumps(BASE).encode()[1:],
    "params": lambda value: body_of(b'{"params": {"zz": ' + value + b', "arguments": "1"}}'),
    "a part": lambda value: body_of(b'{"params": {"user": {"id": "5", "zz": ' + value + b"}}}"),
    "a list of parts": lambda value: body_of(b'{"params": {"mentions": [{"zz": ' + value + b"}]}}"),
}


@pytest.mark.parametrize("where", sorted(UNKNOWN_KEY_AT))
@pytest.mark.parametrize("what", sorted(ANYWHERE))
def test_a_body_breaking_a_whole_body_rule_is_refused_under_any_key(what: str, where: str) -> None:
    body = UNKNOWN_KEY_AT[where](ANYWHERE[what])
    with pytest.raises(EnvelopeError) as expected:
        careful(body)
    with pytest.raises(EnvelopeError) as got:
        parse_envelope(body)
    assert str(got.value) == str(expected.value)
    assert "NaN" in str(got.value) or "Infinity" in str(got.value)


@pytest.mark.parametrize("what", sorted(ANYWHERE))
def test_a_shim_body_breaking_a_whole_body_rule_is_refused_under_any_key(what: str) -> None:
    from bot.cliq.shim import shim_body

    body = shim_body({**BASE, "params": {"arguments": "115", "user": {"id": "5"}}})
    body = b'{"zz": ' + ANYWHERE[what] + b", " + body[1:]
    with pytest.raises(EnvelopeError, match=r"NaN|Infinity"):
        parse_envelope(body)


SKIPPED_WHERE_NOTHING_READS = {
    "1e999": b"1e999",
    "nesting past the limit": json.dumps(deep(jsonsafe.MAX_DEPTH)).encode(),
}


@pytest.mark.parametrize("where", sorted(UNKNOWN_KEY_AT))
@pytest.mark.parametrize("what", sorted(SKIPPED_WHERE_NOTHING_READS))
def test_our_limits_on_valid_json_apply_to_what_the_models_read(what: str, where: str) -> None:
    """Documented (envelope.py, README "The HTTP edge"): a number too large for a float or
    nesting past 32 levels under a key the models do not have is skipped the direct way; the
    same value in a field the models read is refused (REFUSED above)."""
    body = UNKNOWN_KEY_AT[where](SKIPPED_WHERE_NOTHING_READS[what])
    without = UNKNOWN_KEY_AT[where](b"0")
    assert parse_envelope(body) == parse_envelope(without)


def test_those_words_in_text_are_read_the_same_both_ways() -> None:
    # Only their bytes are looked at first: text holding them takes the careful way, which
    # reads it as the direct way would.
    text = "NaN Infinity -Infinity NaNa"
    body = json.dumps({**BASE, "params": {"arguments": text, "zz": text}}).encode()
    assert parse_envelope(body) == careful(body)
    assert parse_envelope(body).params.arguments == text


WRONG_SHAPES: list[Any] = [["115"], True, 5, {"a": [1]}, None]


@pytest.mark.parametrize("field", ["arguments", "user", "chat", "mentions", "form", "target"])
@pytest.mark.parametrize("value", WRONG_SHAPES, ids=range(len(WRONG_SHAPES)))
def test_a_refusal_names_the_field_as_the_sender_wrote_it(field: str, value: Any) -> None:
    """The reason's path is made of field names and list positions only: never the names
    pydantic-core gives a union's branches (`union[str,dict[str,any]]`, `(as map)`)."""
    body = json.dumps({**BASE, "params": {field: value}}).encode()
    try:
        parse_envelope(body)
    except EnvelopeError as exc:
        where, _, message = str(exc).partition(": ")
        assert where.startswith(f"params.{field}"), str(exc)
        assert all(part.isidentifier() or part.isdigit() for part in where.split(".")), str(exc)
        assert "[" not in str(exc) and "(as " not in str(exc)
        assert message.startswith(("Input should", "Field required")), str(exc)


def test_a_field_taking_text_or_a_map_says_both() -> None:
    body = json.dumps({**BASE, "params": {"arguments": ["115"]}}).encode()
    with pytest.raises(EnvelopeError) as got:
        parse_envelope(body)
    assert str(got.value) == (
        "params.arguments: Input should be a valid string or a valid dictionary"
    )


FULL_PARAMS: dict[str, Any] = {
    "arguments": "115",
    "user": {"id": "5", "email": "a@example.com", "timezone": "Asia/Tokyo", "admin": True},
    "chat": {"id": "CT_1", "type": "channel", "title": "desk"},
    "message": {"text": "hi", "id": "m1", "time": 5},
    "location": {"latitude": 35.6, "longitude": 139.7, "status": "granted"},
    "target": {"id": "t", "name": "n", "value": 1},
    "options": {"a": "b"},
    "mentions": [{"id": "m", "name": "Aiko"}],
    "selections": [{"title": "#115"}],
    "access": {"user_id": "5", "organization": {"id": 1}},
    "environment": {"tld": "com"},
    "operation": "added",
    "sub_action": "open",
}


def _null_at(data: dict[str, Any], path: tuple[str, ...]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Copies of `data`: with the key at `path` set to null, and with it left out."""
    nulled, dropped = json.loads(json.dumps(data)), json.loads(json.dumps(data))
    *parents, last = path
    inner_nulled, inner_dropped = nulled, dropped
    for key in parents:
        inner_nulled, inner_dropped = inner_nulled[key], inner_dropped[key]
    inner_nulled[last] = None
    del inner_dropped[last]
    return nulled, dropped


def _paths(data: dict[str, Any], at: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = []
    for key, value in data.items():
        found.append((*at, key))
        if isinstance(value, dict) and key not in ("options", "organization"):
            found.extend(_paths(value, (*at, key)))
    return found


ENVELOPE = {**BASE, "unique_name": "t", "response_url": "https://x", "timestamp": 5}
ENVELOPE["params"] = FULL_PARAMS


@pytest.mark.parametrize("path", _paths(ENVELOPE), ids=".".join)
def test_a_key_sent_as_null_is_read_as_if_absent(path: tuple[str, ...]) -> None:
    """Null for any key the models read is its absence: the field's default (an empty text,
    list or map, no part), the same both ways; a required key sent as null is refused as
    missing, naming it."""
    nulled, dropped = _null_at(ENVELOPE, path)
    body, without = json.dumps(nulled).encode(), json.dumps(dropped).encode()
    try:
        expected = parse_envelope(without)
    except EnvelopeError as exc:
        with pytest.raises(EnvelopeError) as got:
            parse_envelope(body)
        assert str(got.value) == str(exc)
        assert "Field required" in str(got.value)
        return
    got_envelope = parse_envelope(body)
    assert got_envelope == expected
    assert careful(body) == expected
