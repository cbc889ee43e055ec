"""The Deluge-safe wire: how a shim carries Cliq's values so that Deluge cannot corrupt them.

Deluge's `Map.toString()` writes string values between quotes without escaping them, so a `"`,
a line break, a TAB or a backslash in what a person typed makes the body unparseable JSON (and a
`","` could even forge a key). A shim therefore never hands a person's text to `toString()`:
every leaf value travels as a *tagged leaf*, a plain-ASCII text that `toString()` copies intact:

- `t<base64>`: a text (or number or date), `zoho.encryption.base64Encode(value.toString())`;
- `j<base64>`: a value Deluge's `isText()` answers null for (a map, a list or a boolean: Deluge
  help "isText()", https://www.zoho.com/deluge/help/functions/common/istext.html), sent as the
  base64 of its `toString()`. We read it back as JSON when it parses, and drop it otherwise
  (only deeper values we do not read travel this way; see `bot.cliq.shim` for each variable's
  shape).

Base64 is Deluge's `zoho.encryption.base64Encode(text, "UTF-8")` (destination character set
UTF-8, its default: https://www.zoho.com/deluge/help/functions/encryption/base64encode.html),
whose output is A–Z, a–z, 0–9,
`+`, `/` and `=`: the whole body is then ASCII, so the HMAC the shim computes over it is the
same whatever bytes `zoho.encryption.hmacsha256` hashes (audit §7.2).

An envelope sent this way says so: `"encoding": "deluge-b64"` at its top level. `decode_params`
turns its params back into ordinary values; `encode_value` does what the shim does, for tests.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Literal

from bot import jsonsafe

ENCODING = "deluge-b64"
TEXT_TAG = "t"
JSON_TAG = "j"


_OPTION = re.compile(r'\{"label":"(?P<label>.*)","value":"(?P<value>.*)"\}', re.DOTALL)
_OPTION_VALUE_FIRST = re.compile(r'\{"value":"(?P<value>.*)","label":"(?P<label>.*)"\}', re.DOTALL)


class DelugeValueError(ValueError):
    """A params value that is not a tagged leaf; the message names where (answered with 400)."""


def decode_params(params: Any, where: str = "params") -> Any:
    """Decode every tagged leaf in a Deluge-safe `params` (maps and lists keep their shape).

    Raises DelugeValueError naming the first value that is not a tagged leaf.
    """
    try:
        return _decoded(params)
    except _Undecodable as exc:
        raise DelugeValueError(f"{where}{''.join(reversed(exc.path))}: {exc.reason}") from None


_a2b_base64 = binascii.a2b_base64
"""`base64.b64decode(…, validate=True)` without its Python wrapper (`strict_mode=True` is what
`validate=True` passes; a text that is not ASCII is a ValueError either way)."""


class _Undecodable(Exception):
    """A value that is not a tagged leaf; its path is written on the way out (only then)."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        self.path: list[str] = []


def _decoded(value: Any) -> Any:
    """`decode_params` for one value. (Plain statements: this runs for every value of a shim's
    call; a failure's path is put together only if there is one.)"""
    if isinstance(value, str):
        return _leaf(value)
    if isinstance(value, dict):
        decoded: dict[str, Any] = {}
        for key, item in value.items():
            if type(item) is str and item[:1] == TEXT_TAG:  # (the usual value: a text, inline)
                try:
                    decoded[key] = _a2b_base64(item[1:], strict_mode=True).decode("utf-8")
                    continue
                except ValueError:  # (binascii.Error is one; `_leaf` below names the fault)
                    pass
            try:
                found = _decoded(item)
            except _Undecodable as exc:
                exc.path.append(f".{key}")
                raise
            if found is not _DROPPED:
                decoded[key] = found
        return decoded
    if isinstance(value, list):
        items: list[Any] = []
        for index, item in enumerate(value):
            try:
                found = _decoded(item)
            except _Undecodable as exc:
                exc.path.append(f"[{index}]")
                raise
            if found is not _DROPPED:
                items.append(found)
        return items
    if value is None:
        return None
    raise _Undecodable(f"expected a tagged text, got {type(value).__name__}")


def decode_leaf(leaf: str, where: str = "value") -> Any:
    """`t<base64>` → the text; `j<base64>` → the JSON value (dropped if it is not JSON)."""
    try:
        return _leaf(leaf)
    except _Undecodable as exc:
        raise DelugeValueError(f"{where}: {exc.reason}") from None


def _leaf(leaf: str) -> Any:
    tag = leaf[:1]
    if tag != TEXT_TAG and tag != JSON_TAG:
        raise _Undecodable("not a Deluge-safe value (expected t… or j…)")
    try:
        text = _a2b_base64(leaf[1:], strict_mode=True).decode("utf-8")
    except (binascii.Error, ValueError):
        raise _Undecodable("not base64 of UTF-8 text") from None
    if tag == TEXT_TAG:
        return text
    try:
        return jsonsafe.loads(text)  # (the body's rules hold inside a leaf too: depth, surrogates…)
    except jsonsafe.JsonBodyError:
        pass
    # A select or radio value whose label or value holds a quote: Deluge wrote it unescaped.
    found = _OPTION.fullmatch(text) or _OPTION_VALUE_FIRST.fullmatch(text)
    if found:
        return {"label": found["label"], "value": found["value"]}
    return _DROPPED  # a deeper map whose toString() Deluge corrupted: not one we read


IS_TEXT_OF_MAPS: ContextVar[Literal["null", "false"]] = ContextVar(
    "is_text_of_maps", default="null"
)
"""What Deluge's `isText()` answers for a map, list or boolean, for the test kit's serializer:
`null` as its help page says (sent as `j`), or `false` (then the shim's `isText(x) == null` test
fails and the value is sent as `t`, its `toString()` as text). The envelope reads either
(`json_shaped`)."""


@contextmanager
def is_text_of_maps(answer: Literal["null", "false"]) -> Iterator[None]:
    """Serialize as if live Deluge's `isText()` answered `answer` for maps and lists."""
    token = IS_TEXT_OF_MAPS.set(answer)
    try:
        yield
    finally:
        IS_TEXT_OF_MAPS.reset(token)


def json_shaped(text: str) -> dict[str, Any] | list[Any] | None:
    """A map or list that travelled as text (a Deluge `toString()`), or None if `text` is not
    one: JSON, or a select option whose label or value holds an unescaped quote."""
    stripped = text.strip()
    if stripped[:1] not in ("{", "["):
        return None
    try:
        found = jsonsafe.loads(stripped)  # (nesting, surrogates… refused as in a body)
    except jsonsafe.JsonBodyError:
        option = _OPTION.fullmatch(stripped) or _OPTION_VALUE_FIRST.fullmatch(stripped)
        return {"label": option["label"], "value": option["value"]} if option else None
    return found if isinstance(found, dict | list) else None


def encode_leaf(value: Any) -> str:
    """What the shim sends for one value (the Python twin of the shim's Deluge)."""
    if isinstance(value, dict | list | bool) and IS_TEXT_OF_MAPS.get() == "null":
        return JSON_TAG + _b64(deluge_to_string(value))
    return TEXT_TAG + _b64(deluge_to_string(value))


def deluge_to_string(value: Any) -> str:
    """A faithful model of Deluge's `toString()`: strings are quoted inside maps and lists but
    never escaped, numbers and booleans are bare, null is `null`, no spaces."""
    if isinstance(value, str):
        return value
    return _nested(value)


def _nested(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, dict):
        return "{" + ",".join(f'"{k}":{_nested(v)}' for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(_nested(v) for v in value) + "]"
    return str(value)


def _b64(text: str) -> str:
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


class _Dropped:
    pass


_DROPPED = _Dropped()
