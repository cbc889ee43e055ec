"""One logger naming scheme (docs/framework.md "Logs"): every module of ours logs under its own
module name, `logging.getLogger(__name__)`, so a logger's name says where a line came from and
`bot`, `attendance` or any narrower package can be configured alone. Only aiohttp's own loggers
are named otherwise (we quieten one of them)."""

from __future__ import annotations

import ast

from tests.framework.imports import ROOT

PACKAGES = ("bot", "attendance", "examples")


def _logger_names() -> list[tuple[str, int, str]]:
    """(file, line, the argument's source) of every `getLogger(...)` call in our code."""
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute | ast.Name)
                    and getattr(node.func, "attr", getattr(node.func, "id", "")) == "getLogger"
                ):
                    argument = ast.unparse(node.args[0]) if node.args else "<root>"
                    found.append((str(path.relative_to(ROOT)), node.lineno, argument))
    return found


def _wrong(names: list[tuple[str, int, str]]) -> list[str]:
    return [
        f"{file}:{line}: getLogger({argument})"
        for file, line, argument in names
        if argument != "__name__" and not argument.startswith("'aiohttp.")
    ]


def test_every_logger_is_named_after_its_module() -> None:
    names = _logger_names()
    assert len(names) > 10  # the scan sees our modules
    assert _wrong(names) == []


def test_a_fixed_name_or_the_root_logger_is_refused() -> None:
    names = [("a.py", 1, "'deskbot.http'"), ("b.py", 2, "<root>"), ("c.py", 3, "__name__")]
    assert _wrong(names) == ["a.py:1: getLogger('deskbot.http')", "b.py:2: getLogger(<root>)"]
