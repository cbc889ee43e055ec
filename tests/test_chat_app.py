"""`deskbot chat --app examples.standup:app`: the terminal chat talks to the stand-up bot."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli import main


def _typing(monkeypatch: pytest.MonkeyPatch, lines: list[str]) -> list[str]:
    """Script the person at the terminal: each `input()` returns the next line."""
    prompts: list[str] = []
    typed: Iterator[str] = iter(lines)

    def fake_input(prompt: str = "") -> str:
        prompts.append(prompt)
        return next(typed)

    monkeypatch.setattr("builtins.input", fake_input)
    return prompts


def test_chat_with_the_standup_bot_posts_an_update(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    config = tmp_path / "bot.toml"
    config.write_text("")
    prompts = _typing(
        monkeypatch,
        ["/standup mobile", "1", "1", "", "Write the guide", "", "standup", "quit"],
    )
    assert main(["chat", "--config", str(config), "--app", "examples.standup:app"]) == 0
    screen = capsys.readouterr().out
    assert "== Stand-up: mobile ==" in screen and "[1] Post my update" in screen
    assert "1) On track" in screen and "3) Blocked" in screen  # the select, numbered
    assert "✔ Posted to #standup." in screen  # validated, posted through the REST client
    assert "== Stand-up: web ==" in screen  # the keyword
    assert prompts.count("you> ") == 4


def test_chat_refuses_an_app_that_is_not_one(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    config = tmp_path / "bot.toml"
    config.write_text("")
    assert main(["chat", "--config", str(config), "--app", "examples.standup"]) == 2
    assert "--app wants module:factory" in capsys.readouterr().err
    assert main(["chat", "--config", str(config), "--app", "examples.nothing:app"]) == 2
    assert "No module named" in capsys.readouterr().err
