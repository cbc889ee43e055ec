"""The catalogs hold every user-facing string, in Japanese, and match the code (issue 13 Show):

- every msgid of every domain has its Japanese (each plural form; and so for any language added),
  none fuzzy, with the same `{placeholders}` as the English;
- each domain's catalog is what `pybabel extract` finds in the code today (re-extracted into a
  temporary folder and compared): a string added, changed or removed without
  `scripts/catalogs update` fails here;
- every file that marks a string belongs to exactly one domain's mapping;
- no msgid is translated two ways by two domains (they are looked up together);
- every text with a limited context (`bot.i18n.LIMITED`: buttons, banners, labels…) fits its
  Cliq limit in every language.
"""

from __future__ import annotations

import configparser
import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po
from babel.util import pathmatch

from bot.i18n import DOMAINS, LIMITED
from bot.i18n.catalogs import LOCALES, read_catalog, translated_languages
from bot.i18n.tool import ROOT, extract

PLACEHOLDER = re.compile(r"(?<!\{)\{([^{}]*)\}(?!\})")
MARKER = re.compile(r"\b(?:n?p?gettext|_|N_)\(")


def entries(catalog: Catalog) -> dict[tuple[str | None, str], Message]:
    """Non-header messages by (context, msgid and plural joined)."""
    found = {}
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple | list) else (message.id,)
        found[(message.context, "\x00".join(ids))] = message
    return found


def differences(extracted: Catalog, kept: Catalog) -> list[str]:
    """What `kept` (a language's .po) lacks or has too many of, against `extracted` (the code)."""
    code, po = entries(extracted), entries(kept)
    return [f"missing from the catalog: {key}" for key in code.keys() - po.keys()] + [
        f"no longer in the code: {key}" for key in po.keys() - code.keys()
    ]


def kept(language: str, domain: str) -> Catalog:
    catalog = read_catalog(language, domain)
    assert catalog is not None, f"no {language} catalog for {domain}: scripts/catalogs update"
    return catalog


EVERY = [(language, domain) for language in translated_languages() for domain in DOMAINS]


def strings(message: Message) -> list[str]:
    return list(message.string) if isinstance(message.string, tuple | list) else [message.string]


def ids(message: Message) -> list[str]:
    return list(message.id) if isinstance(message.id, tuple | list) else [message.id]


def test_japanese_and_english_are_the_languages() -> None:
    assert translated_languages() == ("ja",)
    for domain in DOMAINS:
        assert (LOCALES / f"{domain}.cfg").exists()
        assert (LOCALES / "ja" / "LC_MESSAGES" / f"{domain}.po").exists()


@pytest.mark.parametrize(("language", "domain"), EVERY)
def test_every_msgid_has_its_translation(language: str, domain: str) -> None:
    untranslated = [
        (m.context, m.id)
        for m in kept(language, domain)
        if m.id and (m.fuzzy or not all(s.strip() for s in strings(m)))
    ]
    assert untranslated == [], f"write the {language} of these in {language}/{domain}.po"


@pytest.mark.parametrize(("language", "domain"), EVERY)
def test_translations_keep_the_placeholders(language: str, domain: str) -> None:
    wrong = []
    for message in kept(language, domain):
        if not message.id:
            continue
        wanted = set(PLACEHOLDER.findall(ids(message)[-1]))
        for text in strings(message):
            if text and set(PLACEHOLDER.findall(text)) != wanted:
                wrong.append((message.id, text))
    assert wrong == []


@pytest.mark.parametrize("domain", DOMAINS)
def test_the_catalogs_are_current_with_the_code(domain: str, tmp_path: Path) -> None:
    pot = tmp_path / f"{domain}.pot"
    extract(domain, pot)
    with pot.open("rb") as extracted:
        code = read_po(extracted)
    for language in translated_languages():
        found = differences(code, kept(language, domain))
        assert found == [], f"run scripts/catalogs update ({language}, domain {domain})"


def test_a_stale_catalog_is_found() -> None:
    """The comparison above can fail: a msgid new in the code, one gone, a plural changed."""
    code, po = Catalog(), Catalog()
    code.add("Kept")
    code.add("New")
    code.add(("{n} day", "{n} days"), context="duration")
    po.add("Kept", "残す")
    po.add("Gone", "消えた")
    po.add(("{n} day", "{n} day(s)"), ("{n}日",), context="duration")
    assert sorted(differences(code, po)) == sorted(
        [
            "missing from the catalog: (None, 'New')",
            "missing from the catalog: ('duration', '{n} day\\x00{n} days')",
            "no longer in the code: (None, 'Gone')",
            "no longer in the code: ('duration', '{n} day\\x00{n} day(s)')",
        ]
    )


def mapped(domain: str) -> list[str]:
    parser = configparser.RawConfigParser()
    parser.read(LOCALES / f"{domain}.cfg", encoding="utf-8")
    return [section.split(":", 1)[1].strip() for section in parser.sections()]


def marking_files() -> list[str]:
    """Every source file that marks a string for the catalogs (a gettext call, or `_(` in a
    template)."""
    found = []
    for pattern in ("bot/**/*.py", "attendance/**/*.py", "bot/**/*.j2", "bot/**/*.html"):
        for path in ROOT.glob(pattern):
            if "sandbox" in path.parts or "testing" in path.parts:
                continue
            if MARKER.search(path.read_text(encoding="utf-8")):
                found.append(path.relative_to(ROOT).as_posix())
    return sorted(found)


def test_every_marking_file_is_in_exactly_one_domain() -> None:
    patterns = {domain: mapped(domain) for domain in DOMAINS}
    files = marking_files()
    assert "bot/i18n/words.py" in files
    homes = {f: [d for d in DOMAINS if any(pathmatch(p, f) for p in patterns[d])] for f in files}
    assert {f: d for f, d in homes.items() if len(d) != 1} == {}


def test_no_msgid_is_translated_two_ways() -> None:
    seen: dict[tuple[str, str | None, str], tuple[str, list[str]]] = {}
    clashes = []
    for language, domain in EVERY:
        for (context, msgid), message in entries(kept(language, domain)).items():
            key = (language, context, msgid)
            if key in seen and seen[key][1] != strings(message):
                clashes.append((key, seen[key][0], domain))
            seen.setdefault(key, (domain, strings(message)))
    assert clashes == [], "give one of them a msgctxt of its own"


def test_limited_texts_fit_in_every_language() -> None:
    over = []
    for language, domain in EVERY:
        for message in kept(language, domain):
            limit = LIMITED.get(message.context or "")
            if not message.id or limit is None:
                continue
            for text in [*ids(message), *strings(message)]:
                if len(text) > limit:
                    over.append((message.context, text, len(text), limit))
    assert over == []
