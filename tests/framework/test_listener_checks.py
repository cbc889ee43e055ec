"""Listeners are checked when registered: a plain `def`, or a listener that cannot take the
arguments of its kind of call, or one answering a call another listener answers, raises
ListenerError at import time, naming the shape wanted; `Bot(...)` refuses hooks it could not call."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from bot.framework import Bot, FrozenClock, HmacVerifier, ListenerError, Router, make_web_app

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
    with pytest.raises(ListenerError, match=f"must take {arity} positional argument") as raised:
        register(router)(_async_taking(arity + off_by))
    assert _routes(router) == 0
    # It says how the listener is declared, not Python's "too many positional arguments".
    declared = ", ".join(f"a{i}" for i in range(arity + off_by))
    assert str(raised.value).endswith(f"it is declared listener({declared})")


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


# kind → registering a listener for the same call again, spelt as a person might
AGAIN: dict[str, tuple[Callable[[Router], Callable[[Any], Any]], int]] = {
    "command": (lambda r: r.command("/PING"), 2),
    "keyword": (lambda r: r.keyword("  Hello "), 1),
    "regex keyword": (lambda r: r.keyword(re.compile(r"#(\d+)")), 2),
    "button": (lambda r: r.button("vote"), 2),
    "form": (lambda r: r.form("leave"), 2),
    "dynamic select": (lambda r: r.dynamic_select("leave", "who"), 3),
    "suggestion": (lambda r: r.suggestion("/ping"), 2),
    "welcome": (lambda r: r.welcome(), 1),
}


@pytest.mark.parametrize("kind", AGAIN)
def test_a_second_listener_for_the_same_call_is_refused_at_registration(kind: str) -> None:
    register, arity = KINDS[kind]
    again, _ = AGAIN[kind]
    router = Router()
    register(router)(_async_taking(arity))
    with pytest.raises(ListenerError, match=f"^{kind} .* is registered twice"):
        again(router)(_async_taking(arity))
    assert _routes(router) == 1  # the first stays, nothing half-registered


@pytest.mark.parametrize("kind", AGAIN)
def test_two_routers_answering_the_same_call_are_refused_by_include(kind: str) -> None:
    register, arity = KINDS[kind]
    again, _ = AGAIN[kind]
    first, second = Router(), Router()
    register(first)(_async_taking(arity))
    again(second)(_async_taking(arity))
    bot = Bot().include(first)
    with pytest.raises(ListenerError, match="only the first would ever run"):
        bot.include(second)
    assert _routes(bot.router) == 1
    with pytest.raises(ListenerError, match="include its router once"):
        Bot().include(first, first)


def test_different_calls_of_one_kind_register() -> None:
    router = Router()
    router.keyword("hello", "hello there")(_async_taking(1))
    router.keyword(re.compile("a"), re.compile("a", re.IGNORECASE))(_async_taking(2))
    router.dynamic_select("leave", "who")(_async_taking(3))
    router.dynamic_select("leave", "whom")(_async_taking(3))
    Bot().include(router)
    assert _routes(router) == 6


def test_include_takes_routers_only() -> None:
    with pytest.raises(TypeError, match=r"Bot\.include takes Routers, got function"):
        Bot().include(_async_taking(2))  # type: ignore[arg-type]


async def _late(envelope: Any, output: bytes) -> None:
    return None


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"deadline": 0}, "positive number of seconds, got 0"),
        ({"deadline": -1.5}, "positive number of seconds, got -1.5"),
        ({"deadline": "10"}, "positive number of seconds, got '10'"),
        ({"late_reply": lambda envelope, output: None}, r"late_reply=\.\.\.\) must be a coroutine"),
        ({"error_replies": {"KeyError": str}}, "keys are exception classes, got 'KeyError'"),
        ({"error_replies": {KeyError: "no such key"}}, r"\[KeyError\] must be reply\(exc\)"),
        ({"error_replies": {KeyError: lambda a, b, c: ""}}, r"got <lambda>\(a, b, c\)"),
        ({"error_replies": {KeyError: lambda: ""}}, r"got <lambda>\(\)"),
    ],
)
def test_bot_refuses_hooks_it_could_not_call(given: dict[str, Any], message: str) -> None:
    with pytest.raises((TypeError, ValueError), match=message):
        Bot(**given)


def test_bot_takes_the_hooks_it_can_call() -> None:
    class Late:
        async def __call__(self, envelope: Any, output: bytes) -> None:
            return None

    async def for_you(exc: Exception, ctx: Any) -> str:
        return ""

    replies = {KeyError: str, LookupError: lambda exc: "", OSError: for_you}
    for late in (_late, Late()):
        bot = Bot(deadline=0.01, late_reply=late, error_replies=replies)
        assert bot.deadline == 0.01


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


@pytest.mark.parametrize(
    ("name", "takes", "refused"),
    [
        ("my pizza", None, "a command name is one word, as typed after the slash: got 'my pizza'"),
        ("/", None, "got ''"),
        ("", None, "got ''"),
        ("plan", {"Start": 0}, "sub-commands are lower-case single words"),
        ("plan", {"start now": 0}, "got 'start now'"),
        ("plan", {"start": -1}, "how many words may follow (0 or more) or None; got -1"),
        ("plan", {"start": "1"}, "got '1'"),
        ("plan", {}, "a number of words, None, or {sub-command: words}; got {}"),
        ("plan", -2, "got -2"),
        ("plan", True, "got True"),
        ("plan", "start", "got 'start'"),
    ],
)
def test_a_command_that_could_never_be_typed_is_refused_at_registration(
    name: str, takes: Any, refused: str
) -> None:
    router = Router()
    with pytest.raises(ValueError, match=re.escape(refused)):
        router.command(name, takes=takes)
    assert router.commands == []


def test_the_commands_takes_forms_register() -> None:
    router = Router()
    for n, takes in enumerate([None, 0, 3, {"": 0, "start": None, "skip": 1, "*": 2}]):
        router.command(f"plan{n}", takes=takes)(_async_taking(2))
    assert len(router.commands) == 4


@pytest.mark.parametrize(
    ("register", "refused"),
    [
        (
            lambda r: r.suggestion("/Team")(_async_taking(2)),
            "suggestion listener listener is for /team, which no command listener answers",
        ),
        (
            lambda r: r.dynamic_select("fly", "to")(_async_taking(3)),
            "dynamic select listener listener is for form 'fly', which no form listener",
        ),
    ],
)
def test_a_listener_nothing_else_leads_to_is_refused_by_make_web_app(
    register: Callable[[Router], Any], refused: str
) -> None:
    router = Router()
    register(router)
    with pytest.raises(ListenerError, match=refused):
        make_web_app(Bot().include(router), HmacVerifier("s", FrozenClock()))
    answered = Router()
    answered.command("team")(_async_taking(2))
    answered.form("fly")(_async_taking(2))
    make_web_app(Bot().include(router, answered), HmacVerifier("s", FrozenClock()))


_DEFERRED = """
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

if TYPE_CHECKING:
    from bot.framework import Context  # only for the type checker: unresolvable at run time


class Order(BaseModel):
    count: int


async def with_model(ctx: Context, values: Order) -> str:
    return "ok"


async def with_dict(ctx: Context, values: dict[str, Any]) -> str:
    return "ok"


def local_model() -> Any:
    class Local(BaseModel):
        count: int

    async def with_local(ctx: Any, values: Local) -> str:
        return "ok"

    return with_local
"""


def test_a_form_listener_under_deferred_annotations_finds_its_model_or_says_why() -> None:
    space: dict[str, Any] = {"__name__": "deferred_listeners"}
    exec(_DEFERRED, space)
    router = Router()
    router.form("order")(space["with_model"])  # the context's type needs not resolve
    router.form("free")(space["with_dict"])
    assert [form.model for form in router.forms] == [space["Order"], None]
    with pytest.raises(ListenerError, match="the annotation of values, 'Local', cannot be"):
        router.form("local")(space["local_model"]())
    assert len(router.forms) == 2
