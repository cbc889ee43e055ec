from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from bot.clock import FrozenClock
from bot.identity.connections import AgentConnections
from bot.identity.secrets import StateError
from bot.store.db import Database


@pytest.fixture
async def connections(store_url: str, clock: FrozenClock):  # type: ignore[no-untyped-def]
    db = await Database.open(store_url)
    found = AgentConnections(
        db,
        clock,
        key="k",
        authorize_url="http://127.0.0.1:1/oauth/v2/auth",
        client_id="cid",
        redirect_uri="http://127.0.0.1:8080/oauth/callback",
    )
    await found.setup()
    yield found
    await db.close()


async def test_connect_url_carries_a_state_naming_the_agent(connections, clock) -> None:  # type: ignore[no-untyped-def]
    short = urlsplit(connections.connect_url("agent@example.com"))
    assert short.path == "/oauth/connect"
    state = parse_qs(short.query)["state"][0]
    url = urlsplit(connections.consent_url(state))
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert query["client_id"] == "cid" and query["access_type"] == "offline"
    assert query["redirect_uri"] == "http://127.0.0.1:8080/oauth/callback"
    assert "Desk.tickets.ALL" in query["scope"]
    assert connections.email_for_state(query["state"]) == "agent@example.com"
    clock.advance(minutes=30)
    with pytest.raises(StateError):
        connections.email_for_state(query["state"])


async def test_tokens_are_sealed_at_rest_and_removed_on_disconnect(connections) -> None:  # type: ignore[no-untyped-def]
    changed: list[str] = []
    connections.on_change(changed.append)
    await connections.store("Agent@Example.com", "1000.secret.refresh")
    row = await connections._db.fetchone("SELECT sealed_refresh_token FROM agent_connections")
    assert b"secret" not in row["sealed_refresh_token"]
    assert await connections.refresh_token("agent@example.com") == "1000.secret.refresh"
    await connections.store("agent@example.com", "1000.newer")
    assert await connections.refresh_token("agent@example.com") == "1000.newer"
    assert await connections.disconnect("agent@example.com") is True
    assert await connections.refresh_token("agent@example.com") is None
    assert await connections.disconnect("agent@example.com") is False
    assert changed == ["agent@example.com"] * 4
