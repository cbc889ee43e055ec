"""Inbound parsing: lenient where Cliq varies, strict (400, naming the field) where types are wrong."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from bot.cliq.envelope import Envelope, describe


def parse(data: object) -> Envelope:
    return Envelope.model_validate_json(json.dumps(data))


def test_object_handler_shape() -> None:
    env = parse(
        {
            "type": "bot",
            "name": "deskbot",
            "handler": {"type": "action_handler", "name": "Due Today"},
        }
    )
    assert env.handler.type == "action_handler"
    assert env.handler.name == "Due Today"


def test_older_string_handler_with_handler_name() -> None:
    env = parse({"type": "bot", "handler": "action_handler", "handler_name": "Open Tickets"})
    assert env.handler.type == "action_handler"
    assert env.handler.name == "Open Tickets"


def test_message_as_plain_string_or_object() -> None:
    base = {"type": "bot", "handler": {"type": "message_handler"}}
    assert parse({**base, "params": {"message": "Due today"}}).text == "Due today"
    obj = {"text": "Due today", "type": "text", "sender": {"id": "1"}, "time": 1}
    assert parse({**base, "params": {"message": obj}}).text == "Due today"


def test_unknown_keys_are_ignored_and_optional_keys_optional() -> None:
    env = parse(
        {
            "type": "command",
            "name": "ticket",
            "handler": {"type": "execution_handler"},
            "brand_new_key": {"x": 1},
            "params": {"arguments": "115", "user": {"id": 42, "shoe_size": 9}},
        }
    )
    assert env.params.arguments == "115"
    assert env.params.user.id == "42"  # numbers become strings: ids are strings
    assert env.params.chat is None


def test_every_documented_param_parses() -> None:
    params = {
        "user": {
            "id": "1",
            "email": "a@b.com",
            "first_name": "A",
            "admin": True,
            "timezone": "Asia/Calcutta",
        },
        "chat": {
            "id": "CT_1",
            "chat_type": "channel",
            "title": "#desk",
            "channel_unique_name": "desk",
        },
        "message": {"text": "hi"},
        "mentions": [{"id": "b-1", "type": "bot", "name": "Deskbot"}],
        "location": {"latitude": 1.5, "longitude": 2.5, "accuracy": 10, "status": "granted"},
        "arguments": {"key": "status:115"},
        "options": {"from": "x"},
        "selections": [{"title": "#115"}],
        "target": {"name": "Status", "id": "t1"},
        "form": {
            "name": "status",
            "action": "submit",
            "values": {"status": {"label": "Open", "value": "Open"}},
        },
        "access": {"user_id": "1", "chat_id": "CT_1"},
        "environment": {"tld": ".com", "data_center": "US"},
    }
    env = parse({"type": "function", "handler": {"type": "button_handler"}, "params": params})
    assert env.button_key == "status:115"
    assert env.params.chat is not None and env.params.chat.is_channel
    assert env.params.user.admin is True
    assert env.params.form is not None and env.params.form.values["status"]["value"] == "Open"


@pytest.mark.parametrize(
    ("field", "value", "named"),
    [
        ("type", "robot", "type"),
        ("type", 7, "type"),
        ("name", ["x"], "name"),
        ("handler", 12, "handler"),
        ("timestamp", "yesterday", "timestamp"),
        ("response_url", {"u": 1}, "response_url"),
        ("params", "x", "params"),
    ],
)
def test_wrong_type_in_each_envelope_field_names_it(field: str, value: object, named: str) -> None:
    data = {"type": "command", "name": "t", "handler": {"type": "execution_handler"}, "params": {}}
    data[field] = value
    with pytest.raises(ValidationError) as info:
        parse(data)
    assert describe(info.value).startswith(named)


@pytest.mark.parametrize(
    "param",
    [
        "user",
        "chat",
        "message",
        "mentions",
        "location",
        "options",
        "selections",
        "target",
        "form",
        "access",
    ],
)
def test_wrong_type_in_each_param_names_it(param: str) -> None:
    data = {"type": "command", "handler": {"type": "execution_handler"}, "params": {param: 12}}
    with pytest.raises(ValidationError) as info:
        parse(data)
    assert describe(info.value).startswith(f"params.{param}")


def test_unknown_handler_type_is_rejected_with_the_field() -> None:
    with pytest.raises(ValidationError) as info:
        parse({"type": "command", "handler": {"type": "dance_handler"}})
    assert describe(info.value).startswith("handler.type: unknown handler 'dance_handler'")


def test_truncated_json_is_described() -> None:
    with pytest.raises(ValidationError) as info:
        Envelope.model_validate_json(b'{"type": "command", "handler": {"ty')
    assert describe(info.value).startswith("malformed JSON")


def test_non_object_body() -> None:
    with pytest.raises(ValidationError) as info:
        Envelope.model_validate_json(b"[1, 2]")
    assert "JSON object" in describe(info.value)


def test_maps_and_lists_that_came_as_text_are_read_back() -> None:
    """A Deluge shim whose `isText()` does not answer null for maps sends them as text (their
    `toString()`): every param whose shape is a map or a list is read back; texts stay text."""
    option = '{"label":"Open","value":"Open"}'
    env = parse(
        {
            "type": "function",
            "handler": {"type": "form_handler"},
            "params": {
                "user": '{"id":"1","email":"a@example.com"}',
                "chat": '{"id":"CT_1","type":"channel"}',
                "options": '{"x":"1"}',
                "selections": ['{"id":"m1"}'],
                "mentions": "[]",
                "form": {
                    "name": "status",
                    "values": {
                        "status": option,
                        "tags": '[{"label":"A","value":"a"},{"label":"B","value":"b"}]',
                        "quoted": '{"label":"say "hi"","value":"v"}',
                        "note": '{"just":"text someone typed"}',
                        "plain": "Open",
                    },
                },
            },
        }
    )
    p = env.params
    assert (p.user.email, p.chat.type if p.chat else "") == ("a@example.com", "channel")
    assert p.options == {"x": "1"} and p.selections == [{"id": "m1"}] and p.mentions == []
    values = p.form.values if p.form else {}
    assert values["status"] == {"label": "Open", "value": "Open"}
    assert [t["value"] for t in values["tags"]] == ["a", "b"]
    assert values["quoted"] == {"label": 'say "hi"', "value": "v"}
    assert values["note"] == '{"just":"text someone typed"}' and values["plain"] == "Open"
    button = parse(
        {
            "type": "function",
            "handler": {"type": "button_handler"},
            "params": {"arguments": '{"key":"confirm:abc"}'},
        }
    )
    assert button.params.arguments == {"key": "confirm:abc"}
    typed = parse(
        {
            "type": "command",
            "handler": {"type": "execution_handler"},
            "params": {"arguments": "{x}"},
        }
    )
    assert typed.params.arguments == "{x}"
