"""Every inbound fixture (tests/fixtures/cliq/inbound, written from Zoho's documents) parses and
is answered by the real app: as JSON (a webhook-type extension) and as a Deluge shim sends it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.cliq.envelope import parse_envelope
from bot.cliq.shim import HANDLERS
from tests.deskbot.conftest import Deskbot

FIXTURES = Path(__file__).parent.parent / "fixtures" / "cliq" / "inbound"
ALL = sorted(p.name for p in FIXTURES.glob("*.json"))


def load(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def test_every_handler_type_we_answer_has_a_fixture() -> None:
    handlers = {load(name)["handler"]["type"] for name in ALL}
    assert set(HANDLERS) <= handlers
    assert {"form_change_handler", "installation_validator", "installation_handler"} <= handlers


@pytest.mark.parametrize("name", ALL)
def test_each_fixture_parses(name: str) -> None:
    data = load(name)
    envelope = parse_envelope(json.dumps(data).encode())
    assert envelope.handler.type == data["handler"]["type"]
    assert envelope.params.user.email == "agent@example.com"


def test_what_the_fixtures_carry_is_read() -> None:
    menu = parse_envelope((FIXTURES / "bot_menu_action_sub_action.json").read_bytes())
    assert (menu.handler.name, menu.params.sub_action) == ("Tickets", "Overdue Tickets")
    command = parse_envelope((FIXTURES / "command_execution_handler.json").read_bytes())
    assert command.selected == ["#115"]
    button = parse_envelope((FIXTURES / "function_button_handler.json").read_bytes())
    assert button.button_key == "show:1166045000000000115"
    heard = parse_envelope((FIXTURES / "bot_participation_handler.json").read_bytes())
    assert heard.text == "Open Tickets" and heard.params.chat.channel_unique_name == "desk"  # type: ignore[union-attr]
    mention = parse_envelope((FIXTURES / "bot_mention_handler.json").read_bytes())
    assert mention.text == "{@b-4400001} open tickets"


def check(name: str, answer: Any) -> None:
    """What each handler type answers to its fixture (its user reads Japanese: `ja`)."""
    output = answer.output
    if name == "bot_message_handler.json":
        assert output["card"]["title"] == "今日が期限の問い合わせ"  # "Due Today"
    elif name == "bot_mention_handler.json":
        assert output["card"]["title"] == "未完了の問い合わせ"  # "open tickets"
    elif name == "bot_welcome_handler.json":
        assert "Deskbot" in output["text"] or output.get("card")
    elif name == "bot_menu_action_sub_action.json":
        assert output["card"]["title"] == "遅延中の問い合わせ"
    elif name == "bot_participation_handler.json":
        assert output == ""  # posted to #desk as the bot instead (audit §2.13)
    elif name == "command_execution_handler.json":
        assert output["card"]["title"].startswith("#115")  # the selection, not "11"
    elif name == "command_suggestion_handler.json":
        assert isinstance(output, list)
    elif name == "function_button_handler.json":
        assert output["card"]["title"].startswith("#115")
    elif name == "function_form_handler.json":
        assert output["card"]["title"] == "Zoho Deskに接続"  # not connected yet
    elif name == "function_form_change_handler.json":
        assert output == ""
    elif name == "function_form_dynamic_select_handler.json":
        assert output["options"][0]["label"] == "Maria Garcia"  # typed "mar"
    elif name == "extension_installation_validator.json":
        assert output == {"status": "200"}
    else:
        assert output["status"] == "200" and output["title"]


@pytest.mark.parametrize("name", ALL)
async def test_each_fixture_is_dispatched_over_json(deskbot: Deskbot, name: str) -> None:
    data = load(name)
    sandbox = deskbot.parts.sandboxes
    assert sandbox is not None
    data["response_url"] = f"{sandbox.urls['cliq']}/sandbox/response/{name}"  # no real Zoho host
    data["timestamp"] = None
    chat = deskbot.chat()
    chat.wire = "json"
    if data["type"] == "extension":
        chat.check_output = None  # an installation answer, not a message: checked in check()
    answer = await chat.send({k: v for k, v in data.items() if v is not None})
    assert answer.status == 200, answer.body
    check(name, answer)


@pytest.mark.parametrize("name", [n for n in ALL if load(n)["handler"]["type"] in HANDLERS])
async def test_each_fixture_is_dispatched_as_its_shim_sends_it(deskbot: Deskbot, name: str) -> None:
    data = load(name)
    data.pop("response_url")
    data.pop("timestamp")
    answer = await deskbot.chat().send(data)
    assert answer.status == 200, answer.body
    check(name, answer)
