"""Every catalog speaks the glossary's one word per concept (tests/i18n/glossary.py): a text
using a banned variant, or an English text naming a concept whose Japanese does not use its word,
fails here with the domain, msgid and the word to use."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from bot.i18n import DOMAINS
from bot.i18n.catalogs import read_catalog
from tests.i18n.glossary import GLOSSARY, Term

PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def japanese() -> list[tuple[str, str, str]]:
    """(domain, English msgid, one Japanese msgstr) of every translated text."""
    found = []
    for domain in DOMAINS:
        catalog = read_catalog("ja", domain)
        assert catalog is not None
        for message in catalog:
            if not message.id:
                continue
            english = message.id[0] if isinstance(message.id, tuple | list) else message.id
            strings = (
                message.string if isinstance(message.string, tuple | list) else [message.string]
            )
            found += [(domain, english, s) for s in strings if s]
    return found


def misuses(term: Term, texts: list[tuple[str, str, str]]) -> list[str]:
    """What breaks `term` in `texts`: a banned variant, or a missing word the msgid calls for."""
    wrong = []
    for domain, english, text in texts:
        if term.banned.search(PLACEHOLDER.sub("", text)):
            wrong.append(f"{domain}: {english!r} → {text!r} (say {term.word})")
        elif term.required_for and term.required_for.search(PLACEHOLDER.sub("", english)):
            if term.word not in text:
                wrong.append(f"{domain}: {english!r} → {text!r} lacks {term.word}")
    return wrong


@pytest.mark.parametrize("term", GLOSSARY, ids=lambda t: t.concept)
def test_every_catalog_uses_the_glossary_word(term: Term) -> None:
    assert misuses(term, japanese()) == []


def test_a_variant_is_found() -> None:
    """The check finds each kind of slip, so it cannot pass by matching nothing."""
    by = {t.concept: t for t in GLOSSARY}
    slips = [
        ("console", "Channels", "チャネル"),
        ("console", "Tickets", "チケット"),
        ("console", "Daily digest", "日次の概要"),
        ("deskbot", "Last digest", "前回の概要"),
        ("deskbot", "Light agents can't change tickets in Desk.", "ライト担当者は変更できません。"),
        ("console", "Light agents cannot use the console", "ライトエージェントは利用できません"),
        ("attendance", "They are told by DM.", "DMで伝えます。"),
        ("console", "There is no agent {id}", "担当者'{id}'はいません。"),
    ]
    for concept, slip in zip(
        [
            "Cliq channel",
            "ticket",
            "daily digest",
            "daily digest",
            "light agent",
            "light agent",
            "direct message",
            "quotation",
        ],
        slips,
        strict=True,
    ):
        assert misuses(by[concept], [slip]), (concept, slip)
    kept = [("deskbot", "Setup → Channels → Email", "[設定]→[チャネル]→[メール]")]
    assert misuses(by["Cliq channel"], kept) == []
    assert (
        misuses(by["daily digest"], [("deskbot", "/deskbot digest send", "/deskbot digest send")])
        == []
    )


DISTINCT = [
    # A report's times (first check-in, last check-out) sit in one table with the statuses'
    # durations: 出勤時刻/退勤時刻 beside 出勤/退勤.
    [("attendance", "report", "In"), ("attendance", None, "Check In")],
    [("attendance", "report", "Out"), ("attendance", None, "Check Out")],
    [("console", None, "Check-in"), ("attendance", None, "Check In")],
    [("console", None, "Check-out"), ("attendance", None, "Check Out")],
]
"""Texts shown side by side for different things: their Japanese must differ."""


@pytest.mark.parametrize("texts", DISTINCT, ids=lambda t: " / ".join(m for _, _, m in t))
def test_side_by_side_texts_read_differently(texts: list[tuple[str, str | None, str]]) -> None:
    shown = []
    for domain, context, msgid in texts:
        catalog = read_catalog("ja", domain)
        assert catalog is not None
        message = catalog.get(msgid, context=context)
        assert message is not None and message.string, (domain, context, msgid)
        shown.append(message.string)
    assert len(set(shown)) == len(shown), shown


GETTEXT = {"gettext", "ngettext", "pgettext", "npgettext"}


def quoted_values(source: str) -> list[int]:
    """Lines where a catalog text gets a value through `repr()` or `!r` (Python's quotes, 'x',
    inside a sentence whose own quotes are the catalog's: 「」 in Japanese, “” in English)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or getattr(node.func, "attr", None) not in GETTEXT:
            continue
        for value in [k.value for k in node.keywords]:
            for inner in ast.walk(value):
                if isinstance(inner, ast.Call) and getattr(inner.func, "id", None) == "repr":
                    found.append(inner.lineno)
                if isinstance(inner, ast.FormattedValue) and inner.conversion == ord("r"):
                    found.append(inner.lineno)
    return found


def test_no_catalog_text_is_filled_with_pythons_quotes() -> None:
    root = Path(__file__).resolve().parents[2]
    files = [*(root / "bot").rglob("*.py"), *(root / "attendance").rglob("*.py")]
    assert len(files) > 50
    wrong = {
        str(path.relative_to(root)): lines
        for path in files
        if (lines := quoted_values(path.read_text(encoding="utf-8")))
    }
    assert wrong == {}
    slip = 'words.gettext("There is no agent {id}.", id=repr(x))\nw.pgettext("c", "m", v=f"{y!r}")'
    assert quoted_values(slip) == [1, 2]
