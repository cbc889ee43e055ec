"""Listeners reach Deskbot's parts only through DeskContext's named capabilities (`ctx.desk`,
`ctx.desk_as_me()`, `ctx.post(...)`, `ctx.attendance`…), never the app's parts themselves."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from bot.commands.context import DeskContext

COMMANDS = Path(__file__).resolve().parents[2] / "bot" / "commands"
FORBIDDEN = {"parts", "svc", "services", "_part"}


def _reaches(source: str) -> list[str]:
    """`ctx.<name>` uses of a forbidden name in `source`."""
    return [
        f"line {node.lineno}: ctx.{node.attr}"
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "ctx"
        and node.attr in FORBIDDEN
    ]


@pytest.mark.parametrize(
    "path", sorted(p for p in COMMANDS.glob("*.py") if p.name != "context.py"), ids=str
)
def test_listeners_use_named_capabilities_only(path: Path) -> None:
    assert _reaches(path.read_text(encoding="utf-8")) == []


def test_the_scan_sees_a_reach_past_the_context() -> None:
    assert _reaches("async def f(ctx):\n    return ctx.parts[DESK]") == ["line 2: ctx.parts"]


def test_the_context_has_no_services_object() -> None:
    assert not hasattr(DeskContext, "svc") and "services" not in DeskContext.__dataclass_fields__
