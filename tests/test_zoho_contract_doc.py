"""docs/zoho-contract.md: every rule names a test, and every named test exists."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "zoho-contract.md"
TEST_REF = re.compile(r"`(tests/[\w/]+\.py)::([\w:]+)`")


def contract_rows() -> list[str]:
    """The table rows of the document (lines starting with `|`, less headers and rules)."""
    rows = []
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if not line.startswith("|") or line.startswith("|---") or line.startswith("| rule "):
            continue
        rows.append(line)
    return rows


def defined_names(path: Path) -> set[str]:
    """`name` and `Class::name` for every test function and class in a test module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.ClassDef):
            names.add(node.name)
            for item in node.body:
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                    names.add(f"{node.name}::{item.name}")
    return names


def test_every_rule_names_a_test_that_exists() -> None:
    missing = []
    for row in contract_rows():
        refs = TEST_REF.findall(row)
        if not refs:
            missing.append(f"no test named: {row}")
            continue
        for file, name in refs:
            path = ROOT / file
            if not path.exists() or name not in defined_names(path):
                missing.append(f"{file}::{name} does not exist ({row[:60]}…)")
    assert not missing, "\n".join(missing)


def test_every_rule_cites_a_source() -> None:
    for row in contract_rows():
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        assert len(cells) == 3, row
        assert "http" in cells[1] or "open" in cells[1].lower(), f"no source: {row}"
