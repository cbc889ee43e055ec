"""The catalogs' maintenance, through pybabel (`scripts/catalogs` runs this):

    python -m bot.i18n.tool update    # pybabel extract each domain (by its mapping
                                      # locales/<domain>.cfg) and pybabel update every language
    python -m bot.i18n.tool compile   # pybabel compile every language's .po into its .mo
    python -m bot.i18n.tool init xx   # a new language: pybabel init xx for every domain

Locations are written as file names only (`#: bot/answers.py`), so moving a line never changes
a catalog; entries are sorted; obsolete ones dropped; no fuzzy guesses (a new msgid stays
untranslated until someone writes it, and tests/i18n/test_catalogs.py says so).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from bot.i18n.catalogs import DOMAINS, LOCALES, translated_languages

ROOT = LOCALES.parents[2]  # the repository (the mappings' patterns are relative to it)


def pybabel(*args: str) -> None:
    """Run one pybabel command from the repository's root, so the catalogs name files by their
    path in it. Raises CalledProcessError (with pybabel's output) when it fails."""
    command = [sys.executable, "-m", "babel.messages.frontend", "-q", *args]
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True)


def extract(domain: str, pot: Path) -> None:
    """`domain`'s msgids from the code into the template `pot`."""
    pybabel(
        "extract",
        "-F",
        str(LOCALES / f"{domain}.cfg"),
        "--add-location=file",
        "--sort-output",
        "--no-wrap",
        "--project=deskbot",
        "-o",
        str(pot),
        ".",
    )


def update() -> None:
    with tempfile.TemporaryDirectory() as folder:
        for domain in DOMAINS:
            pot = Path(folder) / f"{domain}.pot"
            extract(domain, pot)
            for language in translated_languages():
                pybabel(
                    "update",
                    "-D",
                    domain,
                    "-i",
                    str(pot),
                    "-d",
                    str(LOCALES),
                    "-l",
                    language,
                    "--init-missing",
                    "--no-fuzzy-matching",
                    "--ignore-obsolete",
                    "--ignore-pot-creation-date",
                    "--no-wrap",
                )


def init(language: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        for domain in DOMAINS:
            pot = Path(folder) / f"{domain}.pot"
            extract(domain, pot)
            pybabel(
                "init",
                "-D",
                domain,
                "-i",
                str(pot),
                "-d",
                str(LOCALES),
                "-l",
                language,
                "--no-wrap",
            )


def compile_all() -> None:
    for language in translated_languages():
        for domain in DOMAINS:
            if (LOCALES / language / "LC_MESSAGES" / f"{domain}.po").exists():
                pybabel("compile", "-D", domain, "-d", str(LOCALES), "-l", language)


def main(argv: list[str]) -> int:
    if argv[:1] == ["update"]:
        update()
    elif argv[:1] == ["compile"]:
        compile_all()
    elif argv[:1] == ["init"] and len(argv) == 2:
        init(argv[1])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
