"""The console's language (issue 15 item 4): the viewer's switch, else the language their Cliq
last sent (the one their DMs use), else the browser's Accept-Language weighed by its q-values,
else `[bot] language`; a language the bot does not speak counts as none at every step. The
switch is a POST with the session's CSRF token, kept in a cookie; `<html lang>` follows."""

from __future__ import annotations

import re

import pytest

from bot.console.language import COOKIE
from bot.i18n import Languages
from bot.i18n.browser import accepted, choose, from_browser
from tests.console.conftest import Console, signed_in_as
from tests.deskbot.conftest import Deskbot

AGENT = "agent@example.com"
LANG = re.compile(r'<html lang="([^"]+)">')


def lang_of(page: str) -> str:
    found = LANG.search(page)
    assert found, page[:300]
    return found.group(1)


@pytest.mark.parametrize(
    ("header", "tags"),
    [
        ("fr;q=0.5, ja-JP, en;q=0.8", ["ja-JP", "en", "fr"]),
        ("en;q=0.8, ja;q=0.8, de", ["de", "en", "ja"]),  # ties keep the order given
        ("ja;q=0, en", ["en"]),  # q=0: "not this one"
        ("ja;q=2, en;q=abc, fr;Q=0.3", ["fr"]),  # weights outside 0..1 or malformed: dropped
        ("*, ja;q=0.1", ["ja"]),
        (" en-GB ; q=0.9 ,, ja ", ["ja", "en-GB"]),
        ("", []),
    ],
)
def test_accept_language_is_ordered_by_its_weights(header: str, tags: list[str]) -> None:
    assert accepted(header) == tags


@pytest.mark.parametrize(
    ("header", "code"),
    [
        ("fr-FR, fr;q=0.9, ja-JP;q=0.8, en;q=0.5", "ja"),  # French first, which the bot lacks
        ("en-GB,en;q=0.9,ja;q=0.8", "en"),
        ("ja;q=0.4, en-US;q=0.6", "en"),
        ("JA-jp", "ja"),
        ("ja_JP", "ja"),  # Cliq's form, forgiven
        ("zh-CN, de", None),
        ("ja;q=0, zh", None),
        ("x" * 5000, None),
    ],
)
def test_the_browser_language_is_the_first_the_bot_speaks(header: str, code: str | None) -> None:
    assert from_browser(Languages(), header) == code


def test_the_switch_then_cliq_then_the_browser_then_the_default() -> None:
    languages = Languages("ja")
    both = {"switched": "en", "stored": "ja", "accept": "ja"}
    assert (choose(languages, **both).code, choose(languages, **both).by) == ("en", "switch")
    stored = choose(languages, switched=None, stored="en_US", accept="ja-JP")
    assert (stored.code, stored.by) == ("en", "cliq")
    browser = choose(languages, switched="fr", stored="de", accept="de, en;q=0.3")
    assert (browser.code, browser.by) == ("en", "browser")  # unknown ones fall through
    nothing = choose(languages, switched="xx", stored=None, accept="fr, *")
    assert (nothing.code, nothing.by) == ("ja", "default")
    assert choose(Languages(), switched=None, stored=None, accept="").code == "en"


async def test_the_language_cliq_last_sent_wins_over_the_browser(deskbot: Deskbot) -> None:
    await deskbot.chat("agent", language="ja_JP").command("attendance")  # Cliq says ja
    console = await signed_in_as(deskbot, AGENT)
    page = await (await console.get("/console/", headers={"Accept-Language": "en"})).text()
    assert lang_of(page) == "ja" and "<h1>自分の状況</h1>" in page and "退勤" in page
    assert "本文へ移動" in page and "サインアウト" in page


async def test_without_cliq_the_browser_decides_by_its_weights(deskbot: Deskbot) -> None:
    console = await signed_in_as(deskbot, AGENT)
    header = {"Accept-Language": "fr;q=0.9, ja;q=0.8, en;q=0.7"}
    page = await (await console.get("/console/", headers=header)).text()
    assert lang_of(page) == "ja" and "今日の労働時間" in page
    header = {"Accept-Language": "fr, en;q=0.8, ja;q=0.7"}
    page = await (await console.get("/console/", headers=header)).text()
    assert lang_of(page) == "en" and "Worked today" in page
    page = await (await console.get("/console/", headers={"Accept-Language": "fr"})).text()
    assert lang_of(page) == "en"  # [bot] language


async def switch(console: Console, lang: str, back: str = "/console/") -> str:
    answer = await console.post(
        "/console/language", {"csrf": await console.csrf(), "lang": lang, "back": back}
    )
    assert answer.status == 303 and answer.headers["Location"] == back
    return await (await console.get(back)).text()


async def test_the_switch_wins_is_kept_and_automatic_forgets_it(deskbot: Deskbot) -> None:
    await deskbot.chat("agent", language="ja").command("attendance")
    console = await signed_in_as(deskbot, AGENT)
    page = await switch(console, "en", "/console/agents/" + await my_id(console))
    assert lang_of(page) == "en" and "Time per status" in page
    assert re.search(r'value="en"[^>]*aria-pressed="true"', page)
    page = await (await console.get("/console/")).text()
    assert lang_of(page) == "en"  # kept for the next page
    page = await switch(console, "auto")
    assert lang_of(page) == "ja"  # Cliq's again
    assert re.search(r'value="auto"[^>]*aria-pressed="true"', page)
    page = await switch(console, "ja")
    assert lang_of(page) == "ja"


async def my_id(console: Console) -> str:
    page = await (await console.get("/console/")).text()
    found = re.search(r'href="/console/agents/(\d+)"', page)
    assert found
    return found.group(1)


async def test_the_switch_is_a_form_with_its_csrf_token(deskbot: Deskbot) -> None:
    console = await signed_in_as(deskbot, AGENT)
    page = await (await console.get("/console/")).text()
    assert 'action="/console/language"' in page and lang_of(page) == "en"
    forged = await console.post("/console/language", {"csrf": "forged", "lang": "ja"})
    assert forged.status == 403 and COOKIE not in forged.cookies
    assert lang_of(await (await console.get("/console/")).text()) == "en"
    unknown = await console.post("/console/language", {"csrf": await console.csrf(), "lang": "fr"})
    assert unknown.status == 400 and COOKIE not in unknown.cookies
    away = await console.post(
        "/console/language",
        {"csrf": await console.csrf(), "lang": "ja", "back": "https://evil.example/"},
    )
    assert away.status == 303 and away.headers["Location"] == "/console/"  # no open redirect


async def test_pages_before_signing_in_follow_the_browser(deskbot: Deskbot) -> None:
    console = Console(deskbot)
    japanese = {"Accept-Language": "ja-JP,ja;q=0.9"}
    refused = await console.get("/console/login?login_hint=nobody", headers=japanese)
    page = await refused.text()
    assert refused.status == 400 and lang_of(page) == "ja"
    assert "メールアドレスではありません" in page and "Zohoでサインイン" in page
    missing = await console.get("/console/nowhere", headers=japanese)
    page = await missing.text()
    assert missing.status == 404 and "そのページはありません。" in page


async def exported(console: Console, headers: str | None = None, **http: object) -> list[str]:
    """The CSV the report page's export form gives for the viewer's own day, its lines."""
    form = [("csrf", await console.csrf()), ("from", "2026-03-02"), ("to", "2026-03-02")]
    form += [("agents", await my_id(console))]
    form += [("headers", headers)] if headers is not None else []
    answer = await console.deskbot.client.post(
        "/console/export", data=form, allow_redirects=False, **http
    )
    assert answer.status == 200, await answer.text()
    return (await answer.read()).decode("utf-8-sig").splitlines()


async def test_the_csv_headers_follow_the_page_unless_chosen(deskbot: Deskbot) -> None:
    """A reader of Japanese gets the chat's Excel file (`lang=ja`: Japanese headers), a reader of
    English the programs' names; the form's Column names choice overrides either."""
    await deskbot.chat("agent", language="ja").command("checkin")
    console = await signed_in_as(deskbot, AGENT)
    page = await (await console.get(f"/console/agents/{await my_id(console)}")).text()
    assert re.search(r'<option value="people" selected>', page)
    japanese = await exported(console)
    assert japanese[0].startswith("日付,担当者名,メールアドレス,タイムゾーン,最初の出勤")
    assert japanese[1:] == (await exported(console, "programs"))[1:]  # the same cells
    assert (await exported(console, "programs"))[0].startswith("date,agent_name,agent_email")
    await switch(console, "en")
    page = await (await console.get(f"/console/agents/{await my_id(console)}")).text()
    assert re.search(r'<option value="programs" selected>', page)
    assert (await exported(console))[0].startswith("date,agent_name,agent_email")
    assert (await exported(console, "people"))[0].startswith("Date,Agent name,")
