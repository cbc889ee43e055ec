"""Reading JSON that strangers send: one parser for every inbound body (DESIGN §4).

`json.loads` alone lets through what later breaks a handler: nesting deep enough to exhaust the
recursion limit, lone UTF-16 surrogates (text that cannot be encoded, stored or posted),
`NaN`/`Infinity` and numbers too long to convert. Each is refused here as a `JsonBodyError`,
which the edge answers with 400.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from typing import Any

MAX_DEPTH = 32
"""Arrays and objects nested deeper than this are refused (Cliq and Desk bodies nest ≤ 6)."""

_SURROGATE = re.compile("[\ud800-\udfff]")


class JsonBodyError(ValueError):
    """The body is not JSON we accept; the message says why, for a 400 answer."""


def loads(data: bytes | str, *, max_depth: int = MAX_DEPTH) -> Any:
    """The JSON value of `data` (UTF-8 bytes or text); JsonBodyError if it is malformed, nested
    deeper than `max_depth`, holds a lone surrogate, `NaN`/`Infinity`, or an unreadable number."""
    try:
        if isinstance(data, bytes | bytearray):  # as json.loads reads bytes
            # (a body opening with `{` and no NUL after it is UTF-8 to `detect_encoding`)
            utf8 = data[:1] == b"{" and data[1:2] != b"\x00"
            data = data.decode("utf-8" if utf8 else json.detect_encoding(data), "surrogatepass")
        if data.startswith("\ufeff"):
            raise JsonBodyError("malformed JSON: a byte order mark before the value")
        value = _decode(data)
    except RecursionError as exc:
        raise JsonBodyError(f"JSON nested deeper than {max_depth} levels") from exc
    except JsonBodyError:
        raise
    except ValueError as exc:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise JsonBodyError(f"malformed JSON: {str(exc)[:120]}") from exc
    if _may_break(data, max_depth):
        check(value, max_depth=max_depth)
    return value


def _decode(text: str) -> Any:
    """`_DECODER.decode(text)`: an object (nearly every body) is read by the C scanner alone,
    without `decode`'s two Python frames; anything else, or anything wrong, goes through
    `decode` itself, for its exact value and error."""
    if text[:1] == "{":
        try:
            value, end = _SCAN(text, 0)
        except StopIteration:
            end = -1
        if end == len(text) or (end > 0 and not text[end:].strip(" \t\n\r")):
            return value
    return _DECODER.decode(text)


def _may_break(data: bytes | str, max_depth: int) -> bool:
    """Whether the parsed value could break a rule `check` enforces: False when there are too
    few brackets to nest `max_depth` deep and no way a surrogate got in (no `\\u` escape, and
    ASCII bytes or text without one), so the walk over every value (most of the cost) is
    skipped. Non-ASCII bytes are always walked: `json.loads` decodes bytes with
    `surrogatepass`, in UTF-8, -16 or -32, so a surrogate can hide in any of them."""
    if isinstance(data, str):
        brackets = data.count("{") + data.count("[")
        if brackets > max_depth or "\\u" in data:
            return True
        return not data.isascii() and _SURROGATE.search(data) is not None
    brackets = data.count(b"{") + data.count(b"[")
    if brackets > max_depth or b"\\u" in data:
        return True
    return not data.isascii()


def check(value: Any, *, max_depth: int = MAX_DEPTH) -> None:
    """Refuse nesting deeper than `max_depth` and lone surrogates in keys and strings."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if not item.isascii() and _SURROGATE.search(item):
                raise JsonBodyError("JSON text holds a lone surrogate (not Unicode)")
        elif isinstance(item, dict | list):
            if depth > max_depth:
                raise JsonBodyError(f"JSON nested deeper than {max_depth} levels")
            if isinstance(item, dict):
                stack.extend((key, depth) for key in item)
                stack.extend((child, depth + 1) for child in item.values())
            else:
                stack.extend((child, depth + 1) for child in item)


def finite(value: Any, max_depth: int = MAX_DEPTH) -> bool:
    """Whether `value` (a parsed JSON value) nests at most `max_depth` arrays and objects deep
    and every number in it is finite (not the infinity a parser makes of `1e999`, nor NaN)."""
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        value = value.values()
    elif not isinstance(value, list):
        return True
    if max_depth < 1:
        return False
    return all(finite(item, max_depth - 1) for item in value)


def _no_constant(name: str) -> Any:
    """`parse_constant`: NaN, Infinity and -Infinity are not JSON we accept."""
    raise JsonBodyError(f"JSON has no {name}")


def _finite_float(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise JsonBodyError(f"number out of range: {text[:40]}")
    return number


_DECODER = json.JSONDecoder(parse_constant=_no_constant, parse_float=_finite_float)
"""One decoder for every body (`json.loads` with hooks would build a new one per call)."""
_SCAN: Callable[[str, int], tuple[Any, int]] = _DECODER.scan_once  # type: ignore[attr-defined]
"""Its scanner (C, with the same hooks): `(value, end)` for the value at an index. (Set on every
decoder by `JSONDecoder.__init__`, but not declared in typeshed's stub: hence the ignore.)"""
