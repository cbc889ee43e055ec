"""OAuth connect (issue 10 item 9): the `state` is single-use, short-lived and names the Cliq
user who asked; the Zoho account that consents must be that user's, or nothing is connected
and the person sees a page saying why."""

from __future__ import annotations

from urllib.parse import urlsplit

from tests.deskbot.conftest import Deskbot

JSON = {"Accept": "application/json"}  # a program's call: the refusal as JSON


async def consent_link(deskbot: Deskbot, who: str = "agent") -> str:
    """The Connect button's link from `/deskbot connect`, as a path on our host."""
    answer = await deskbot.chat(who).command("deskbot", "connect")
    return str(answer.buttons[0]["action"]["data"]["web"]).split("8080")[1]


async def through_zoho(deskbot: Deskbot, link: str) -> str:
    """Follow the link to Zoho's authorize page; the callback path Zoho sends the browser to."""
    ours = await deskbot.client.get(link, allow_redirects=False)
    assert ours.status == 302
    async with deskbot.client.session.get(ours.headers["Location"], allow_redirects=False) as z:
        return f"/oauth/callback?{urlsplit(z.headers['Location']).query}"


async def test_a_callback_works_once(deskbot: Deskbot) -> None:
    callback = await through_zoho(deskbot, await consent_link(deskbot))
    assert (await deskbot.client.get(callback)).status == 200
    for _ in range(3):
        again = await deskbot.client.get(callback, headers=JSON)
        body = await again.json()
        assert again.status == 400 and body["error"] == "bad_state"
        assert "already used" in body["reason"]


async def test_a_state_expires_after_ten_minutes(deskbot: Deskbot) -> None:
    callback = await through_zoho(deskbot, await consent_link(deskbot))
    deskbot.clock.advance(minutes=10, seconds=1)
    late = await deskbot.client.get(callback, headers=JSON)
    assert late.status == 400 and "expired" in (await late.json())["reason"]
    assert await deskbot.parts.connections.refresh_token("agent@example.com") is None


async def test_another_person_consenting_through_an_agents_link_connects_nobody(
    deskbot: Deskbot,
) -> None:
    """The issue's case: another person consented through an agent's Connect link, and the
    agent's later card actions ran in Desk as that other person."""
    sandbox = deskbot.parts.sandboxes
    assert sandbox is not None
    link = await consent_link(deskbot, "agent")
    sandbox.registry.signed_in = "maria@example.com"  # a Desk agent, but not the one asked
    refused = await deskbot.client.get(await through_zoho(deskbot, link))
    page = await refused.text()
    assert refused.status == 403 and refused.content_type == "text/html"
    assert "agent@example.com" in page and "maria@example.com" in page
    assert "Nothing was connected" in page and '<html lang="en">' in page
    for email in ("agent@example.com", "maria@example.com"):
        assert await deskbot.parts.connections.refresh_token(email) is None
    # The agent, signed in as themselves, connects with a new link.
    sandbox.registry.signed_in = "AGENT@example.com"
    done = await deskbot.client.get(await through_zoho(deskbot, await consent_link(deskbot)))
    assert done.status == 200
    assert await deskbot.parts.connections.refresh_token("agent@example.com")


async def test_a_consent_by_someone_desk_does_not_know_connects_nobody(deskbot: Deskbot) -> None:
    sandbox = deskbot.parts.sandboxes
    assert sandbox is not None
    link = await consent_link(deskbot, "agent")
    sandbox.registry.signed_in = "stranger@elsewhere.example"
    refused = await deskbot.client.get(await through_zoho(deskbot, link))
    assert refused.status in (400, 403)
    assert await deskbot.parts.connections.refresh_token("agent@example.com") is None
    assert await deskbot.parts.connections.refresh_token("stranger@elsewhere.example") is None


async def test_malformed_states_are_400_json_to_a_program_and_a_page_to_a_browser(
    deskbot: Deskbot,
) -> None:
    for state in ("", ".", "x" * 5000, "é.é", "e30.AAAA", "%ff%fe"):
        for path in ("/oauth/callback?code=1&state=", "/oauth/connect?k="):
            answer = await deskbot.client.get(path + state, headers=JSON, allow_redirects=False)
            assert answer.status == 400, (path, state, await answer.text())
            assert (await answer.json())["error"] in ("bad_state", "bad_request", "bad_link")
            page = await deskbot.client.get(path + state, allow_redirects=False)
            assert page.status == 400 and page.content_type == "text/html"
            assert "/deskbot connect" in await page.text()
