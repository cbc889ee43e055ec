"""Every example card under tests/fixtures/cards/ is valid for Cliq: it parses into our models,
within Cliq's limits, and serialises back unchanged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cliq.replies import parse_reply

CARDS = sorted((Path(__file__).parent / "fixtures" / "cards").glob("*.json"))


def test_there_is_an_example_of_each_kind() -> None:
    names = {p.stem for p in CARDS}
    assert {"ticket", "ticket_list", "pending", "desk_status", "form_status"} <= names


@pytest.mark.parametrize("path", CARDS, ids=[p.stem for p in CARDS])
def test_example_card_is_valid_cliq(path: Path) -> None:
    wire = json.loads(path.read_text(encoding="utf-8"))
    model = parse_reply(wire)
    assert model.to_wire() == wire
    buttons = wire.get("buttons", [])
    assert len(buttons) <= 5 and all(len(b["label"]) <= 20 for b in buttons)
