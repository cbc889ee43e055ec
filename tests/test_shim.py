"""Every registered listener has a Deluge shim; each shim uses only the variables Zoho documents
for its handler, carries them Deluge-safe, and turns any non-`output` answer into an error line."""

from __future__ import annotations

import re
from typing import Any

import pytest

from bot.app import build_bot, create_app
from bot.cli import main
from bot.cliq.form import FORM_FUNCTION
from bot.cliq.message import BUTTON_FUNCTION
from bot.cliq.shim import HANDLERS, Shape, Shim, render_all, shim_body, shims
from bot.testing.signing import DEFAULT_CHAT, DEFAULT_USER

HOSTILE = 'He said "hi",\n\tthen \\ left: 日本語 🎉 "},{"x":"'

# What Cliq hands each Deluge variable, as a Deluge handler would see it, with hostile text.
SAMPLE_VALUES: dict[str, Any] = {
    "user": {**DEFAULT_USER, "first_name": HOSTILE},
    "chat": {**DEFAULT_CHAT, "title": HOSTILE},
    "location": {"latitude": 35.6, "longitude": 139.7, "status": "granted"},
    "message": HOSTILE,
    "mentions": [{"id": "b-1", "type": "bot", "name": HOSTILE}],
    "attachments": [],
    "links": [],
    "newuser": True,
    "operation": "message_sent",
    "data": {"message": {"text": HOSTILE, "type": "text"}, "time": 1700000000000},
    "arguments": HOSTILE,
    "options": {"from": HOSTILE},
    "selections": [{"title": HOSTILE}],
    "sub_action": "Due Today",
    "context_id": "ctx",
    "target": {"name": HOSTILE, "hint": ""},
    "form": {"name": "status", "action": "submit", "values": {"note": HOSTILE}},
    "access": {"user_id": "1"},
    "environment": {"data_center": "US"},
}


def sample(name: str, shape: Shape) -> Any:
    """A hostile value for a variable, laid out as its handler's row says."""
    value = SAMPLE_VALUES[name]
    if shape is Shape.MAP and not isinstance(value, dict):
        return {"key": "status:115"} if name == "arguments" else {"text": value, "type": "text"}
    return value


# Every name that is a Cliq handler variable somewhere, documented or not.
CLIQ_VARIABLES = {v for doc in HANDLERS.values() for v in doc.variables} | {"target", "location"}


def _deskbot_shims(config: Any) -> list[Shim]:
    return shims(build_bot(config), button_function=BUTTON_FUNCTION, form_function=FORM_FUNCTION)


def variables_used(deluge: str) -> set[str]:
    """The Cliq handler variables a piece of Deluge reads (string literals and comments aside)."""
    code = "\n".join(ln for ln in deluge.splitlines() if not ln.lstrip().startswith("//"))
    code = re.sub(r'"(?:[^"\\]|\\.)*"', '""', code)
    return {name for name in CLIQ_VARIABLES if re.search(rf"\b{name}\b", code)}


def test_shim_uses_body_hmac_and_returns_output(config) -> None:  # type: ignore[no-untyped-def]
    text = render_all(
        build_bot(config),
        "https://bot.example.com/cliq",
        "s3cret",
        button_function=BUTTON_FUNCTION,
        form_function=FORM_FUNCTION,
    )
    assert "body: body" in text and "parameters:" not in text
    assert 'zoho.encryption.hmacsha256("s3cret", ts + "." + body, "hex")' in text
    assert 'headers.put("X-Deskbot-Signature", sig);' in text
    assert 'url: "https://bot.example.com/cliq"' in text
    assert 'payload.put("encoding", "deluge-b64");' in text


def test_every_listener_has_a_shim(config) -> None:  # type: ignore[no-untyped-def]
    bot = build_bot(config)
    found = shims(bot, button_function=BUTTON_FUNCTION, form_function=FORM_FUNCTION)
    kinds = {(s.component, s.handler, s.name, s.handler_name) for s in found}
    for command in bot.router.commands:
        assert ("command", "execution_handler", command.name, "") in kinds
    for suggestion in bot.router.suggestions:
        assert ("command", "suggestion_handler", suggestion.command, "") in kinds
    for menu in bot.menus():
        assert any(k[1] == "action_handler" and k[3] == menu for k in kinds)
    if bot.router.keywords:
        assert {"message_handler", "mention_handler", "participation_handler"} <= {
            k[1] for k in kinds
        }
    assert ("function", "button_handler", BUTTON_FUNCTION, "") in kinds
    assert ("function", "form_handler", FORM_FUNCTION, "") in kinds
    assert all(s.handler in HANDLERS for s in found)


def test_each_shim_reads_only_the_variables_zoho_documents_for_its_handler(config) -> None:  # type: ignore[no-untyped-def]
    for shim in _deskbot_shims(config):
        doc = HANDLERS[shim.handler]
        assert set(doc.forwarded) <= set(doc.variables), shim.where
        used = variables_used(shim.deluge("https://x/cliq", "s"))
        assert used <= set(doc.variables), (shim.where, used - set(doc.variables))
        assert used == set(doc.forwarded), shim.where
        keys = set(re.findall(r'params\.put\("(\w+)"', shim.deluge("https://x/cliq", "s")))
        assert keys == set(doc.forwarded), shim.where


def test_the_form_shim_has_no_target_or_message_and_the_button_shim_no_location(config) -> None:  # type: ignore[no-untyped-def]
    by_handler = {s.handler: s for s in _deskbot_shims(config)}
    form = variables_used(by_handler["form_handler"].deluge("https://x/cliq", "s"))
    button = variables_used(by_handler["button_handler"].deluge("https://x/cliq", "s"))
    assert not {"target", "message"} & form
    assert "location" not in button


def test_the_table_follows_zoho_pages() -> None:
    """Spot checks against the pages the rows cite (audit Z-submit, Z-cmd, Z-menu, Z-welc)."""
    assert set(HANDLERS["form_handler"].variables) == {
        "access",
        "environment",
        "user",
        "chat",
        "form",
    }
    assert "selections" in HANDLERS["execution_handler"].variables
    assert "sub_action" in HANDLERS["action_handler"].forwarded
    assert set(HANDLERS["welcome_handler"].variables) == {"user", "newuser"}
    assert "location" not in HANDLERS["button_handler"].variables
    assert all(
        doc.source.startswith("https://www.zoho.com/cliq/help/") for doc in HANDLERS.values()
    )


def test_suggestion_shim_returns_a_list_and_others_a_map(config) -> None:  # type: ignore[no-untyped-def]
    for shim in _deskbot_shims(config):
        code = shim.deluge("https://x/cliq", "s")
        if shim.handler == "suggestion_handler":
            assert "return List();" in code and "return Map();" not in code
        else:
            assert "return Map();" in code and "return List();" not in code


def test_a_non_output_answer_becomes_an_error_line_of_the_handlers_kind(config) -> None:  # type: ignore[no-untyped-def]
    for shim in _deskbot_shims(config):
        code = shim.deluge("https://x/cliq", "s", "Deskbot")
        branch = code.split('if(answer == null || !answer.containKey("output"))', 1)[1]
        branch = branch.split('output = answer.get("output");', 1)[0]
        if shim.handler == "participation_handler":
            assert "info " in branch and "return failed;" in branch  # hears all chatter: logs
            continue
        assert '"Deskbot failed: " + reason' in branch, shim.where
        if shim.handler == "form_dynamic_select_handler":  # no options, the reason logged
            assert 'failed.put("options", List());' in branch and "info " in branch
            continue
        if shim.handler == "suggestion_handler":
            assert "rows.add(failed);" in branch and "return rows;" in branch
        elif shim.handler == "welcome_handler":
            assert '"type"' not in branch and 'failed.put("text"' in branch  # no banner here
        else:
            assert 'failed.put("type", "banner");' in branch
            assert 'failed.put("status", "failure");' in branch
        assert "catch (e)" in code  # an unreachable server or a non-JSON answer too


def test_deskbot_shim_prints_at_most_five_menu_actions_with_their_sub_actions(
    config, capsys: pytest.CaptureFixture[str]
) -> None:  # type: ignore[no-untyped-def]
    assert main(["shim", "--url", "https://bot.example.com/cliq"]) == 0
    printed = capsys.readouterr().out
    menus = re.findall(r"^// Bot \w+ → Menu action “([^”]+)”(.*)$", printed, re.MULTILINE)
    assert 1 <= len(menus) <= 5
    assert ("Tickets", " with sub-actions: “Overdue Tickets”, “Due Today”, “Open Tickets”") in menus
    assert any(name == "Attendance" and "“Check In”" in subs for name, subs in menus)
    for block in printed.split("\n\n"):
        if "Menu action" in block:
            assert 'params.put("sub_action"' in block


def test_shim_constants_must_be_ascii() -> None:
    with pytest.raises(ValueError, match="ASCII"):
        Shim("x", "bot", "action_handler", "deskbot", handler_name="チケット").deluge("u", "s")


def test_shim_body_twin_keeps_only_forwarded_variables_and_is_ascii() -> None:
    for handler, doc in HANDLERS.items():
        params = {name: sample(name, shape) for name, shape in doc.variables.items()}
        body = shim_body(
            {"type": "bot", "name": "x", "handler": {"type": handler}, "params": params}
        )
        assert body.isascii(), handler
        for name in doc.variables:
            assert (f'"{name}":' in body.decode()) == (name in doc.forwarded), (handler, name)
        assert all(shape in Shape for shape in doc.variables.values())


async def test_each_shim_envelope_with_hostile_text_is_accepted_by_cliq_endpoint(
    aiohttp_client, config, clock, signer
) -> None:  # type: ignore[no-untyped-def]
    client = await aiohttp_client(create_app(config, clock=clock))
    for shim in _deskbot_shims(config):
        params = {name: sample(name, shim.doc.variables[name]) for name in shim.doc.forwarded}
        handler = {
            "type": shim.handler,
            **({"name": shim.handler_name} if shim.handler_name else {}),
        }
        env = {"type": shim.component, "name": shim.name, "handler": handler, "params": params}
        body, headers = signer.sign(env, "deluge")
        response = await client.post("/cliq", data=body, headers=headers)
        assert response.status == 200, (shim.where, await response.text())
        assert "output" in await response.json()
