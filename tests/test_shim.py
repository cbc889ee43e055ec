"""Every registered listener has a Deluge shim, and each shim's envelope is what /cliq parses."""

from __future__ import annotations

import json
import re
from typing import Any

from bot.app import build_bot, create_app
from bot.cliq.form import FORM_FUNCTION
from bot.cliq.message import BUTTON_FUNCTION
from bot.cliq.shim import HANDLER_VARIABLES, render_all, shims
from bot.testing.signing import DEFAULT_CHAT, DEFAULT_USER

# What Cliq hands each Deluge variable, as a Deluge handler would see it.
SAMPLE_VALUES: dict[str, Any] = {
    "user": DEFAULT_USER,
    "chat": DEFAULT_CHAT,
    "location": {"latitude": 35.6, "longitude": 139.7, "status": "granted"},
    "message": "help",
    "mentions": [],
    "attachments": [],
    "newuser": True,
    "operation": "message_sent",
    "data": {"message": {"text": "ping"}},
    "arguments": "",
    "options": {},
    "selections": [],
    "target": {"name": "Status"},
    "form": {"name": "status", "action": "submit", "values": {}},
}


def envelope_from_deluge(code: str) -> dict[str, Any]:
    """Rebuild the envelope a shim sends by reading its Deluge (the `put` calls)."""
    maps: dict[str, dict[str, Any]] = {"payload": {}, "handler": {}, "params": {}}
    for target, key, value in re.findall(r'(\w+)\.put\("(\w+)", ([^)]+)\);', code):
        if target not in maps:
            continue
        if value.startswith('"'):
            maps[target][key] = json.loads(value)
        elif value in maps:
            maps[target][key] = maps[value]
        elif value == "now":
            maps[target][key] = 0
        else:
            maps[target][key] = SAMPLE_VALUES[value]
    return maps["payload"]


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


def test_every_listener_has_a_shim(config) -> None:  # type: ignore[no-untyped-def]
    bot = build_bot(config)
    found = shims(bot, button_function=BUTTON_FUNCTION, form_function=FORM_FUNCTION)
    kinds = {(s.component, s.handler, s.name, s.handler_name) for s in found}
    for command in bot.router.commands:
        assert ("command", "execution_handler", command.name, "") in kinds
    for suggestion in bot.router.suggestions:
        assert ("command", "suggestion_handler", suggestion.command, "") in kinds
    for menu in bot.router.menus:
        assert any(k[1] == "action_handler" and k[3] == menu.name for k in kinds)
    if bot.router.keywords:
        assert {"message_handler", "mention_handler", "participation_handler"} <= {
            k[1] for k in kinds
        }
    if bot.router.buttons:
        assert ("function", "button_handler", BUTTON_FUNCTION, "") in kinds
    if bot.router.forms:
        assert ("function", "form_handler", FORM_FUNCTION, "") in kinds
    assert all(s.handler in HANDLER_VARIABLES for s in found)


async def test_each_shim_envelope_is_accepted_by_cliq_endpoint(
    aiohttp_client, config, clock, signer
) -> None:  # type: ignore[no-untyped-def]
    bot = build_bot(config)
    client = await aiohttp_client(create_app(config, clock=clock))
    for shim in shims(bot, button_function=BUTTON_FUNCTION, form_function=FORM_FUNCTION):
        env = envelope_from_deluge(shim.deluge("http://x/cliq", "s"))
        body, headers = signer.sign(env)
        response = await client.post("/cliq", data=body, headers=headers)
        assert response.status == 200, (shim.where, await response.text())
        assert "output" in await response.json()
