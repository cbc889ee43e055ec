"""The facade's `__all__` is exactly its public names, and every one of them says what it is
(in its own docstring: a class inheriting only its base's, such as pydantic's, says nothing)."""

from __future__ import annotations

import inspect

import bot.framework
import bot.testing


def test_framework_all_is_its_public_names() -> None:
    public = sorted(name for name in vars(bot.framework) if not name.startswith("_"))
    assert bot.framework.__all__ == public


def test_testing_all_is_its_public_names() -> None:
    public = sorted(
        name
        for name, value in vars(bot.testing).items()
        if not name.startswith("_") and not inspect.ismodule(value)
    )
    assert sorted(bot.testing.__all__) == public


def _undocumented(module: object) -> list[str]:
    missing: list[str] = []
    for name in module.__all__:  # type: ignore[attr-defined]
        value = getattr(module, name)
        if not (inspect.isclass(value) or inspect.isfunction(value)):
            continue  # type aliases are documented by the string after them in their module
        if not (inspect.getdoc(value) or "").strip():
            missing.append(name)
            continue
        if inspect.isclass(value) and value.__module__.startswith("bot.") and not _own_doc(value):
            missing.append(name)  # only a base's (pydantic's BaseModel, typing's Protocol…)
            continue
        if inspect.isclass(value) and value.__module__.startswith("bot."):
            own = {k: v for k, v in vars(value).items() if not k.startswith("_") or k == "__init__"}
            for attr, member in own.items():
                func = member.fget if isinstance(member, property) else member
                if not inspect.isfunction(func) or _doc_of(value, attr, func):
                    continue
                if attr == "__init__" and (_generated(func) or _told(value, func)):
                    continue
                missing.append(f"{name}.{attr}")
    return missing


def _own_doc(cls: type) -> str:
    """The class's own docstring: `inspect.getdoc` would give a base's (BaseModel's, Protocol's,
    a private base's), which says nothing about this name."""
    return str(vars(cls).get("__doc__") or "").strip()


def _doc_of(cls: type, attr: str, func: object) -> str:
    """The member's docstring, inherited from a base class (a Protocol it implements) if need be."""
    if (getattr(func, "__doc__", None) or "").strip():
        return str(func.__doc__)
    for base in cls.__mro__[1:]:
        member = vars(base).get(attr)
        doc = getattr(member, "__doc__", None) if member is not None else None
        if doc and doc.strip() and base is not object:
            return str(doc)
    return ""


def _generated(func: object) -> bool:
    """A dataclass's or Protocol's own `__init__`: its fields are documented on the class."""
    try:
        inspect.getsource(func)  # type: ignore[arg-type]
    except (OSError, TypeError):
        return True
    return getattr(func, "__qualname__", "").startswith("_")


def _told(cls: type, init: object) -> bool:
    """A hand-written `__init__` may be documented by its class: every parameter named there."""
    doc = inspect.getdoc(cls) or ""
    names = [p for p in inspect.signature(init).parameters if p != "self"]  # type: ignore[arg-type]
    return all(f"`{p}`" in doc or f"{p}:" in doc for p in names)


def test_every_facade_export_has_a_docstring() -> None:
    assert _undocumented(bot.framework) == []


def test_every_test_kit_export_has_a_docstring() -> None:
    assert _undocumented(bot.testing) == []
