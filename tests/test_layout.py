"""The package lines README "Layout" draws: `bot/handlers/` is only the HTTP edge (no background
work in it, nothing of the workers imported), and the workers live in `bot/workers/`."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORKER_LOOPS = {"run_forever", "run_once", "sweep_attendance"}


def _defs_and_imports(package: str) -> tuple[set[str], set[str]]:
    """Function names defined, and modules imported, anywhere in `package`."""
    defined: set[str] = set()
    imported: set[str] = set()
    for path in (ROOT / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                defined.add(node.name)
            elif isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module)
            elif isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
    return defined, imported


def test_the_http_edge_holds_no_worker() -> None:
    defined, imported = _defs_and_imports("bot/handlers")
    assert not defined & WORKER_LOOPS
    assert not [m for m in imported if m.startswith("bot.workers")]


def test_the_workers_have_their_package() -> None:
    defined, _ = _defs_and_imports("bot/workers")
    assert WORKER_LOOPS <= defined
    names = {p.stem for p in (ROOT / "bot" / "workers").glob("*.py")}
    assert {"notifier", "sender", "scheduler", "desk_poller", "attendance_sweep"} <= names
