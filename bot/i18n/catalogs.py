"""The message catalogs: where they live, their domains, and loading one language's.

Catalogs are gettext `.po` files under `bot/i18n/locales/<language>/LC_MESSAGES/<domain>.po`, one
per domain so that work on different parts of the bot never edits the same file. Each domain's
sources are listed in its Babel mapping, `bot/i18n/locales/<domain>.cfg` (patterns relative to
the repository's root, read by `pybabel extract -F`). English is the source language: a msgid is
the English text, so English needs no catalog and is the fallback for any missing entry.

`scripts/catalogs update` re-extracts every domain and merges the result into each language's
`.po`; `scripts/catalogs compile` (run by `scripts/setup`) writes the `.mo` files, which are not
committed. A `.mo` missing or older than its `.po` is ignored and the `.po` is compiled in
memory instead, so a fresh checkout never speaks a stale catalog.
"""

from __future__ import annotations

import io
import logging
from functools import cache
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

log = logging.getLogger(__name__)

LOCALES = Path(__file__).parent / "locales"
DOMAINS = ("framework", "deskbot", "notices", "attendance", "console")
"""The catalogs' domains: the framework's own answers; Deskbot's commands and cards;
notifications, DMs, digests and reminders; attendance; the web console."""
SOURCE = "en"
"""The language of every msgid (and so of every string in the code)."""
PSEUDO = "qps"
"""The tests' pseudo-language: every translated text in full-width letters (`pseudo`)."""


def catalog_path(language: str, domain: str, suffix: str = ".po") -> Path:
    return LOCALES / language / "LC_MESSAGES" / f"{domain}{suffix}"


def translated_languages() -> tuple[str, ...]:
    """The languages with catalogs on disk (a folder under `locales/` holding a `.po`)."""
    return tuple(
        sorted(
            folder.name
            for folder in LOCALES.iterdir()
            if folder.is_dir() and any((folder / "LC_MESSAGES").glob("*.po"))
        )
    )


def read_catalog(language: str, domain: str) -> Catalog | None:
    """One domain's `.po` of `language`, parsed (None when the language has none)."""
    path = catalog_path(language, domain)
    if not path.exists():
        return None
    with path.open("rb") as po:
        return read_po(po, locale=language, domain=domain)


def _compiled(catalog: Catalog) -> Translations:
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer)


def _domain(language: str, domain: str) -> Translations | None:
    po, mo = catalog_path(language, domain), catalog_path(language, domain, ".mo")
    if not po.exists():
        return None
    if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
        with mo.open("rb") as compiled:
            return Translations(compiled, domain=domain)
    log.info("%s is missing or older than its .po: compiled in memory", mo)
    catalog = read_catalog(language, domain)
    assert catalog is not None
    return _compiled(catalog)


@cache
def translations(language: str) -> Translations:
    """Every domain of `language` merged into one lookup (a msgid is looked up in all of them;
    `tests/i18n/test_catalogs.py` holds that no two domains translate one msgid differently).
    Raises KeyError for a language without catalogs."""
    if language == PSEUDO:
        return pseudo()
    if language not in translated_languages():
        raise KeyError(language)
    found = [t for t in (_domain(language, domain) for domain in DOMAINS) if t is not None]
    merged = found[0]  # its header gives the language's plural rule, which merge() does not copy
    for other in found[1:]:
        merged.merge(other)
    return merged


def full_width(text: str) -> str:
    """ASCII letters as their full-width forms (`Open` → `Ｏｐｅｎ`), `{placeholders}` kept; the
    length in characters is unchanged, so the pseudo-language meets the same card limits."""
    out: list[str] = []
    depth = 0
    for char in text:
        if char == "{":
            depth += 1
        elif char == "}":
            depth = max(depth - 1, 0)
        if depth == 0 and char.isascii() and char.isalpha():
            out.append(chr(ord(char) + 0xFEE0))
        else:
            out.append(char)
    return "".join(out)


@cache
def pseudo() -> Translations:
    """The pseudo-language's catalog: every msgid of every domain (read from the Japanese
    catalogs, which hold all of them) translated to itself in full width. A string that escaped
    the catalogs stays in ASCII letters, which is what the tests look for."""
    catalog = Catalog(locale="en", domain="pseudo")
    for domain in DOMAINS:
        source = read_catalog("ja", domain)
        for message in source or ():
            if not message.id:
                continue
            if isinstance(message.id, tuple | list):
                shown: str | tuple[str, ...] = tuple(full_width(part) for part in message.id)
            else:
                shown = full_width(message.id)
            catalog.add(message.id, shown, context=message.context)
    return _compiled(catalog)
