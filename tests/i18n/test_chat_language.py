"""`deskbot chat --lang ja` (issue 13 item 6): the terminal chat says the person's language as
Cliq's `user.language` does, so the bot answers in it; without `--lang`, English."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli import main


def _typing(monkeypatch: pytest.MonkeyPatch, lines: list[str]) -> None:
    typed: Iterator[str] = iter(lines)
    monkeypatch.setattr("builtins.input", lambda prompt="": next(typed))


@pytest.mark.parametrize(
    ("flags", "shown"),
    [
        (["--lang", "ja"], "「/nosuch」はわかりません。"),
        (["--lang", "ja-JP"], "「/nosuch」はわかりません。"),
        ([], "I don't know “/nosuch”."),
        (["--lang", "fr"], "I don't know “/nosuch”."),  # not spoken: the default
    ],
)
def test_the_chat_speaks_the_language_given(
    flags: list[str],
    shown: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    config = tmp_path / "bot.toml"
    config.write_text("")
    _typing(monkeypatch, ["/nosuch", "quit"])
    assert main(["chat", "--config", str(config), "--app", "examples.standup:app", *flags]) == 0
    assert shown in capsys.readouterr().out
