"""The direct way's own validator (`bot.cliq.envelope._FROM_JSON`, built by `bot.cliq.direct`):
it reads the usual calls alone, in pydantic-core, and whenever it reads a body it reads it as
the careful way does; every rule the careful way keeps (known handler types, the jsonsafe
rules in free values, texts that may hold a map) is refused by the direct way itself."""

from __future__ import annotations

import json
from typing import Any, Literal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError
from pydantic_core import SchemaValidator, core_schema

from bot import jsonsafe
from bot.cliq import direct
from bot.cliq import envelope as module
from bot.cliq.deluge import ENCODING, DelugeValueError, decode_params, is_text_of_maps
from bot.cliq.envelope import HANDLER_TYPES, Envelope, EnvelopeError, parse_envelope
from bot.cliq.shim import HANDLERS, shim_body
from tests.test_envelope_direct import envelope_models

PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def careful(body: bytes) -> Envelope:
    """The careful way alone (jsonsafe, then the models' own validator), as parse_envelope
    reads a body the direct way refuses."""
    try:
        data = jsonsafe.loads(body)
    except jsonsafe.JsonBodyError as exc:
        raise EnvelopeError(str(exc)) from None
    try:
        return Envelope.model_validate(data)
    except ValidationError as exc:
        raise EnvelopeError(module.describe(exc)) from None


def direct_way(body: bytes) -> Envelope | None:
    """What the direct way reads from `body`, or None if it refuses it."""
    try:
        envelope: Envelope = module._FROM_JSON(body)
    except ValidationError:
        return None
    return envelope


def call(component: str, handler: str, **params: Any) -> dict[str, Any]:
    return {"type": component, "name": "x", "handler": {"type": handler}, "params": params}


USER = {"id": "555", "email": "a@example.com", "first_name": "Aiko", "timezone": "Asia/Tokyo"}
CHAT = {"id": "CT_1", "type": "channel", "title": "#desk"}
USUAL = {
    "command": call("command", "execution_handler", arguments="115", user=USER, chat=CHAT),
    "command, no text": call("command", "execution_handler", arguments="", user=USER),
    "suggestion": call(
        "command", "suggestion_handler", arguments="11", selections=[{"title": "#115"}]
    ),
    "button": call(
        "function", "button_handler", arguments={"key": "status:115"}, target={"id": "t"}
    ),
    "form": call(
        "function",
        "form_submit_handler",
        form={
            "name": "status",
            "values": {
                "status": {"label": "Open", "value": "Open"},
                "tags": [{"label": "A", "value": "a"}],
                "note": "typed {text}",
                "count": 3,
            },
        },
    ),
    "message as text": call("bot", "message_handler", message="Due today", user=USER),
    "message as an object": call(
        "bot", "message_handler", message={"text": "hi", "sender": {"id": "1"}, "time": 5}
    ),
    "mention": call(
        "bot", "mention_handler", message="@Deskbot hi", mentions=[{"id": "b", "type": "bot"}]
    ),
    "participation": call(
        "bot", "participation_handler", operation="message_sent", data={"message": "hi"}
    ),
    "menu": call("bot", "menu_handler", sub_action="open", access={"user_id": "1"}),
    "welcome": call("bot", "welcome_handler", newuser=True, environment={"tld": ".com"}),
    "location": call("command", "execution_handler", location={"latitude": 35.6}),
    "options": call("command", "execution_handler", options={"from": "x", "n": [1, 2.5]}),
    "no params": {"type": "widget", "handler": {"type": "view_handler"}},
}


@pytest.mark.parametrize("name", sorted(USUAL))
def test_the_usual_calls_are_read_the_direct_way_alone(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = json.dumps(USUAL[name]).encode()
    expected = careful(body)

    def no_careful_way(*_: Any, **__: Any) -> Any:
        raise AssertionError("a usual call went the careful way")

    monkeypatch.setattr(jsonsafe, "loads", no_careful_way)
    assert parse_envelope(body) == expected


ALL_HANDLER_TYPES = sorted(set().union(*HANDLER_TYPES.values()) | {"dance_handler", ""})


@pytest.mark.parametrize("component", sorted(HANDLER_TYPES))
def test_each_component_takes_its_handler_types_and_refuses_the_others(component: str) -> None:
    for handler in ALL_HANDLER_TYPES:
        body = json.dumps(call(component, handler)).encode()
        if handler in HANDLER_TYPES[component]:
            assert direct_way(body) == careful(body), handler
            continue
        assert direct_way(body) is None, f"the direct way took {handler!r} for a {component}"
        with pytest.raises(EnvelopeError, match=rf"^handler\.type: unknown handler {handler!r}"):
            parse_envelope(body)


def test_the_older_handler_shape_and_handler_name_go_the_careful_way() -> None:
    bodies = [
        {"type": "bot", "handler": "action_handler", "handler_name": "Open Tickets"},
        {"type": "bot", "handler": {"type": "action_handler"}, "handler_name": "Open"},
        {"type": "bot", "handler": {"type": "action_handler", "name": "A"}, "handler_name": "B"},
        {"type": "bot", "handler": "dance_handler", "handler_name": "Open"},
    ]
    for data in bodies:
        body = json.dumps(data).encode()
        assert direct_way(body) is None
        try:
            expected: Any = careful(body)
        except EnvelopeError as exc:
            expected = str(exc)
        try:
            got: Any = parse_envelope(body)
        except EnvelopeError as exc:
            got = str(exc)
        assert got == expected


# Any JSON value, with the numbers JSON cannot hold (written as `NaN`, `Infinity`, `1e999`).
json_leaf = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.floats(allow_nan=True, allow_infinity=True).filter(lambda f: f != f or abs(f) == 1e999),
    st.just("__1e999__"),
    st.text(max_size=12),
)
json_any = st.recursive(
    json_leaf,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=12,
)


def deep(levels: int, leaf: Any = 1) -> Any:
    value = leaf
    for _ in range(levels):
        value = {"k": value} if levels % 2 else [value]
    return value


def as_text(values: st.SearchStrategy[Any]) -> st.SearchStrategy[str]:
    """A map or list sent as text (its JSON, as a Deluge shim's `toString()` may send it)."""
    return st.builds(
        lambda value, space: space + json.dumps(value), values, st.sampled_from(["", " \n"])
    )


# Texts that may or may not hold a map: what the leniencies turn into maps, and what they keep.
maybe_map_text = st.one_of(
    st.sampled_from(
        [
            '{"key": "status:115"}',
            ' \t{"key":"x"}',
            '\x1c{"key": "x"}',
            "\u3000[1]",
            '{"label":"Open","value":"Open"}',
            '[{"label":"A","value":"a"}]',
            '{"label":"say "hi"","value":"v"}',
            "{not json",
            '{"a": 1}',
            "[]",
            "  ",
            "",
        ]
    ),
    as_text(json_any),
    st.text(alphabet=' \t\n\x0b\x1c\x85\u00a0\u2028\u3000{["}]key:ab', max_size=10),
)
text = st.one_of(st.text(max_size=8), maybe_map_text, st.integers(-5, 5))
finite_any = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(-1, 1), st.text(max_size=6)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)
# A value of any kind put anywhere; what `bot.jsonsafe` refuses (NaN, 1e999, nesting past
# its limit) only where the models read it, as both ways ignore keys the models do not have.
anything = st.one_of(
    finite_any,
    maybe_map_text,
    st.integers(0, 20).map(lambda half: deep(2 * half)),  # (lists only: no key to hide in)
    json_leaf,
)
user = st.dictionaries(st.sampled_from(["id", "email", "name", "admin", "timezone"]), text)
chat = st.dictionaries(st.sampled_from(["id", "type", "chat_type", "title"]), text)
message = st.one_of(
    text,
    st.fixed_dictionaries({"text": text}, optional={"sender": json_any, "time": json_leaf}),
    st.fixed_dictionaries({"content": text}),
)
option = st.fixed_dictionaries({"label": text, "value": text})
form_value = st.one_of(
    option, st.lists(option, max_size=2), maybe_map_text, as_text(option), json_any
)
PARAMS = {
    "user": st.one_of(user, as_text(user)),
    "chat": st.one_of(chat, as_text(chat)),
    "message": message,
    "mentions": st.one_of(
        st.none(), st.lists(st.one_of(chat, as_text(chat)), max_size=2), as_text(st.lists(chat))
    ),
    "location": st.dictionaries(st.sampled_from(["latitude", "longitude", "status"]), json_leaf),
    "arguments": st.one_of(
        text,
        as_text(st.fixed_dictionaries({"key": text})),
        st.fixed_dictionaries({"key": text}),
        st.dictionaries(st.text(max_size=4), json_any),
    ),
    "options": st.one_of(st.none(), st.dictionaries(st.text(max_size=4), json_any), as_text(user)),
    "selections": st.one_of(
        st.none(), st.lists(st.one_of(st.dictionaries(st.just("title"), json_any), as_text(chat)))
    ),
    "target": st.fixed_dictionaries({"id": text}, optional={"value": json_any}),
    "form": st.fixed_dictionaries(
        {"name": text}, optional={"values": st.dictionaries(st.text(max_size=4), form_value)}
    ),
    "access": st.fixed_dictionaries({}, optional={"organization": json_any}),
    "environment": st.dictionaries(st.sampled_from(["tld", "data_center"]), text),
    "data": st.fixed_dictionaries({}, optional={"message": message, "time": json_leaf}),
    "operation": text,
    "newuser": st.one_of(st.booleans(), text),
    "sub_action": text,
}
KNOWN = sorted((component, kind) for component, kinds in HANDLER_TYPES.items() for kind in kinds)


@st.composite
def envelopes(draw: st.DrawFn) -> dict[str, Any]:
    """A call of a known handler type, its params as Cliq or a shim may send them, and now and
    then one value of any kind anywhere (in the envelope or its params)."""
    component, kind = draw(st.sampled_from(KNOWN))
    names = draw(st.lists(st.sampled_from(sorted(PARAMS)), max_size=3, unique=True))
    params = {name: draw(PARAMS[name]) for name in names}
    data: dict[str, Any] = {"type": component, "name": "x", "handler": {"type": kind}}
    data["params"] = params
    if draw(st.booleans()):
        # (keys the models have: the models never read the others, whichever way)
        where, key = draw(
            st.one_of(
                st.tuples(st.just(data), st.sampled_from(sorted(Envelope.model_fields))),
                st.tuples(st.just(params), st.sampled_from(sorted(PARAMS))),
            )
        )
        where[key] = draw(st.one_of(anything, st.sampled_from([*ALL_HANDLER_TYPES, ENCODING])))
    return data


MAP_TEXTS = [
    '{"key": "status:115"}',
    ' \t\n{"key":"x"}',
    '\u3000{"key": "x"}',
    '\x1c{"key": "x"}',
    '{"label":"Open","value":"Open"}',
    ' [{"label":"A","value":"a"},{"label":"B","value":"b"}]',
    '{"label":"say "hi"","value":"v"}',
    '{"id": "7", "type": "channel"}',
    '[{"id": "m1"}]',
    "[]",
    "{not json",
    "{",
]
"""Texts that hold (or seem to hold) a map or list: the leniencies read some back as maps."""

PLACES = {
    "arguments": lambda text: {"arguments": text},
    "form value": lambda text: {"form": {"name": "f", "values": {"v": text}}},
    "form values": lambda text: {"form": {"name": "f", "values": text}},
    "user": lambda text: {"user": text},
    "chat": lambda text: {"chat": text},
    "options": lambda text: {"options": text},
    "selections": lambda text: {"selections": text},
    "a selection": lambda text: {"selections": [text]},
    "mentions": lambda text: {"mentions": text},
    "a mention": lambda text: {"mentions": [text]},
    "message": lambda text: {"message": text},
    "target": lambda text: {"target": text},
}


@pytest.mark.parametrize("place", sorted(PLACES))
def test_a_text_that_may_hold_a_map_is_read_as_the_careful_way_reads_it(place: str) -> None:
    for text in MAP_TEXTS:
        data = {**call("function", "button_handler"), "params": PLACES[place](text)}
        body = written(data)
        try:
            expected: Any = careful(body)
        except EnvelopeError as exc:
            expected = str(exc)
        found = direct_way(body)
        assert found is None or found == expected, text
        try:
            got: Any = parse_envelope(body)
        except EnvelopeError as exc:
            got = str(exc)
        assert got == expected, text


def written(data: Any) -> bytes:
    """`data` as JSON, `NaN`/`Infinity` and `1e999` written as they may come."""
    return json.dumps(data, ensure_ascii=False).replace('"__1e999__"', "1e999").encode()


@PROPERTY
@given(envelopes())
def test_whatever_the_direct_way_reads_the_careful_way_reads_the_same(data: Any) -> None:
    body = written(data)
    try:
        expected: Any = careful(body)
    except EnvelopeError as exc:
        expected = exc
    try:  # the direct way's validator on the values read (as a shim's call is read)
        from_data: Envelope | None = module._FROM_DATA(jsonsafe.loads(body))
    except (ValidationError, jsonsafe.JsonBodyError):
        from_data = None
    if from_data is not None:
        assert from_data == expected
        assert from_data.params.model_fields_set == expected.params.model_fields_set
    found = direct_way(body)
    if found is not None and found.encoding != ENCODING:
        assert found == expected
        assert found.model_fields_set == expected.model_fields_set
        assert found.params.model_fields_set == expected.params.model_fields_set
    if data.get("encoding") == ENCODING:
        return  # (parse_envelope decodes its params first: `tests/test_deluge_wire.py`)
    try:
        got: Any = parse_envelope(body)
    except EnvelopeError as exc:
        got = exc
    if isinstance(expected, EnvelopeError):
        assert isinstance(got, EnvelopeError) and str(got) == str(expected)
    else:
        assert got == expected


@PROPERTY
@given(st.integers(0, 40), st.sampled_from(sorted(module.FREE_FIELDS)), st.booleans())
def test_free_values_nest_in_the_direct_way_only_as_deep_as_it_checks(
    levels: int, free: tuple[str, str], infinite: bool
) -> None:
    value = deep(levels, "__1e999__" if infinite else 1)
    where = {
        ("Params", "arguments"): lambda v: {"arguments": {"key": v}},
        ("Params", "options"): lambda v: {"options": {"n": v}},
        ("Params", "selections"): lambda v: {"selections": [{"n": v}]},
        ("IncomingMessage", "sender"): lambda v: {
            "data": {"message": {"text": "", "sender": {"n": v}}}
        },
        ("Target", "value"): lambda v: {"target": {"value": v}},
        ("FormSubmission", "values"): lambda v: {"form": {"name": "f", "values": {"n": v}}},
        ("Access", "organization"): lambda v: {"access": {"organization": {"n": v}}},
    }[free]
    body = written({**call("command", "execution_handler"), "params": where(value)})
    found = direct_way(body)
    if infinite:
        assert found is None
    elif found is not None:
        assert found == careful(body)  # (which refuses nesting past jsonsafe.MAX_DEPTH)


def matches(pattern: str, text: str) -> bool:
    """Whether pydantic-core (the Rust regex engine the models use) matches `pattern` on `text`."""
    check = SchemaValidator(core_schema.str_schema(pattern=pattern))
    try:
        check.validate_python(text)
    except ValidationError:
        return False
    return True


spaced_text = st.text(
    alphabet=st.one_of(
        st.sampled_from(" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2028\u3000{[x"),
        st.characters(blacklist_categories=["Cs"]),  # (no JSON body holds a lone surrogate)
    ),
    max_size=6,
)


@PROPERTY
@given(spaced_text)
def test_a_command_text_is_direct_exactly_when_it_cannot_be_a_button_map(text: str) -> None:
    # (the careful way reads a text as a button's map only if `_MAYBE_BUTTON_MAP` matches it)
    assert matches(module._TEXT_NOT_A_BUTTON_MAP, text) != matches(module._MAYBE_BUTTON_MAP, text)


@PROPERTY
@given(spaced_text)
def test_a_form_value_text_is_direct_exactly_when_it_cannot_be_an_option(text: str) -> None:
    assert matches(module._TEXT_NOT_AN_OPTION, text) == (text.strip()[:1] not in ("{", "["))


def test_the_spaces_named_are_those_python_strips() -> None:
    spaces = [code for code in range(0x110000) if chr(code).isspace()]
    assert spaces == list(direct.PYTHON_SPACE_CODES)


def test_a_field_that_is_not_a_plain_value_must_be_given_its_direct_schema() -> None:
    class Loose(BaseModel):
        name: str = ""
        extra: dict[str, Any] = {}

    models = direct.Models()
    with pytest.raises(TypeError, match=r"Loose\.extra"):
        models.model(Loose)
    with pytest.raises(TypeError, match="no field nope"):
        models.model(
            Loose, extra=direct.like(Loose, "extra", direct.json_map(1)), nope=direct.json_map(1)
        )
    built = models.model(Loose, extra=direct.like(Loose, "extra", direct.json_map(1)))
    read = models.validator(core_schema.definitions_schema(built, direct.json_levels(1)))
    assert read.validate_json(b'{"name": "a", "extra": {"n": [1]}}') == Loose(
        name="a", extra={"n": [1]}
    )
    with pytest.raises(ValidationError):
        read.validate_json(b'{"extra": {"n": [[1]]}}')  # deeper than the levels given
    assert Loose.__pydantic_complete__  # finished again, its own validator untouched
    assert Loose.model_validate({"extra": {"n": [[1]]}}).extra == {"n": [[1]]}


def test_the_models_own_validators_still_read_every_leniency() -> None:
    # Building the direct way leaves the models' own validators as they were.
    models = envelope_models()
    assert len(models) > 10 and all(model.__pydantic_complete__ for model in models)
    env = Envelope.model_validate(
        {
            "type": "function",
            "handler": "button_handler",
            "handler_name": "b",
            "params": {"user": '{"id": "7"}', "arguments": '{"key": "k"}', "mentions": None},
        }
    )
    assert (env.handler.name, env.params.user.id, env.button_key) == ("b", "7", "k")
    assert env.params.mentions == []


def careful_read(body: bytes) -> Any:
    """The careful way alone, a shim's values decoded as parse_envelope decodes them: the
    envelope, or the refusal's message."""
    try:
        data = jsonsafe.loads(body)
        if isinstance(data, dict) and data.get("encoding") == ENCODING:
            data = {**data, "params": decode_params(data.get("params") or {})}
        return Envelope.model_validate(data)
    except jsonsafe.JsonBodyError as exc:
        return str(exc)
    except DelugeValueError as exc:
        return str(exc)
    except ValidationError as exc:
        return module.describe(exc)


def read(body: bytes) -> Any:
    try:
        return parse_envelope(body)
    except EnvelopeError as exc:
        return str(exc)


SHIMMED = sorted(
    name
    for name, data in USUAL.items()
    if data["handler"]["type"] in HANDLERS
    and data["type"] != "widget"
    and name != "message as an object"  # (a shim forwards a message as its text)
)


@pytest.mark.parametrize("answer", ["null", "false"])
@pytest.mark.parametrize("name", SHIMMED)
def test_a_shims_usual_calls_are_read_without_the_careful_way(
    name: str, answer: Literal["null", "false"], monkeypatch: pytest.MonkeyPatch
) -> None:
    with is_text_of_maps(answer):
        body = shim_body(USUAL[name])
    expected = careful_read(body)
    assert isinstance(expected, Envelope)

    def no_careful_way(*_: Any, **__: Any) -> Any:
        raise AssertionError("a shim's usual call went the careful way")

    monkeypatch.setattr(Envelope, "model_validate", no_careful_way)
    if answer == "null":  # (maps sent as text are read back by the models' own validator)
        assert parse_envelope(body) == expected
    else:
        monkeypatch.undo()
        assert parse_envelope(body) == expected


@PROPERTY
@given(envelopes(), st.sampled_from(["null", "false"]))
def test_a_shims_call_is_read_as_the_careful_way_reads_it(
    data: Any, answer: Literal["null", "false"]
) -> None:
    try:
        with is_text_of_maps(answer):
            body = shim_body(data)
    except (ValueError, TypeError, AttributeError):
        return  # (a handler type no shim sends, or values no shim could carry)
    assert read(body) == careful_read(body)


@PROPERTY
@given(envelopes(), st.sampled_from([b" ", b"\n\t", b"\r\n "]))
def test_a_body_the_direct_way_does_not_take_whole_is_read_as_the_careful_way_reads_it(
    data: Any, space: bytes
) -> None:
    body = space + written(data)  # (not opening with `{`: pydantic-core's parser, then the values)
    assert read(body) == careful_read(body)
