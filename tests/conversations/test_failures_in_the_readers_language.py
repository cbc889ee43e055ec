"""Every command's usage and failure paths in the reader's language (issue 13's leftovers):
each command with nothing, a wrong word, too many words, and each of its verbs so, typed by an
agent, an admin, a light agent and someone who is no Desk agent, with Desk answering and with
Desk down; every button prefix and form with a stale or forged value; every menu action. In the
tests' pseudo-language (`qps`) every word shown must come from the catalogs or be data (what
was typed, the commands and verbs as typed, Desk's names); in Japanese no English sentence may
be left. A usage line, a description or a refusal that escaped the catalogs fails here, whatever
the command it belongs to."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from bot.app import routers
from bot.config import spoken_languages
from bot.notify.kinds import Kind
from bot.router import ANY_OTHER
from bot.testing import Answer, Conversation
from tests.conversations.test_d_languages import desk_data
from tests.deskbot.conftest import PEOPLE, Deskbot
from tests.deskbot.test_notifications import installed
from tests.words import untranslated, visible_texts

TYPED = ["zzz", "qqq"]
WHO = ("agent", "admin", "light", "stranger")
SENTENCE = re.compile(r"[A-Za-z]+(?:[ ,']+[A-Za-z]+){3,}")
"""Four English words in a row: a sentence, not a verb or a name (Japanese text holds verbs as
typed, `on|off`, and Desk's names, but never an English sentence)."""


def commands() -> Iterator[tuple[str, list[str]]]:
    """Every command of the bot and the verbs it takes (empty for none)."""
    for router in routers():
        for command in router.commands:
            takes = command.takes if isinstance(command.takes, dict) else {}
            yield command.name, [verb for verb in takes if verb not in ("", ANY_OTHER)]


def calls() -> Iterator[tuple[str, str]]:
    """(command, arguments): nothing, a wrong word, too many words; each verb alone, with a wrong
    word, with too many."""
    many = " ".join(TYPED * 4)
    yield "zzz", ""  # a command the bot does not have
    yield "tickt", "115"  # one close to one it has
    for name, verbs in commands():
        for verb in ["", *verbs]:
            yield name, verb
            yield name, f"{verb} zzz".strip()
            yield name, f"{verb} {many}".strip()


def typed_words() -> list[str]:
    """What a person types that is shown back as typed: commands, verbs, kinds, languages."""
    said = [
        *TYPED,
        *MESSAGES,
        "/zzz",
        "/tickt",
        "tickt",
        "Deskbot",
        "bot.toml",
        "on",
        "off",
        "channel",
        "dm",
        "create",
    ]
    said += ["disable", "preview", "send", "at", "test", "default", "all", "meal", "short"]
    for name, verbs in commands():
        said += [f"/{name}", name, *verbs]
    said += ["overdue tickets", "due today", "open tickets", "check in", "check out"]  # keywords
    said += ["meal break", "short break", "pong"]  # ping answers pong, in every language
    said += [kind.value for kind in Kind]
    said += [f"{code} ({name})" for code, name in spoken_languages().items()]
    said += [p["email"] for p in PEOPLE.values()]
    return said


def shows_only_catalog_words(answer: Answer, data: list[str], where: str) -> None:
    left = untranslated(answer.output, data=data)
    assert not left, f"{where}: {left} in {list(visible_texts(answer.output))}"


def shows_no_english_sentence(answer: Answer, data: list[str], where: str) -> None:
    for text in visible_texts(answer.output):
        for value in sorted(data, key=len, reverse=True):
            text = text.replace(value, " ")
        found = SENTENCE.findall(text)
        assert not found, f"{where}: English {found} in {list(visible_texts(answer.output))}"


async def sweep(deskbot: Deskbot, language: str, data: list[str]) -> int:
    """Every call of `calls()`, buttons, forms and menus, by every kind of person; the answers
    checked in `language`. Returns how many were checked."""
    check = shows_only_catalog_words if language == "qps" else shows_no_english_sentence
    checked = 0
    for who in WHO:
        chat = deskbot.chat(who, language=language)
        for name, args in calls():
            answer = await chat.command(name, args)
            check(answer, data, f"{who}: /{name} {args}")
            checked += 1
        for answer, where in await stale_calls(chat):
            check(answer, data, f"{who}: {where}")
            checked += 1
    return checked


async def stale_calls(chat: Conversation) -> list[tuple[Answer, str]]:
    """Each button prefix with a stale key, each form forged (not the bot's own), each menu
    action and sub-action; messages and mentions the bot half knows or does not; the welcome."""
    answers = []
    for router in routers():
        for route in router.buttons:
            button: dict[str, Any] = {"label": "x", "key": f"{route.prefix}:zzz"}
            answers.append((await chat.click(button), f"button {route.prefix}"))
        for form in router.forms:
            forged = {"type": "form", "name": form.name, "inputs": [], "action": {"name": "x"}}
            answers.append((await chat.submit({}, form=forged), f"form {form.name}"))
        for menu in router.menus:
            answer = await chat.menu(menu.name, menu.sub_action)
            answers.append((answer, f"menu {menu.name} {menu.sub_action}"))
    for text in MESSAGES:  # a word the bot does not know, one close to a keyword, one it knows
        answers.append((await chat.say(text), f"message {text}"))
        answers.append((await chat.mention(text), f"mention {text}"))
    answers.append((await chat.welcome(), "welcome"))
    return answers


MESSAGES = ("zzz", "overdue", "check", "遅延", "ping", "open tickets", "出勤")


@pytest.mark.parametrize("language", ["qps", "ja"])
@pytest.mark.parametrize("desk", ["up", "down"])
async def test_every_usage_and_failure_is_in_the_readers_language(
    deskbot: Deskbot, language: str, desk: str
) -> None:
    await installed(deskbot)
    sandboxes = deskbot.parts.sandboxes
    assert sandboxes is not None
    data = [a["emailId"] for a in sandboxes.desk.agents]
    data += [*await desk_data(deskbot), *typed_words(), "Asia/Tokyo", "sandbox fault"]
    data += ["SERVICE_UNAVAILABLE", "stranger@elsewhere.example", "#desk"]
    if desk == "down":
        sandboxes.desk.fail(503, "SERVICE_UNAVAILABLE", count=1_000_000)
    assert await sweep(deskbot, language, data) > 500
