"""The guide's way of testing a bot kept outside this repository works as written: its
`pytest.ini` and test file, beside a module of the reader's own, pass when pytest runs in that
folder (a fresh process, none of this repository's configuration)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.framework.imports import ROOT

GUIDE = ROOT / "docs" / "framework.md"
_FILE = re.compile(r"^```\w+ (\S+)\n(.*?)^```", re.MULTILINE | re.DOTALL)

DICE = """
from bot.framework import Bot, Clock, Context, Message, Router, UsageError

router = Router()


@router.command("roll", usage="/roll <sides>")
async def roll(ctx: Context, args: str) -> Message:
    if not args.isdigit() or int(args) < 2:
        raise UsageError(f"“{args}” is not a number of sides")
    return Message(text=f"{ctx.user.first_name} rolls a d{args}.")


def build(clock: Clock | None = None) -> Bot:
    return Bot(name="Dice", clock=clock).include(router)
"""


def guide_files() -> dict[str, str]:
    """The guide's blocks that name a file (```ini pytest.ini): path → text."""
    return {m.group(1): m.group(2) for m in _FILE.finditer(GUIDE.read_text(encoding="utf-8"))}


def test_the_guides_files_for_a_bot_kept_elsewhere_pass(tmp_path: Path) -> None:
    files = guide_files()
    assert {"pytest.ini", "tests/test_dice.py"} <= set(files)
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "dice.py").write_text(DICE, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "PYTHON"))}
    ran = subprocess.run(
        # The `pytest` command, as the guide says: `python -m pytest` would put the folder on
        # sys.path itself and hide a missing `pythonpath`.
        [Path(sys.executable).with_name("pytest"), "-q", "-p", "no:cacheprovider", "tests"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=50,
        check=False,
    )
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert "1 passed" in ran.stdout
