"""One concurrency cap per Desk portal, shared by the org's client and every agent's."""

from __future__ import annotations

import asyncio

from tests.deskbot.conftest import Deskbot


async def test_the_org_and_every_agent_client_share_one_cap_per_portal(deskbot: Deskbot) -> None:
    parts = deskbot.parts
    sandbox = parts.sandboxes
    assert sandbox is not None
    agents = ["agent@example.com", "maria@example.com", "tom@example.com"]
    for email in agents:
        sandbox.registry.add_refresh_token(f"sandbox-refresh-{email}", email)
    clients = [parts.desk] + [
        parts.agent_desks.for_agent(f"sandbox-refresh-{email}", email) for email in agents
    ]
    sandbox.desk.most_in_flight = 0
    await asyncio.gather(*(c.ticket_by_number(115) for c in clients for _ in range(8)))
    assert 1 < sandbox.desk.most_in_flight <= parts.config.desk.concurrency
