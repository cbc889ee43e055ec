"""Load the shared Desk fixtures (tests/fixtures/desk/*.json)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "desk"


def load(name: str) -> Any:
    return json.loads((FIXTURES / f"{name}.json").read_text())
