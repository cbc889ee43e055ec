"""Each place's language (issue 13, SPEC X6): the org channel's from bot.toml, a department
channel's from bot.toml or an admin's `/deskbot language`, kept with the settings, shown by the
verb alone; a language Deskbot does not speak is refused with the list it does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.config import Config, ConfigError, load_config
from tests.deskbot.conftest import Deskbot

SUPPORT, BILLING, JAPAN = "5000000000001", "5000000000002", "5000000000003"


def rows(answer: Any) -> dict[str, dict[str, str]]:
    """The verb's table: department ("(org channel)" for the org channel) → its row."""
    return {r["Department"]: r for r in answer.slides[0]["data"]["rows"]}


@pytest.fixture
def config(config: Config) -> Config:
    """Billing's channel reads Japanese from bot.toml; the org channel English."""
    notifications = config.notifications.model_copy(
        update={"language": "en", "department_languages": {BILLING: "ja"}}
    )
    return config.model_copy(update={"notifications": notifications})


async def test_the_verb_alone_shows_every_places_language_and_who_chose_it(
    deskbot: Deskbot,
) -> None:
    admin = deskbot.chat("admin")
    await admin.command("deskbot", "map Support support create")
    shown = rows(await admin.command("deskbot", "language"))
    assert (
        shown["(org channel)"]["Channel"] == "#desk"
        and shown["(org channel)"]["Language"] == "English"
    )
    assert shown["Support"]["Channel"] == "#support" and shown["Support"]["Language"] == "English"
    assert shown["Billing"]["Channel"] == "(#desk)" and shown["Billing"]["Language"] == "Japanese"
    assert {r["Set by"] for r in shown.values()} == {"bot.toml"}


@pytest.mark.parametrize("typed", ["ja", "JA", "ja_JP", "ja-JP", "ｊａ"])
async def test_an_admin_sets_a_departments_language_in_any_of_its_forms(
    deskbot: Deskbot, typed: str
) -> None:
    admin = deskbot.chat("admin")
    await admin.command("deskbot", "map Japan_Support support-jp create")
    done = await admin.command("deskbot", f"language 「Japan Support」 {typed}")
    assert done.output["text"] == "Japan Support posts in Japanese in #supportjp.", done.text
    assert await deskbot.parts.settings.place_languages() == {JAPAN: "ja"}
    shown = rows(await admin.command("deskbot", "language"))["Japan Support"]
    assert (shown["Language"], shown["Set by"]) == ("Japanese", "an admin")
    back = await admin.command("deskbot", "language Japan Support default")
    assert back.output["text"] == "Japan Support posts in English in #supportjp."
    assert await deskbot.parts.settings.place_languages() == {}


async def test_an_admins_choice_wins_over_bot_toml_and_default_gives_it_back(
    deskbot: Deskbot,
) -> None:
    admin = deskbot.chat("admin")
    await admin.command("deskbot", "language Billing en")
    assert rows(await admin.command("deskbot", "language"))["Billing"]["Language"] == "English"
    await admin.command("deskbot", "language Billing default")
    assert rows(await admin.command("deskbot", "language"))["Billing"]["Language"] == "Japanese"


@pytest.mark.parametrize("typed", ["fr", "klingon", "jp", "english please"])
async def test_a_language_deskbot_does_not_speak_is_refused_with_the_list(
    deskbot: Deskbot, typed: str
) -> None:
    admin = deskbot.chat("admin")
    refused = await admin.command("deskbot", f"language Support {typed}")
    assert "not a language Deskbot speaks" in refused.text, refused.text
    assert "en (English)" in refused.text and "ja (日本語)" in refused.text
    assert await deskbot.parts.settings.place_languages() == {}


@pytest.mark.parametrize("words", ["language ja", "language Marketing ja"])
async def test_a_missing_or_unknown_department_gets_the_usage(deskbot: Deskbot, words: str) -> None:
    refused = await deskbot.chat("admin").command("deskbot", words)
    assert "/deskbot language <department> <language>|default" in refused.text, refused.text
    assert await deskbot.parts.settings.place_languages() == {}


async def test_only_admins_choose_a_places_language(deskbot: Deskbot) -> None:
    for words in ("language", "language Support ja"):
        answer = await deskbot.chat("agent").command("deskbot", words)
        assert answer.kind == "banner" and answer.text == "Only admins can do that."
    assert await deskbot.parts.settings.place_languages() == {}


@pytest.mark.parametrize(
    "line", ['language = "fr"', 'department_languages = {"5000000000001" = "klingon"}']
)
def test_bot_toml_refuses_a_language_deskbot_does_not_speak(tmp_path: Path, line: str) -> None:
    path = tmp_path / "bot.toml"
    path.write_text(f"[notifications]\n{line}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"en \(English\), ja \(日本語\)"):
        load_config(path)


def test_bot_toml_takes_a_language_in_any_of_its_forms(tmp_path: Path) -> None:
    path = tmp_path / "bot.toml"
    path.write_text(
        '[notifications]\nlanguage = "ja-JP"\ndepartment_languages = {"1" = "EN"}\n',
        encoding="utf-8",
    )
    notifications = load_config(path).notifications
    assert (notifications.language, notifications.department_languages) == ("ja", {"1": "en"})


async def test_a_japanese_admin_reads_each_places_language_named_in_japanese(
    deskbot: Deskbot,
) -> None:
    """Issue 13's leftover: the table named languages in their own words ("English" to a
    Japanese admin); the codes to type keep their own names beside them."""
    admin = deskbot.chat("admin", language="ja")
    listed = await admin.command("deskbot", "language")
    [table] = listed.slides
    column = table["data"]["headers"][2]
    assert [r[column] for r in table["data"]["rows"]] == ["英語", "英語", "日本語", "英語"]
    assert "en (English), ja (日本語)" in listed.text  # what to type, each in its own name
    done = await admin.command("deskbot", "language Billing en")
    assert "英語" in done.text and "English" not in done.text, done.text
