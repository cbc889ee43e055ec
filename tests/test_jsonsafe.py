"""bot.jsonsafe: every refusal holds whichever way the body is written, including the bodies
the fast path (no walk over the parsed value) lets through unchecked."""

from __future__ import annotations

import json

import pytest

from bot import jsonsafe
from bot.jsonsafe import MAX_DEPTH, JsonBodyError


def nested(depth: int) -> str:
    return '{"a":' * (depth - 1) + "[]" + "}" * (depth - 1)


@pytest.mark.parametrize("as_bytes", [True, False])
def test_nesting_up_to_the_limit_is_read_and_deeper_is_refused(as_bytes: bool) -> None:
    ok, deep = nested(MAX_DEPTH), nested(MAX_DEPTH + 1)
    assert jsonsafe.loads(ok.encode() if as_bytes else ok) is not None
    with pytest.raises(JsonBodyError, match="nested deeper"):
        jsonsafe.loads(deep.encode() if as_bytes else deep)


@pytest.mark.parametrize(
    "body",
    [
        b'{"text": "\\ud800"}',  # an escaped lone high surrogate
        b'{"text": "x\\uDC00y"}',  # a lone low surrogate, upper-case hex
        b'{"\\ud83d": 1}',  # in a key
        b'{"text": "\xed\xa0\x80"}',  # a surrogate written in (invalid) UTF-8 bytes
        '{"text": "\ud800"}'.encode("utf-16-le", "surrogatepass"),  # in UTF-16 bytes
        '{"text": "\ud800"}'.encode("utf-32", "surrogatepass"),
    ],
)
def test_a_lone_surrogate_is_refused_however_it_is_written(body: bytes) -> None:
    with pytest.raises(JsonBodyError, match="surrogate"):
        jsonsafe.loads(body)


def test_a_lone_surrogate_in_text_input_is_refused() -> None:
    with pytest.raises(JsonBodyError, match="surrogate"):
        jsonsafe.loads('{"text": "\ud800"}')
    with pytest.raises(JsonBodyError, match="surrogate"):
        jsonsafe.loads('{"text": "\\ud800"}')


def test_paired_surrogates_and_other_unicode_are_read() -> None:
    assert jsonsafe.loads(b'{"t": "\\ud83d\\ude00"}') == {"t": "\U0001f600"}
    assert jsonsafe.loads('{"t": "東京 😀"}'.encode()) == {"t": "東京 😀"}
    assert jsonsafe.loads('{"t": "東京"}'.encode("utf-16")) == {"t": "東京"}


def test_brackets_inside_strings_do_not_make_a_flat_body_deep() -> None:
    text = "[" * (MAX_DEPTH * 2)
    assert jsonsafe.loads(json.dumps({"text": text}).encode()) == {"text": text}


def test_constants_and_huge_numbers_are_refused() -> None:
    for body in (b'{"n": NaN}', b'{"n": Infinity}', b'{"n": 1e999}'):
        with pytest.raises(JsonBodyError):
            jsonsafe.loads(body)
