"""The outbound layer's JSON, byte for byte: every line of `fixtures/cliq/outbound_wires.jsonl`
is a reply or post the test suite drew with the earlier pydantic layer (one of each shape: every
slide and input type, escaped text, Japanese, floats), read back with `from_wire` and encoded
again. The compiled layer (bot/cliq/outbound.py) must send exactly those bytes: field order,
fields left out when unset, defaults that are sent (a button's `"+"`, a form's `version`),
escapes and number formats."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cliq import form, message

WIRES = Path(__file__).parent / "fixtures" / "cliq" / "outbound_wires.jsonl"
SAMPLES = [json.loads(line) for line in WIRES.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda s: s["class"])
def test_the_json_is_the_same_bytes(sample: dict[str, str]) -> None:
    cls = getattr(message, sample["class"], None) or getattr(form, sample["class"])
    sent = sample["json"].encode()
    again = cls.from_wire(json.loads(sent))
    assert again.to_json() == sent
    assert again.to_wire() == json.loads(sent)
    assert cls.from_wire(again.to_wire()) == again


def test_the_samples_cover_every_slide_and_every_reply_kind() -> None:
    kinds = {s["class"] for s in SAMPLES}
    assert {"Message", "MessageEdit", "Banner", "Form", "FormError"} <= kinds
    slides = {slide["type"] for s in SAMPLES for slide in json.loads(s["json"]).get("slides", [])}
    assert {"label", "table", "text", "list"} <= slides
