"""The framework's line, checked on the source: no import circles, and nothing of Deskbot in the
framework's modules or in the example bots.

The framework's modules are listed in docs/framework.md ("Which modules are the framework");
this test reads that list, so the guide and the check cannot disagree. Every other module under
`bot/` (and all of `attendance/`) is Deskbot's.
"""

from __future__ import annotations

import fnmatch
import re

from tests.framework.imports import ROOT, cycles, graph, modules

GUIDE = ROOT / "docs" / "framework.md"


def framework_patterns() -> list[str]:
    """The module patterns (`bot.cliq.*`) listed in the guide's section on the line."""
    text = GUIDE.read_text(encoding="utf-8")
    section = text.split("## Which modules are the framework", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^- `([\w.*]+)`", section, flags=re.MULTILINE)


def is_framework(name: str, patterns: list[str]) -> bool:
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns)


def test_the_guide_lists_the_framework_and_every_pattern_names_a_module() -> None:
    patterns = framework_patterns()
    assert "bot.framework" in patterns and "bot.testing.*" in patterns
    known = modules("bot")
    for pattern in patterns:
        assert any(fnmatch.fnmatchcase(name, pattern) for name in known), pattern


def test_no_import_circles_in_bot_attendance_or_examples() -> None:
    assert cycles(graph("bot", "attendance", "examples")) == []


def test_the_circle_finder_finds_circles() -> None:
    """The check above can fail: a two-module and a three-module circle are both found."""
    edges = {"a": {"b"}, "b": {"a"}, "c": {"d"}, "d": {"e"}, "e": {"c", "f"}, "f": set()}
    assert cycles(edges) == [["a", "b"], ["c", "d", "e"]]


def _deskbot_imports(
    importers: list[str], edges: dict[str, set[str]], patterns: list[str]
) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name in importers:
        bad = sorted(
            target
            for target in edges[name]
            if target.startswith(("bot", "attendance")) and not is_framework(target, patterns)
        )
        if bad:
            found[name] = bad
    return found


def test_framework_modules_import_only_framework_modules() -> None:
    patterns = framework_patterns()
    edges = graph("bot", "attendance", "examples")
    framework = [name for name in edges if is_framework(name, patterns)]
    assert len(framework) > 30
    assert _deskbot_imports(framework, edges, patterns) == {}


def test_examples_import_only_the_framework() -> None:
    patterns = framework_patterns()
    edges = graph("bot", "attendance", "examples")
    examples = [name for name in edges if name.startswith("examples")]
    assert "examples.standup.listeners" in examples
    assert _deskbot_imports(examples, edges, patterns) == {}


def test_the_line_check_catches_a_deskbot_import() -> None:
    """A framework module importing Deskbot's code (e.g. the old test kit's sandbox world, which
    imported bot.desk) is reported."""
    patterns = framework_patterns()
    edges = {"bot.testing.world": {"bot.desk.client", "bot.clock", "aiohttp"}}
    assert _deskbot_imports(["bot.testing.world"], edges, patterns) == {
        "bot.testing.world": ["bot.desk.client"]
    }
