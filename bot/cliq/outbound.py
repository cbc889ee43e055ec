"""What every outbound Cliq object shares: a compiled base, its field checks and its JSON.

`message.py` (messages, cards, banners, suggestions) and `form.py` (forms and form errors) both
build on `Outbound`; neither imports the other. The limits themselves live in `limits.py`, each
with the Cliq document that sets it.

An `Outbound` is a `msgspec.Struct` (frozen, keyword-only): it is built, compared, hashed and
encoded to JSON in C. A subclass declares its fields as annotations (`label: ButtonLabel`,
`key: str | None = None`); the base writes, for that class alone (when its first object is
built), a `__post_init__` checking each field with plain statements: its type, Cliq's limit on
it, and single-line text escaped; the usual case of a list (text needing no escape, objects of
the right class) in one loop, anything else the careful way, which gives each refusal its
message. A class's own rules that span fields go in `_check(self)`, run last. Each subclass
says `kw_only=True` (msgspec takes it per class). There is no metaclass of our own: CPython 3.11
calls a class whose metaclass is written in Python the slow way (its keywords made a dict).
Every refusal is an `OutboundError` (a ValueError) naming the class, the field and Cliq's limit.
JSON leaves out the fields set to None and keeps the declared order (msgspec's `omit_defaults`:
every optional field defaults to None; a default that must be sent, such as a button's `"+"`,
is declared with `sent(...)`).

Outbound objects are left out of Python's cycle collector (msgspec's `gc=False`: cheaper to
make, and no collector pass counts them); they hold text, numbers, lists, dicts and one another,
built before the object that holds them, so they form no cycles (a list put back into itself
after the fact would only stay in memory). Our own classmethods that build the usual object from
parts already checked (`Button.invoke`, `LabelSlide.of`) may copy a checked object (`__copy__`,
which runs no checks) and set the fields they checked themselves (`force_setattr`); they fall back
to the constructor for anything else, so they build exactly what it builds, or refuse the same.

Why not pydantic: one `BaseModel` costs 5-11 k CPU instructions to build and 2-4 k to serialise
whatever its checks, so a ticket card (7 objects) cost ~200 k instructions, most of a request's
budget (README, "Instructions per request"); a Struct costs ~1.5 k to build plus its checks.

The type forms a field may take: `str`, `bool`, `int`, `float`, `Any`, `Literal[...]`, an
Outbound class or a union of them, `list[...]` or `Sequence[...]` (held as a list),
`dict[str, ...]`, `X | None`, and
`Annotated[X, ...]` with the markers `Limit`/`chars` (limits.py), `SingleLine` and `Convert`.
"""

from __future__ import annotations

import inspect
import sys
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from typing import (
    TYPE_CHECKING,
    Annotated,
    Any,
    Literal,
    Self,
    TypeVar,
    Union,
    dataclass_transform,
    overload,
)

import msgspec
from msgspec.structs import force_setattr

from bot.cliq.limits import Limit
from bot.cliq.markup import _ANYTHING_TO_DO_IN_A_LINE, needs_escape, plain

T = TypeVar("T")


class OutboundError(ValueError):
    """A Cliq limit or shape rule that an outbound object breaks; the message names the class,
    the field and the limit ("Button.label: button label is at most 20 characters (Cliq
    limit), got 21: …")."""


# --- field markers -----------------------------------------------------------------------


class _Sent:
    """A default that is sent in the JSON (see `sent`)."""

    __slots__ = ("factory", "value")

    def __init__(self, value: Any, factory: Callable[[], Any] | None) -> None:
        self.value = value
        self.factory = factory


@overload
def sent(value: T) -> T: ...
@overload
def sent(*, factory: Callable[[], T]) -> T: ...
def sent(value: Any = None, *, factory: Callable[[], Any] | None = None) -> Any:
    """A field's default that Cliq's JSON carries even when it was not given (a button's
    `type="+"`, a slide's `type`, a form's `version=1`; `factory` for a new dict or list each
    time). Without it a field left at its default would be left out of the JSON."""
    return _Sent(value, factory)


class SingleLine:
    """An `Annotated` marker for a single-line field shown literally:
    `Annotated[str, chars("card title", 200), SingleLine(200)]`.

    A plain string holding a character Cliq's markup reads (bot/cliq/markup.py) is escaped
    before the field's limit is checked; our `Markup` is never escaped. Escaping only adds
    characters, so a value within `limit` that escaping pushed past it is cut (ending "…")
    rather than refused; a value already too long is refused by the limit."""

    __slots__ = ("limit",)

    def __init__(self, limit: int | None = None) -> None:
        self.limit = limit


class Convert:
    """An `Annotated` marker: `fn(value)` runs before the field's checks, turning the shapes a
    caller may pass (the annotation, for the type checker) into `stored`, the type the field
    holds and is checked as (e.g. a select's options from plain strings into `list[Option]`)."""

    __slots__ = ("fn", "stored")

    def __init__(self, fn: Callable[[Any], Any], stored: Any) -> None:
        self.fn = fn
        self.stored = stored


def at_most(what: str, limit: int, value: str | None) -> str | None:
    """`value` unchanged if it has at most `limit` characters (None passes).

    Raises OutboundError naming `what` and the Cliq limit otherwise."""
    if value is not None and len(value) > limit:
        shown = value if len(value) <= 40 else value[:37] + "…"
        raise OutboundError(
            f"{what} is at most {limit} characters (Cliq limit), got {len(value)}: {shown!r}"
        )
    return value


def literal(value: Any, limit: int | None = None) -> Any:
    """A single-line field's text, shown literally (escaped unless it is our `Markup`).

    Escaping only adds characters, so a value within `limit` that escaping pushed past it is cut
    (ending "…") rather than refused; a value already too long is left for the limit check."""
    if not isinstance(value, str) or not needs_escape(value, block=False):
        return value  # (the usual case, kept cheap: every label and cell comes through here)
    shown = plain(value)
    if limit is not None and len(value) <= limit < len(shown):
        shown = shown[: limit - 1] + "…"
    return shown


needs_line_escape = _ANYTHING_TO_DO_IN_A_LINE.search
"""`needs_line_escape(text)`: the first character of `text` a single-line rule looks at (a
match, from a C regex), or None when `literal(text)` would give `text` back (nearly all text)."""


# --- the base ----------------------------------------------------------------------------


def _as_str(value: Any) -> str:
    """msgspec's hook for what it cannot encode itself: our `Markup` (a str subclass)."""
    if isinstance(value, str):
        return str(value)
    raise NotImplementedError(f"not JSON: {type(value).__name__}")


encode = msgspec.json.Encoder(enc_hook=_as_str).encode
"""JSON bytes of an outbound object, or of a list or dict holding them (msgspec, in C)."""
_decode = msgspec.json.decode


def _placeholder(self: Any) -> None:
    # `_first` is found in the globals each class's copy of this code is given (see
    # `Outbound.__init_subclass__`): it compiles the class's checks, then runs them.
    _first(self)  # type: ignore[name-defined]  # noqa: F821


_PLACEHOLDER = _placeholder.__code__


@dataclass_transform(kw_only_default=True, frozen_default=True, field_specifiers=(msgspec.field,))
class Outbound(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True, gc=False):
    """A reply or post in Cliq's JSON shape: checked when built, frozen, compared by value.

    Build one with its keyword arguments (unknown or missing ones are a TypeError, a broken
    limit an `OutboundError`); `replace(**changes)` gives a changed copy (checked again);
    `to_json()` / `to_wire()` give Cliq's JSON; `from_wire(dict)` reads Cliq's JSON back,
    refusing unknown keys."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Gives the new class a `__post_init__` of its own (msgspec reads it now), which
        compiles the class's checks into itself when the first object is built (the fields are
        known only once msgspec has made the class). A class's own rules go in `_check`."""
        super().__init_subclass__(**kwargs)
        if "__post_init__" in cls.__dict__:
            raise TypeError(f"{cls.__name__}: put the class's own rules in _check")
        space: dict[str, Any] = {}
        post_init = types.FunctionType(_PLACEHOLDER, space, "__post_init__")
        frame = sys._getframe(1)  # where the class statement runs
        # (the names of a function the class is made in; a module's are read live)
        local = {} if frame.f_locals is frame.f_globals else dict(frame.f_locals)

        def compile_now() -> None:
            if cls not in _HINTS:
                _compile(cls, post_init, space, local)

        def first(self: Outbound) -> None:
            compile_now()
            post_init(self)

        space["_first"] = first
        _PENDING[cls] = compile_now
        cls.__post_init__ = post_init  # type: ignore[attr-defined]

    if TYPE_CHECKING:  # (msgspec's, in C; its stubs leave it out)

        def __copy__(self) -> Self:
            """A shallow copy, made without running the checks again: only for our own
            classmethods, which then set fields they checked themselves (`force_setattr`)."""
            ...

    def _check(self) -> None:
        """The class's rules that span fields (run after the field checks); none here."""

    def to_wire(self) -> dict[str, Any]:
        """Cliq's JSON as a new dict (unset fields left out), as `to_json()` encodes it."""
        wire: dict[str, Any] = _decode(encode(self))
        return wire

    def to_json(self) -> bytes:
        """Cliq's JSON as UTF-8 bytes (the hot path of every reply): fields set to None left
        out, the others in their declared order."""
        return encode(self)

    def replace(self, **changes: Any) -> Self:
        """A copy with `changes` (field name → new value), every check run again.

        Raises TypeError for an unknown field, OutboundError for a broken limit."""
        values = {name: getattr(self, name) for name in self.__struct_fields__}
        values.update(changes)
        return type(self)(**values)

    @classmethod
    def from_wire(cls, data: Any) -> Self:
        """The object Cliq's JSON `data` (a dict, as `to_wire()` gives) describes, with every
        check of the constructor; nested objects are read as their field's class (a union by
        its `type`). Raises OutboundError for unknown or missing keys, a wrong shape or a
        broken limit."""
        if not isinstance(data, Mapping):
            raise OutboundError(f"{cls.__name__}: expected an object, got {type(data).__name__}")
        hints = _hints(cls)
        extra = [key for key in data if key not in hints]
        if extra:
            raise OutboundError(f"{cls.__name__}: extra keys not permitted: {sorted(extra)}")
        values = {key: _read(hints[key], value) for key, value in data.items()}
        try:
            return cls(**values)
        except TypeError as exc:  # a required key missing
            raise OutboundError(f"{cls.__name__}: {exc}") from None


_HINTS: dict[type[Outbound], dict[str, Any]] = {}
"""Each compiled class's fields and their types (with `Annotated` markers), in order."""

_PENDING: dict[type[Outbound], Callable[[], None]] = {}
"""How to compile each class (run at its first object, or when its fields are asked for)."""


def _hints(cls: type[Outbound]) -> dict[str, Any]:
    if cls not in _HINTS:
        _PENDING[cls]()
    return _HINTS[cls]


# --- the compiler ------------------------------------------------------------------------


def _compile(
    cls: type[Outbound],
    post_init: types.FunctionType,
    space: dict[str, Any],
    local: Mapping[str, Any],
) -> None:
    """Write `cls`'s `__post_init__` (into `post_init`, which msgspec already holds) from its
    annotations and its bases'."""
    module = sys.modules[cls.__module__].__dict__
    hints: dict[str, Any] = {}
    for base in reversed(cls.__mro__):
        if base is not cls and base in _PENDING:  # (read where that class was written)
            hints.update(_hints(base))
            continue
        for name, annotation in inspect.get_annotations(base).items():
            if name in cls.__struct_fields__:
                hints[name] = (
                    eval(annotation, module, dict(local))
                    if isinstance(annotation, str)
                    else annotation
                )
    hints = {name: hints[name] for name in cls.__struct_fields__}
    _HINTS[cls] = hints
    defaults = (
        dict(
            zip(
                cls.__struct_fields__[-len(cls.__struct_defaults__) :],
                cls.__struct_defaults__,
                strict=True,
            )
        )
        if cls.__struct_defaults__
        else {}
    )
    space.update(_CHECK_NAMES, _list=list, _dict=dict, _force=force_setattr, _ValueError=ValueError)
    body: list[str] = []
    for name, default in defaults.items():
        if isinstance(default, _Sent):
            space[f"_m_{name}"] = default
            fill = f"_m_{name}.factory()" if default.factory else f"_m_{name}.value"
            body.append(f"if self.{name} is _m_{name}: _force(self, {name!r}, {fill})")
    for name, tp in hints.items():
        body.append(f"{name} = self.{name}")
        body.extend(_field_code(cls.__name__, name, tp, space))
    if cls._check is not Outbound._check:
        body.append("self._check()")
    source = "def __post_init__(self):\n" + "".join(f"    {line}\n" for line in body or ["pass"])
    exec(source, space)
    post_init.__code__ = space["__post_init__"].__code__
    post_init.__qualname__ = f"{cls.__qualname__}.__post_init__"
    post_init.__doc__ = f"Checks a new {cls.__name__} against Cliq's limits."


def _strip(tp: Any) -> tuple[Any, list[Any]]:
    """`Annotated[X, *meta]` → (X, meta); anything else → (tp, [])."""
    if typing.get_origin(tp) is Annotated:
        return tp.__origin__, list(tp.__metadata__)
    return tp, []


def _union_args(tp: Any) -> tuple[Any, ...] | None:
    if typing.get_origin(tp) in (Union, types.UnionType):
        return typing.get_args(tp)
    return None


def _optional(tp: Any) -> bool:
    args = _union_args(_strip(tp)[0])
    return args is not None and type(None) in args


def _without_none(tp: Any) -> Any:
    """`X | None` → X (an `Annotated` kept around X); anything else as it is."""
    inner, meta = _strip(tp)
    args = _union_args(inner)
    if args is None or type(None) not in args:
        return tp
    rest = tuple(a for a in args if a is not type(None))
    bare = rest[0] if len(rest) == 1 else Union[rest]  # noqa: UP007 (a runtime union of types)
    return Annotated[(bare, *meta)] if meta else bare


def _classes(tp: Any) -> tuple[type[Outbound], ...] | None:
    """The Outbound classes `tp` is (one or a union), or None."""
    bare = _strip(_without_none(tp))[0]
    options = _union_args(bare) or (bare,)
    if all(isinstance(o, type) and issubclass(o, Outbound) for o in options):
        return tuple(options)
    return None


def _field_code(owner: str, name: str, tp: Any, space: dict[str, Any]) -> list[str]:
    """The statements of `__post_init__` checking field `name` (read into a local of that
    name) of type `tp`; a value they change (single-line text escaped, a whole number as a
    float, a converted list) is stored back with msgspec's `force_setattr`."""
    where = f"{owner}.{name}"
    optional = _optional(tp)
    bare, meta = _strip(_without_none(tp))
    store = f"_force(self, {name!r}, {name})"
    code = _scalar_code(where, name, bare, meta, space, store)
    if code is None:
        space[f"_k_{name}"] = _checker(where, _without_none(tp))
        careful = [f"_v = _k_{name}({name})", f"if _v is not {name}: _force(self, {name!r}, _v)"]
        quick = _quick_container_code(name, bare, meta, space)
        if quick is None:
            code = careful
        else:  # the usual case checked inline; anything else (or wrong) the careful way
            code = [*quick, "if _slow:", *(f"    {line}" for line in careful)]
    if optional:
        return [f"if {name} is not None:", *(f"    {line}" for line in code)]
    return code


def _quick_container_code(
    var: str, bare: Any, meta: list[Any], space: dict[str, Any]
) -> list[str] | None:
    """Inline statements setting `_slow` False when the container in `var` is, as nearly always,
    a list (or dict) of plain values that need no change and break no rule: a list of objects
    of the right classes, of text needing no escape, or of dicts of such text (label pairs, table
    rows), within its limits. None for shapes left to the careful check."""
    sized = [m for m in meta if isinstance(m, Limit)]
    bounds = [_outside(f"_len({var})", m) for m in sized]
    origin = typing.get_origin(bare)
    if any(isinstance(m, Convert) for m in meta):
        return None
    if origin in (list, Sequence):
        item = typing.get_args(bare)[0]
        item_bare, item_meta = _strip(item)
        classes = _classes(item)
        code = [f"_slow = {var}.__class__ is not _list" + "".join(f" or {b}" for b in bounds)]
        if classes is not None:
            space[f"_cls_{var}"] = classes[0] if len(classes) == 1 else classes
            if len(classes) == 1:  # (a class test before `isinstance`)
                test = f"_i.__class__ is not _cls_{var} and not _isinstance(_i, _cls_{var})"
            else:
                space[f"_exact_{var}"] = frozenset(classes)
                test = f"_i.__class__ not in _exact_{var} and not _isinstance(_i, _cls_{var})"
            return [*code, *_scan(var, test)]
        if item_bare is str and not [m for m in item_meta if isinstance(m, Limit)]:
            line = any(isinstance(m, SingleLine) for m in item_meta)
            test = "_i.__class__ is not _str" + (
                " or not _i.isalnum() and _line(_i) is not None" if line else ""
            )
            return [*code, *_scan(var, test)]
        if typing.get_origin(item_bare) is dict:
            pair = _quick_text_pair(typing.get_args(item_bare))
            if pair is None:
                return None
            item_limits = [m for m in item_meta if isinstance(m, Limit)]
            if [(m.at_least, m.at_most) for m in item_limits] == [(1, 1)]:
                # One pair a dict (label slides): unpacked, a ValueError if not exactly one.
                return [
                    *code,
                    "if not _slow:",
                    "    try:",
                    f"        for _i in {var}:",
                    "            if _i.__class__ is not _dict:",
                    "                _slow = True",
                    "                break",
                    "            ((_k, _x),) = _i.items()",
                    f"            if {pair}:",
                    "                _slow = True",
                    "                break",
                    "    except _ValueError:",
                    "        _slow = True",
                ]
            item_bounds = [f" or not {m.at_least} <= _len(_i) <= {m.at_most}" for m in item_limits]
            return [
                *code,
                "if not _slow:",
                f"    for _i in {var}:",
                "        if _i.__class__ is not _dict" + "".join(item_bounds) + ":",
                "            _slow = True",
                "            break",
                "        for _k, _x in _i.items():",
                f"            if {pair}:",
                "                _slow = True",
                "                break",
                "        if _slow:",
                "            break",
            ]
        return None
    if origin is dict:
        pair = _quick_text_pair(typing.get_args(bare))
        if pair is None:
            return None
        code = [f"_slow = {var}.__class__ is not _dict" + "".join(f" or {b}" for b in bounds)]
        return [
            *code,
            "if not _slow:",
            f"    for _k, _x in {var}.items():",
            f"        if {pair}:",
            "            _slow = True",
            "            break",
        ]
    return None


def _outside(size: str, limit: Limit) -> str:
    """The test that `size` (an expression) breaks `limit`."""
    if limit.at_least:
        return f"not {limit.at_least} <= {size} <= {limit.at_most}"
    return f"{size} > {limit.at_most}"


def _quick_text_pair(args: tuple[Any, ...]) -> str | None:
    """The test of a text → text dict's `_k`, `_x` that sends it the careful way: not plain
    text, or (single-line) text holding a character to escape. None for other dicts."""
    (key, key_meta), (value, value_meta) = _strip(args[0]), _strip(args[1])
    if key is not str or value is not str:
        return None
    if [m for m in (*key_meta, *value_meta) if isinstance(m, Limit)]:
        return None
    test = "_k.__class__ is not _str or _x.__class__ is not _str"
    key_line = any(isinstance(m, SingleLine) for m in key_meta)
    value_line = any(isinstance(m, SingleLine) for m in value_meta)
    if key_line and value_line:
        return (
            test
            + " or not _k.isalnum() and _line(_k) is not None"
            + " or not _x.isalnum() and _line(_x) is not None"
        )
    if key_line:
        return test + " or not _k.isalnum() and _line(_k) is not None"
    if value_line:
        return test + " or not _x.isalnum() and _line(_x) is not None"
    return test


def _scalar_code(
    where: str, var: str, bare: Any, meta: list[Any], space: dict[str, Any], store: str = ""
) -> list[str] | None:
    """Inline statements for a str/bool/int/float/Literal/object value in local `var`, or None
    (a closure then checks it); `store` is run after `var` changed."""
    if any(isinstance(m, Convert) for m in meta):
        return None
    error = f"_err_{var}"
    if bare is str:
        space[error] = _type_error(where, "text")
        code = [f"if not _isinstance({var}, _str): raise {error}({var})"]
        code += _text_code(where, var, meta, space, store)
        if not store:
            return code
        # A field: one test for the usual case (plain text within its limits, nothing to
        # escape), the statements above in a function of their own for anything else.
        quick = f"{var}.__class__ is not _str"
        for marker in meta:
            if isinstance(marker, Limit):
                quick += " or " + _outside(f"_len({var})", marker)
            if isinstance(marker, SingleLine):
                quick += f" or not {var}.isalnum() and _line({var}) is not None"
        careful = f"_c_{var}"
        source = f"def {careful}(self, {var}):\n" + "".join(f"    {line}\n" for line in code)
        exec(source + f"    return {var}\n", space)
        return [f"if {quick}: {var} = {careful}(self, {var})"]
    if bare is bool:
        space[error] = _type_error(where, "true or false")
        return [f"if {var}.__class__ is not _bool: raise {error}({var})"]
    if bare is int:
        space[error] = _type_error(where, "a whole number")
        code = [
            f"if not _isinstance({var}, _int) or {var}.__class__ is _bool: raise {error}({var})"
        ]
        return code + _number_code(where, var, meta, space)
    if bare is float:  # a whole number is taken as a float (and sent as `5.0`)
        space[error] = _type_error(where, "a number")
        code = [
            f"if {var}.__class__ is not _float:",
            f"    if not _isinstance({var}, _int) or {var}.__class__ is _bool: raise {error}({var})",
            f"    {var} = _float({var})",
        ]
        if store:
            code.append(f"    {store}")
        return code + _number_code(where, var, meta, space)
    if typing.get_origin(bare) is Literal:
        allowed = typing.get_args(bare)
        space[f"_lit_{var}"] = frozenset(allowed)
        space[error] = _literal_error(where, allowed)
        return [f"if {var} not in _lit_{var}: raise {error}({var})"]
    classes = _classes(bare)
    if classes is not None:
        space[f"_cls_{var}"] = classes[0] if len(classes) == 1 else classes
        space[error] = _type_error(where, " or ".join(c.__name__ for c in classes))
        test = f"not _isinstance({var}, _cls_{var})"
        if len(classes) == 1:  # (a class test before `isinstance`)
            test = f"{var}.__class__ is not _cls_{var} and {test}"
        return [f"if {test}: raise {error}({var})"]
    return None


def _text_code(
    where: str, var: str, meta: list[Any], space: dict[str, Any], store: str
) -> list[str]:
    code: list[str] = []
    for marker in meta:
        if isinstance(marker, SingleLine):
            # (`isalnum` first: a word, in any script, holds nothing to escape, and costs a
            # third of the regular expression's search)
            code.append(f"if not {var}.isalnum() and _line({var}) is not None:")
            code.append(f"    {var} = _literal({var}, {marker.limit!r})")
            if store:
                code.append(f"    {store}")
    for index, marker in enumerate(m for m in meta if isinstance(m, Limit)):
        too_long = f"_long_{var}_{index}"
        space[too_long] = _limit_error(where, marker.message, count=True)
        code.append(f"if _len({var}) > {marker.at_most}: raise {too_long}({var})")
        if marker.at_least:
            too_few = f"_few_{var}_{index}"
            space[too_few] = _limit_error(where, marker.too_few or marker.message, count=False)
            test = f"not {var}" if marker.at_least == 1 else f"_len({var}) < {marker.at_least}"
            code.append(f"if {test}: raise {too_few}({var})")
    return code


def _number_code(where: str, var: str, meta: list[Any], space: dict[str, Any]) -> list[str]:
    code: list[str] = []
    for index, marker in enumerate(m for m in meta if isinstance(m, Limit)):
        error = f"_range_{var}_{index}"
        space[error] = _limit_error(where, marker.message, count=False)
        code.append(f"if {var} > {marker.at_most}: raise {error}({var})")
        if marker.at_least:
            code.append(f"if {var} < {marker.at_least}: raise {error}({var})")
    code.append(f"if {var} != {var} or {var} in _INFINITE: raise _E({where + ': not a number'!r})")
    return code


def _type_error(where: str, wanted: str) -> Callable[[Any], OutboundError]:
    def error(value: Any) -> OutboundError:
        return OutboundError(f"{where} must be {wanted}, got {type(value).__name__}: {value!r:.60}")

    return error


def _literal_error(where: str, allowed: tuple[Any, ...]) -> Callable[[Any], OutboundError]:
    def error(value: Any) -> OutboundError:
        shown = ", ".join(repr(a) for a in allowed)
        return OutboundError(f"{where} must be one of {shown}, got {value!r:.60}")

    return error


def _limit_error(where: str, message: str, *, count: bool) -> Callable[[Any], OutboundError]:
    def error(value: Any) -> OutboundError:
        if count and isinstance(value, str):
            shown = value if len(value) <= 40 else value[:37] + "…"
            return OutboundError(f"{where}: {message}, got {len(value)}: {shown!r}")
        if count:
            return OutboundError(f"{where}: {message}, got {len(value)}")
        return OutboundError(f"{where}: {message}, got {value!r:.60}")

    return error


def _checker(where: str, tp: Any) -> Callable[[Any], Any]:
    """A function checking (and converting, for `Convert` and single-line text) one value of
    type `tp`, for containers and their items; returns the value to store."""
    if _optional(tp):
        inner = _checker(where, _without_none(tp))
        return lambda value: None if value is None else inner(value)
    bare, meta = _strip(tp)
    converts = [m for m in meta if isinstance(m, Convert)]
    meta = [m for m in meta if not isinstance(m, Convert)]
    if converts:
        bare = converts[0].stored
    space: dict[str, Any] = {}
    scalar = _scalar_code(where, "v", bare, meta, space)
    if scalar is not None:
        check = _function(scalar, space)
    elif typing.get_origin(bare) in (list, Sequence):
        check = _list_checker(where, typing.get_args(bare)[0], meta)
    elif typing.get_origin(bare) is dict:
        check = _dict_checker(where, typing.get_args(bare), meta)
    elif bare is Any:
        check = _same
    else:
        raise TypeError(f"{where}: the outbound layer has no check for {bare!r}")
    if not converts:
        return check
    convert = converts[0].fn
    return lambda value: check(convert(value))


def _same(value: Any) -> Any:
    return value


_CHECK_NAMES: dict[str, Any] = {
    "_E": OutboundError,
    "_isinstance": isinstance,
    "_len": len,
    "_str": str,
    "_bool": bool,
    "_int": int,
    "_float": float,
    "_line": needs_line_escape,
    "_literal": literal,
    "_INFINITE": (float("inf"), float("-inf")),
}
"""The names the generated checks read (bound once, so a check looks them up as globals)."""


def _scan(var: str, test: str) -> list[str]:
    """Generated lines that set `_slow` when any item `_i` of the list `var` fails `test`."""
    return [
        "if not _slow:",
        f"    for _i in {var}:",
        f"        if {test}:",
        "            _slow = True",
        "            break",
    ]


def _function(code: list[str], space: dict[str, Any]) -> Callable[[Any], Any]:
    space.update(_CHECK_NAMES)
    source = "def check(v):\n" + "".join(f"    {line}\n" for line in code) + "    return v\n"
    exec(source, space)
    check: Callable[[Any], Any] = space["check"]
    return check


def _sized(where: str, meta: list[Any]) -> Callable[[Any], None] | None:
    limits_ = [m for m in meta if isinstance(m, Limit)]
    if not limits_:
        return None

    def check(value: Any) -> None:
        for limit in limits_:
            if len(value) > limit.at_most:
                raise OutboundError(f"{where}: {limit.message}, got {len(value)}")
            if len(value) < limit.at_least:
                raise OutboundError(f"{where}: {limit.too_few or limit.message}, got {len(value)}")

    return check


def _list_checker(where: str, item: Any, meta: list[Any]) -> Callable[[Any], Any]:
    sized = _sized(where, meta)
    classes = _classes(item)
    wanted = _type_error(where, "a list")
    if classes is not None:
        kinds = classes[0] if len(classes) == 1 else classes
        bad = _type_error(f"{where} item", " or ".join(c.__name__ for c in classes))

        def objects(value: Any) -> Any:
            if value.__class__ is not list:
                if not isinstance(value, list | tuple):
                    raise wanted(value)
                value = list(value)
            for one in value:
                if not isinstance(one, kinds):
                    raise bad(one)
            if sized is not None:
                sized(value)
            return value

        return objects
    check_item = _checker(f"{where} item", item)

    def items(value: Any) -> Any:
        if not isinstance(value, list | tuple):
            raise wanted(value)
        value = [check_item(one) for one in value]
        if sized is not None:
            sized(value)
        return value

    return items


def _dict_checker(where: str, args: tuple[Any, Any], meta: list[Any]) -> Callable[[Any], Any]:
    sized = _sized(where, meta)
    wanted = _type_error(where, "an object")
    key_type, value_type = args
    if _strip(key_type)[0] is str and _strip(value_type)[0] is str:
        # text → text (label pairs, table rows, action data): the one shape on the hot path,
        # checked in one loop; single-line escaping only where a character calls for it.
        keys_line = any(isinstance(m, SingleLine) for m in _strip(key_type)[1])
        values_line = any(isinstance(m, SingleLine) for m in _strip(value_type)[1])
        bad = _type_error(f"{where} key and value", "text")

        def texts(value: Any) -> Any:
            if not isinstance(value, dict):
                raise wanted(value)
            escape = False
            for key, item in value.items():
                if not (isinstance(key, str) and isinstance(item, str)):
                    raise bad(item if isinstance(key, str) else key)
                if (keys_line and needs_line_escape(key) is not None) or (
                    values_line and needs_line_escape(item) is not None
                ):
                    escape = True
            if escape:
                value = {
                    (literal(k) if keys_line else k): (literal(v) if values_line else v)
                    for k, v in value.items()
                }
            if sized is not None:
                sized(value)
            return value

        return texts
    check_key = _checker(f"{where} key", key_type)
    check_value = _checker(f"{where} value", value_type)

    def pairs(value: Any) -> Any:
        if not isinstance(value, dict):
            raise wanted(value)
        value = {check_key(k): check_value(v) for k, v in value.items()}
        if sized is not None:
            sized(value)
        return value

    return pairs


# --- reading Cliq's JSON back ------------------------------------------------------------


def _read(tp: Any, value: Any) -> Any:
    """`value` from Cliq's JSON turned into what the field of type `tp` holds: nested objects
    read by their class's `from_wire` (a union chosen by `type`), lists item by item."""
    if value is None:
        return None
    classes = _classes(tp)
    if classes is not None:
        return _read_object(classes, value) if isinstance(value, Mapping) else value
    bare, meta = _strip(_without_none(tp))
    bare = next((m.stored for m in meta if isinstance(m, Convert)), bare)
    if typing.get_origin(bare) in (list, Sequence) and isinstance(value, list):
        item = typing.get_args(bare)[0]
        if _classes(item) is not None:
            return [_read(item, one) for one in value]
    return value


def _read_object(classes: tuple[type[Outbound], ...], value: Mapping[str, Any]) -> Outbound:
    if len(classes) == 1:
        return classes[0].from_wire(value)
    kind = value.get("type")
    for cls in classes:
        allowed = _strip(_without_none(_hints(cls).get("type", Any)))[0]
        if typing.get_origin(allowed) is Literal and kind in typing.get_args(allowed):
            return cls.from_wire(value)
    names = sorted(
        str(a) for cls in classes for a in typing.get_args(_strip(_hints(cls).get("type", Any))[0])
    )
    raise OutboundError(f"unknown type {kind!r}: expected one of {names}")


__all__ = [
    "Convert",
    "Outbound",
    "OutboundError",
    "SingleLine",
    "at_most",
    "encode",
    "literal",
    "needs_line_escape",
    "sent",
]
