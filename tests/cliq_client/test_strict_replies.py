"""Handler answers held to Zoho's platform pages (bot/sandbox/cliq/replies.py): the sandbox
refuses them on a response URL, and Deskbot's tests check every answer the bot gives."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.sandbox.cliq.replies import check_reply
from bot.sandbox.cliq.spec import Refusal
from tests.cliq_client.conftest import World

CARDS = Path(__file__).parent.parent / "fixtures" / "cards"


def form(*inputs: dict[str, Any], **change: Any) -> dict[str, Any]:
    return {
        "type": "form",
        "title": "Comment",
        "name": "comment",
        "action": {"type": "invoke.function", "name": "botform"},
        "inputs": list(inputs),
        **change,
    }


RADIO = {
    "type": "radio",
    "name": "who",
    "label": "Who",
    "hint": "Who sees it",
    "options": [{"label": "A", "value": "a"}, {"label": "B", "value": "b"}],
}


@pytest.mark.parametrize("name", sorted(p.stem for p in CARDS.glob("*.json")))
def test_every_deskbot_card_and_form_passes_zohos_documented_rules(name: str) -> None:
    check_reply(json.loads((CARDS / f"{name}.json").read_text()))


@pytest.mark.parametrize(
    ("output", "says"),
    [
        (form({**RADIO, "hint": None}), "hint is mandatory for a radio"),
        (form({**RADIO, "options": RADIO["options"] * 3}), "2 to 5 options"),
        (form({**RADIO, "options": RADIO["options"][:1]}), "2 to 5 options"),
        (form(RADIO, name="n" * 51), "form.name is at most 50"),
        (form(RADIO, action={"type": "open.url"}), "form.action"),
        (form(*[dict(RADIO, name=f"r{i}") for i in range(26)]), "at most 25"),
        (
            form(
                {
                    "type": "select",
                    "name": "s",
                    "label": "S",
                    "placeholder": "p",
                    "options": [{"label": str(i), "value": str(i)} for i in range(101)],
                }
            ),
            "1 to 100 options",
        ),
        (form({"type": "hidden", "name": "h", "value": "v" * 2001}), "2000"),
        (
            form(
                {
                    "type": "textarea",
                    "name": "t",
                    "label": "T",
                    "placeholder": "p",
                    "max_length": 5001,
                }
            ),
            "max_length",
        ),
        (form({"type": "text", "name": "t", "label": "T"}), "placeholder is mandatory"),
        (form({**RADIO, "name": "has space"}), "name is mandatory"),
        ({"type": "banner", "text": "x", "status": "warning"}, "success or failure"),
        ({"type": "banner", "status": "success"}, "needs text"),
        ({"type": "message_edit", "card": {"title": "t"}}, "text is mandatory"),
        ({"text": "x", "userids": "a@b.c"}, "extra key"),
        ([{"title": "#115", "url": "x"}], "extra key"),
    ],
)
def test_answers_cliq_would_refuse_are_refused(output: Any, says: str) -> None:
    if isinstance(output, dict) and output.get("type") == "form":
        for field in output["inputs"]:
            if field.get("hint", "") is None:
                field.pop("hint")
    with pytest.raises(Refusal) as caught:
        check_reply(output)
    assert says in caught.value.message


async def test_a_response_url_refuses_an_answer_cliq_would_refuse(world: World) -> None:
    url = f"{world.client._base}/sandbox/response/abc"
    async with world.client._session.post(url, json=form({**RADIO, "hint": ""})) as response:
        assert response.status == 400
        assert (await response.json())["code"] == "input_pattern_mismatch"
    await world.client.post_to_response_url(url, {"type": "banner", "text": "Done"})
    assert world.cliq.to("response", "abc")
