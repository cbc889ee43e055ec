from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from bot.clock import FrozenClock
from bot.identity.connections import AgentConnections
from bot.identity.secrets import StateError
from bot.store.db import Database
from bot.store.links import LinkRefused, Links


@pytest.fixture
async def connections(store_url: str, clock: FrozenClock):  # type: ignore[no-untyped-def]
    db = await Database.open(store_url)
    links = Links(db, clock)
    found = AgentConnections(
        db,
        clock,
        key="k",
        authorize_url="http://127.0.0.1:1/oauth/v2/auth",
        client_id="cid",
        redirect_uri="http://127.0.0.1:8080/oauth/callback",
        links=links,
    )
    await links.setup()
    await found.setup()
    yield found
    await db.close()


async def test_connect_url_carries_a_state_naming_the_agent(connections, clock) -> None:  # type: ignore[no-untyped-def]
    short = urlsplit(await connections.connect_url("agent@example.com"))
    assert short.path == "/oauth/connect"
    email = await connections.agent_for_link(parse_qs(short.query)["k"][0])
    assert email == "agent@example.com"
    url = urlsplit(connections.consent_url(connections.state_for(email)))
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


async def test_a_connect_link_is_short_and_works_ten_minutes(connections, clock) -> None:  # type: ignore[no-untyped-def]
    """Its length does not depend on the agent's e-mail (Cliq's 256-character button URL)."""
    long_email = "a" * 70 + "@" + "b" * 60 + ".example.com"
    links = [await connections.connect_url(e) for e in ("a@b.co", long_email)]
    assert len(links[0]) == len(links[1]) == len("http://127.0.0.1:8080/oauth/connect?k=") + 24
    token = parse_qs(urlsplit(links[1]).query)["k"][0]
    assert await connections.agent_for_link(token) == long_email
    clock.advance(minutes=10, seconds=1)
    with pytest.raises(LinkRefused, match="expired"):
        await connections.agent_for_link(token)
