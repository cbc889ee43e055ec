"""`deskbot shim --app module:factory --url …` prints the Deluge shims of a bot built on the
framework (its commands, suggestions, menu actions, button and form functions), so a second bot
can be deployed to Cliq; before, `deskbot shim` knew only Deskbot's handlers."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from bot.cli import main

PAGER = """
from aiohttp import web

from bot.framework import Bot, CommandSuggestion, Context, HmacVerifier, Router, make_web_app

router = Router()


@router.command("page", takes=1)
async def page(ctx: Context, args: str) -> str:
    return f"paging {args}"


@router.suggestion("page")
async def who(ctx: Context, typed: str) -> list[CommandSuggestion]:
    return [CommandSuggestion(title="aiko")]


@router.menu("On call")
async def on_call(ctx: Context) -> str:
    return "Aiko"


@router.button("ack")
async def ack(ctx: Context, rest: str) -> str:
    return "acknowledged"


def app(secret: str) -> web.Application:
    bot = Bot(name="Pager").include(router)
    return make_web_app(bot, HmacVerifier(secret, bot.clock))


def not_a_bot(secret: str) -> web.Application:
    return web.Application()
"""


@pytest.fixture
def pager(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "pager_bot.py").write_text(PAGER, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delitem(sys.modules, "pager_bot", raising=False)
    monkeypatch.setenv("DESKBOT_CLIQ_SECRET", "shim-secret")
    return tmp_path


def test_the_shims_of_a_framework_bot(pager: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = "https://pager.example.com/cliq"
    assert main(["shim", "--app", "pager_bot:app", "--url", url]) == 0
    out = capsys.readouterr().out
    headings = [line for line in out.splitlines() if line.startswith("// ") and "→" in line]
    assert "// Command /page → Execution handler" in headings
    assert "// Command /page → Suggestion handler" in headings
    assert "// Bot Pager → Menu action “On call”" in headings
    assert any(h.startswith("// Function botbutton") and "ack" in h for h in out.splitlines())
    assert f"forward every call to {url}" in out and '"shim-secret"' in out
    assert "/ticket" not in out  # none of Deskbot's


def test_shim_app_needs_the_public_url(pager: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["shim", "--app", "pager_bot:app"]) == 2
    assert "shim --app needs --url" in capsys.readouterr().err


def test_shim_app_names_a_factory_serving_no_bot(
    pager: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["shim", "--app", "pager_bot:not_a_bot", "--url", "https://x.example/cliq"]) == 2
    assert "serves no framework bot" in capsys.readouterr().err
