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
        value = json.loads(data, parse_constant=_no_constant, parse_float=_finite_float)
    except RecursionError as exc:
        raise JsonBodyError(f"JSON nested deeper than {max_depth} levels") from exc
    except JsonBodyError:
        raise
    except ValueError as exc:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise JsonBodyError(f"malformed JSON: {str(exc)[:120]}") from exc
    check(value, max_depth=max_depth)
    return value


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


def _no_constant(name: str) -> Any:
    raise JsonBodyError(f"JSON has no {name}")


def _finite_float(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise JsonBodyError(f"number out of range: {text[:40]}")
    return number
