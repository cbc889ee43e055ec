"""The sandbox Cliq reads mentions as Cliq does (https://www.zoho.com/cliq/help/restapi/v2/
mentions/): it records whom each post would notify, and refuses `@all` / `@available`, which a
sender without that permission may not post."""

from __future__ import annotations

from typing import Any

import pytest

from bot.cliq.markup import escape
from tests.cliq_client.conftest import World
from tests.cliq_client.test_strict_sandbox import ENDPOINTS, raw


def _body(endpoint: str, text: str) -> dict[str, Any]:
    body: dict[str, Any] = {"text": text}
    if endpoint == "bot":
        body["userids"] = "agent@example.com"
    return body


@pytest.mark.parametrize("endpoint", ["channel", "bot", "chat"])
@pytest.mark.parametrize("text", ["Refund {@all}", "{@available} now", "x @all"])
async def test_restricted_mentions_are_refused(world: World, endpoint: str, text: str) -> None:
    status, answer = await raw(world, "POST", ENDPOINTS[endpoint], _body(endpoint, text))
    assert (status, answer["code"]) == (400, "restricted_mention")
    assert world.cliq.messages == []


async def test_the_mentions_a_post_makes_are_recorded(world: World) -> None:
    text = f"{{@agent@example.com}} and {{#desk}}, not hi@example.com nor {escape('{@all}')}"
    status, _ = await raw(world, "POST", ENDPOINTS["chat"], {"text": text})
    assert status in (200, 204)
    [message] = world.cliq.messages
    assert message["mentions"] == ["@agent@example.com", "#desk"]
