"""Pages a browser opens from chat links (Connect Desk, attendance export) are small HTML pages
in the reader's language: the link's person's language as Cliq last sent it, else the browser's
Accept-Language by its q-weights; JSON only to a client asking for it; the 4xx kept. A link that
was ours but is gone is never called "not made by this bot"."""

from __future__ import annotations

import re
from html import unescape

import pytest
from aiohttp import ClientResponse

from tests.deskbot.conftest import Deskbot
from tests.edge.test_oauth_connect import through_zoho
from tests.words import assert_translated

JSON = {"Accept": "application/json"}
PAGE = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


async def page_text(response: ClientResponse) -> str:
    """What a person reads of an HTML answer: its text without tags."""
    assert response.content_type == "text/html", await response.text()
    return unescape(re.sub(r"<[^>]+>", " ", await response.text()))


async def lang_of(response: ClientResponse) -> str:
    found = re.search(r'<html lang="([^"]+)"', await response.text())
    assert found, await response.text()
    return found.group(1)


@pytest.mark.parametrize(
    ("accept_language", "lang"),
    [
        ("ja", "ja"),
        ("ja-JP,ja;q=0.9,en;q=0.8", "ja"),
        ("en;q=0.5, ja;q=0.9", "ja"),
        ("ja;q=0.1, en-GB", "en"),
        ("fr, ja;q=0.3", "ja"),
        ("ja;q=0, en;q=0.4", "en"),
        ("", "en"),
    ],
)
async def test_a_bogus_connect_link_is_a_page_in_the_browsers_language(
    deskbot: Deskbot, accept_language: str, lang: str
) -> None:
    answer = await deskbot.client.get(
        "/oauth/connect?k=bogus", headers={**PAGE, "Accept-Language": accept_language}
    )
    assert answer.status == 400
    assert await lang_of(answer) == lang
    text = await page_text(answer)
    assert "bad_link" not in text and "{" not in text
    if lang == "ja":
        assert "Deskbotが作成したリンクではありません" in text and "/deskbot connect" in text
    else:
        assert "This link was not made by Deskbot." in text


async def test_every_refusal_page_is_all_catalog_words(deskbot: Deskbot) -> None:
    """In the pseudo-language, no word of any refusal page escapes the catalogs."""
    qps = {**PAGE, "Accept-Language": "qps"}
    shape = "A" * 24  # shaped like a token of ours, but none: gone or never made
    for path in (
        "/oauth/connect?k=bogus",
        f"/oauth/connect?k={shape}",
        "/oauth/callback?code=1&state=x.y",
        "/oauth/callback?code=&state=",
        "/oauth/callback?error=access_denied",
        "/attendance/export?k=bogus",
        f"/attendance/export?k={shape}",
    ):
        answer = await deskbot.client.get(path, headers=qps, allow_redirects=False)
        assert 400 <= answer.status < 500, path
        assert await lang_of(answer) == "qps"
        assert_translated(await page_text(answer), data=["Zoho", "Desk", "Deskbot"])


async def test_a_client_asking_for_json_gets_json(deskbot: Deskbot) -> None:
    for path, status, error in (
        ("/oauth/connect?k=bogus", 400, "bad_link"),
        ("/oauth/callback?code=1&state=x.y", 400, "bad_state"),
        ("/attendance/export?k=bogus", 403, "forbidden"),
    ):
        answer = await deskbot.client.get(path, headers={**JSON, "Accept-Language": "ja"})
        assert answer.status == status
        assert (await answer.json())["error"] == error


async def japanese_consent_link(deskbot: Deskbot) -> str:
    """The agent's Connect link, asked for in a Cliq that speaks Japanese."""
    answer = await deskbot.chat("agent", language="ja").command("deskbot", "connect")
    return str(answer.buttons[0]["action"]["data"]["web"]).split("8080")[1]


async def test_the_connect_pages_speak_the_agents_language(deskbot: Deskbot) -> None:
    """Once the state names the agent, the page is in their Cliq language, whatever the
    browser says; the success page too."""
    callback = await through_zoho(deskbot, await japanese_consent_link(deskbot))
    english_browser = {**PAGE, "Accept-Language": "en-US,en;q=0.9"}
    done = await deskbot.client.get(callback, headers=english_browser)
    assert done.status == 200 and await lang_of(done) == "ja"
    text = await page_text(done)
    assert "agent@example.com" in text and "Zoho Deskを接続しました" in text
    sandbox = deskbot.parts.sandboxes
    assert sandbox is not None
    link = await japanese_consent_link(deskbot)
    sandbox.registry.signed_in = "maria@example.com"
    refused = await deskbot.client.get(await through_zoho(deskbot, link), headers=english_browser)
    assert refused.status == 403 and await lang_of(refused) == "ja"
    text = await page_text(refused)
    assert "maria@example.com" in text and "何も接続されていません" in text


async def export_link(deskbot: Deskbot) -> str:
    """A Download link of the agent's (whose Cliq speaks Japanese), as a path on our host."""
    agent = deskbot.chat("agent", language="ja")
    await agent.say("出勤")
    answer = await agent.command("attendance", "export 2026-03-02 2026-03-02")
    url = str(answer.buttons[0]["action"]["data"]["web"])
    return url[url.index("/attendance/export") :]


async def test_an_expired_export_link_says_so_in_the_agents_language(deskbot: Deskbot) -> None:
    path = await export_link(deskbot)
    deskbot.clock.advance(minutes=16)
    answer = await deskbot.client.get(path, headers={**PAGE, "Accept-Language": "en"})
    assert answer.status == 403 and await lang_of(answer) == "ja"
    text = await page_text(answer)
    assert "このリンクは期限切れです" in text and "/attendance export" in text
    as_json = await deskbot.client.get(path, headers=JSON)
    assert as_json.status == 403 and "expired" in (await as_json.json())["reason"]


async def test_a_purged_export_link_is_not_called_forged(deskbot: Deskbot) -> None:
    """An expired link's row is deleted as new links are made: the link was ours, so the page
    says it is not valid or has expired, never that the bot did not make it."""
    path = await export_link(deskbot)
    deskbot.clock.advance(minutes=16)
    await export_link(deskbot)  # a new link: the expired row is deleted
    for lang, said in (("en", "This link is not valid or has expired."), ("ja", "有効期限")):
        answer = await deskbot.client.get(path, headers={**PAGE, "Accept-Language": lang})
        assert answer.status == 403
        text = await page_text(answer)
        assert (
            said in text and "not made" not in text and "作成したリンクではありません" not in text
        )
    body = await (await deskbot.client.get(path, headers=JSON)).json()
    assert "not made by this bot" not in body["reason"] and "expired" in body["reason"]
