"""A bot author's type checker sees the framework's types: the package is marked typed (PEP 561,
`bot/py.typed`, shipped as package data), and mypy run on a bot kept elsewhere as the guide says
(`MYPYPATH` naming the checkout) refuses a listener of the wrong shape instead of reporting the
framework missing and every decorator untyped."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

from tests.framework.imports import ROOT

WRONG = """
from bot.framework import Context, Router

router = Router()


@router.command("roll")
async def roll(ctx: Context) -> str:  # a command takes (ctx, args)
    return "6"


@router.button("claim")
async def claim(ctx: Context, rest: str) -> dict[str, str]:  # Cliq's JSON is not a reply
    return {"text": "claimed"}


@router.keyword("hi")
async def hi(ctx: Context) -> str:
    return "hello"
"""


def test_the_framework_package_is_marked_typed_and_ships_the_marker() -> None:
    assert (ROOT / "bot" / "py.typed").is_file()
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "py.typed" in config["tool"]["setuptools"]["package-data"]["bot"]


def test_mypy_on_a_bot_kept_elsewhere_checks_its_listeners(tmp_path: Path) -> None:
    (tmp_path / "wrongbot.py").write_text(WRONG.lstrip(), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "MYPY"))}
    env["MYPYPATH"] = str(ROOT)
    ran = subprocess.run(
        [
            Path(sys.executable).with_name("mypy"),
            "--strict",
            "--cache-dir",
            str(tmp_path / "cache"),
            "wrongbot.py",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=50,
        check=False,
    )
    found = ran.stdout
    assert "import-not-found" not in found and "untyped" not in found, found
    assert 'wrongbot.py:6: error: Value of type variable "_Command"' in found, found
    assert 'wrongbot.py:11: error: Value of type variable "_Button"' in found, found
    assert "Found 2 errors in 1 file" in found, found
