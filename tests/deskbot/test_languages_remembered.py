"""Deskbot keeps the language each person's Cliq sends (issue 13 item 2), so their DMs are in it:
a call in Japanese makes Japanese their DMs' language; a call that does not say keeps it; with no
call at all, their Desk profile's `langCode` decides (the sandbox seeds Kenji as `ja_JP`)."""

from __future__ import annotations

from tests.deskbot.conftest import Deskbot


async def test_what_cliq_sends_is_the_dms_language(deskbot: Deskbot) -> None:
    readers = deskbot.parts.readers
    assert (await readers.person("kenji@example.com")).words.language == "ja"  # Desk's
    assert (await readers.person("agent@example.com")).words.language == "en"
    chat = deskbot.chat("agent")
    chat.user["language"] = "ja-JP"
    assert (await chat.say("ping")).status == 200
    assert (await readers.person("agent@example.com")).words.language == "ja"
    del chat.user["language"]  # Cliq did not say: kept as it was
    await chat.say("ping")
    assert (await readers.person("agent@example.com")).words.language == "ja"
    chat.user["language"] = "en_US"
    await chat.say("ping")
    assert (await readers.person("agent@example.com")).words.language == "en"
