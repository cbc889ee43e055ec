"""docs/framework.md's examples run: every ```python block, in order, in one namespace (as a
reader follows the guide); a block's `async def example()` is awaited. A block that fails names
its section."""

from __future__ import annotations

import inspect
import re
import sys
import types
from typing import Any

from bot.testing import Conversation
from tests.framework.imports import ROOT

GUIDE = ROOT / "docs" / "framework.md"
_BLOCK = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)


def blocks() -> list[tuple[str, str]]:
    """(section heading, code) for each python block of the guide."""
    text = GUIDE.read_text(encoding="utf-8")
    found = []
    for match in _BLOCK.finditer(text):
        headings = re.findall(r"^## (.+)$", text[: match.start()], flags=re.MULTILINE)
        found.append((headings[-1] if headings else "introduction", match.group(1)))
    return found


def test_every_feature_section_has_an_example() -> None:
    sections = {section for section, _ in blocks()}
    for feature in (
        "Commands",
        "The context, and a bot's own parts",
        "Keywords",
        "Buttons",
        "Forms",
        "Dynamic selects",
        "Menus and sub-actions",
        "Suggestions and selections",
        "Lists of any length",
        "Deadlines and late answers",
        "Verification schemes",
        "The REST client",
        "Testing",
    ):
        assert feature in sections


async def test_the_guides_examples_run() -> None:
    # A module of its own, as a reader's file is (a dataclass looks its module up).
    guide = types.ModuleType("guide")
    namespace: dict[str, Any] = guide.__dict__
    sys.modules["guide"] = guide
    try:
        for section, code in blocks():
            namespace.pop("example", None)
            try:
                exec(compile(code, f"docs/framework.md ({section})", "exec"), namespace)
                example = namespace.get("example")
                if example is not None:
                    await example()
            except Exception as exc:
                raise AssertionError(f"the example in “{section}” fails: {exc!r}") from exc
    finally:
        del sys.modules["guide"]


def test_the_testing_section_names_every_conversation_call() -> None:
    """A call the test kit offers but the guide's “Testing” section does not name is one a
    reader never finds (`type_in` was missing)."""
    text = GUIDE.read_text(encoding="utf-8")
    section = text.split("\n## Testing\n", 1)[1].split("\n## ", 1)[0]
    calls = [
        name
        for name, member in vars(Conversation).items()
        if not name.startswith("_") and inspect.iscoroutinefunction(member)
    ]
    assert calls and [c for c in calls if f"`{c}`" not in section] == []
