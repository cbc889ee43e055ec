"""Listeners are checked when registered: a plain `def`, or a listener that cannot take the
arguments of its kind of call, raises ListenerError at import time, naming the shape wanted."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from bot.framework import ListenerError, Router

# kind → (register on a router, the arguments the listener is called with)
KINDS: dict[str, tuple[Callable[[Router], Callable[[Any], Any]], int]] = {
    "command": (lambda r: r.command("ping"), 2),
    "keyword": (lambda r: r.keyword("hello"), 1),
    "regex keyword": (lambda r: r.keyword(re.compile(r"#(\d+)")), 2),
    "button": (lambda r: r.button("vote"), 2),
    "form": (lambda r: r.form("leave"), 2),
    "dynamic select": (lambda r: r.dynamic_select("leave", "who"), 3),
    "menu": (lambda r: r.menu("Tickets"), 1),
    "sub-action": (lambda r: r.menu("Tickets", sub_action="Open"), 1),
    "suggestion": (lambda r: r.suggestion("ping"), 2),
    "welcome": (lambda r: r.welcome(), 1),
}


def _async_taking(n: int) -> Callable[..., Any]:
    names = ", ".join(f"a{i}" for i in range(n))
    space: dict[str, Any] = {}
    exec(f"async def listener({names}):\n    return None", space)
    return space["listener"]  # type: ignore[no-any-return]


def _plain_taking(n: int) -> Callable[..., Any]:
    names = ", ".join(f"a{i}" for i in range(n))
    space: dict[str, Any] = {}
    exec(f"def listener({names}):\n    return None", space)
    return space["listener"]  # type: ignore[no-any-return]


@pytest.mark.parametrize("kind", KINDS)
def test_the_right_shape_registers(kind: str) -> None:
    register, arity = KINDS[kind]
    listener = _async_taking(arity)
    assert register(Router())(listener) is listener


@pytest.mark.parametrize("kind", KINDS)
def test_a_plain_def_is_refused_at_registration(kind: str) -> None:
    register, arity = KINDS[kind]
    router = Router()
    with pytest.raises(ListenerError, match="must be a coroutine function: async def"):
        register(router)(_plain_taking(arity))
    assert _routes(router) == 0  # nothing half-registered


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("off_by", [-1, 1])
def test_the_wrong_arity_is_refused_at_registration(kind: str, off_by: int) -> None:
    register, arity = KINDS[kind]
    router = Router()
    with pytest.raises(ListenerError, match=f"must take {arity} positional argument"):
        register(router)(_async_taking(arity + off_by))
    assert _routes(router) == 0


def test_defaults_and_varargs_are_accepted() -> None:
    router = Router()

    @router.command("ping")
    async def ping(ctx: Any, args: str, extra: int = 0) -> str:
        return "pong"

    @router.keyword("hello")
    async def hello(*parts: Any) -> str:
        return "hi"

    assert len(router.commands) == 1 and len(router.keywords) == 1


def test_a_keyword_with_string_and_regex_patterns_needs_both_shapes() -> None:
    router = Router()
    with pytest.raises(ListenerError, match="regex keyword"):
        router.keyword("hello", re.compile("hi"))(_async_taking(1))
    assert router.keywords == []


def _routes(router: Router) -> int:
    return sum(
        len(getattr(router, part))
        for part in (
            "commands",
            "keywords",
            "buttons",
            "forms",
            "dynamic_selects",
            "menus",
            "suggestions",
            "welcomes",
        )
    )
