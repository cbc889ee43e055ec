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


_FACTORY = """
from aiohttp import web


def app(secret):
    async def cliq(request):
        return web.json_response({"output": {"text": "hello from the current directory"}})

    application = web.Application()
    application.router.add_post("/cliq", cliq)
    return application
"""


def test_chat_app_is_found_in_the_current_directory_from_the_console_script(
    tmp_path: Path,
) -> None:
    """The installed `deskbot` script (whose sys.path lacks the current directory) finds
    `--app module:factory` there, as `python -m bot` does."""
    import subprocess
    import sys

    script = Path(sys.executable).parent / "deskbot"
    assert script.exists(), "the console script is installed with the package"
    (tmp_path / "bot.toml").write_text("")
    (tmp_path / "herebot_pkg").mkdir()
    (tmp_path / "herebot_pkg" / "__init__.py").write_text("")
    (tmp_path / "herebot_pkg" / "talk.py").write_text(_FACTORY)
    done = subprocess.run(
        [str(script), "chat", "--app", "herebot_pkg.talk:app"],
        cwd=tmp_path,
        input="hi\nquit\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "hello from the current directory" in done.stdout


def test_chat_app_lookup_adds_the_current_directory_to_a_bare_sys_path(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """In-process, with sys.path as a console script has it (no '' and no cwd)."""
    import os
    import sys

    from bot.chat import load_app

    (tmp_path / "herebot_mod.py").write_text(_FACTORY)
    monkeypatch.chdir(tmp_path)
    bare = [p for p in sys.path if p not in ("", os.getcwd(), str(tmp_path))]
    monkeypatch.setattr(sys, "path", bare)
    monkeypatch.delitem(sys.modules, "herebot_mod", raising=False)
    app = load_app("herebot_mod:app", "secret")
    assert app.router.routes()


def _card_bot(heard: list[dict[str, object]]):  # type: ignore[no-untyped-def]
    """A bot whose every answer has one button of each kind, the invoke one not first; it
    records what reached it."""
    from aiohttp import web

    async def cliq(request: web.Request) -> web.Response:
        from bot.cliq.envelope import parse_envelope

        heard.append(parse_envelope(await request.read()).model_dump(mode="json"))
        buttons = [
            {
                "label": "Connect Desk",
                "action": {"type": "open.url", "data": {"web": "http://127.0.0.1:1/connect"}},
            },
            {
                "label": "Preview",
                "action": {"type": "preview.url", "data": {"web": "http://127.0.0.1:1/p"}},
            },
            {"label": "Copy id", "action": {"type": "copy", "data": {"text": "T-42"}}},
            {"label": "Call", "action": {"type": "system.api", "data": {"api": "audiocall/1"}}},
            {
                "label": "Refresh",
                "action": {"type": "invoke.function", "data": {"name": "refresh"}},
            },
        ]
        return web.json_response({"output": {"text": "card", "buttons": buttons}})

    def build(port: int) -> web.Application:
        app = web.Application()
        app.router.add_post("/cliq", cliq)
        return app

    return build


async def test_chat_shows_link_and_other_buttons_as_what_they_are_and_numbers_only_bot_ones() -> (
    None
):
    from bot.chat import run_chat

    heard: list[dict[str, object]] = []
    typed: Iterator[str] = iter(["hello", "1", "2", "quit"])
    screen: list[str] = []

    async def ask(prompt: str) -> str:
        return next(typed)

    await run_chat(secret="s", app_at=_card_bot(heard), ask=ask, show=screen.append)
    shown = "\n".join(screen)
    assert "[link] Connect Desk: http://127.0.0.1:1/connect  (open it in a browser)" in shown
    assert "[link] Preview: http://127.0.0.1:1/p" in shown
    assert "[copy] Copy id: T-42" in shown and "[Call] (a Cliq system.api action" in shown
    assert "[1] Refresh" in shown and "[2]" not in shown
    handlers = [(b.get("handler") or {}).get("type") for b in heard]  # type: ignore[union-attr]
    assert handlers == ["message_handler", "button_handler", "message_handler"]
    assert "refresh" in str(heard[1])  # "1" clicked the invoke button, the only bot button
    assert heard[2]["params"]["message"]["text"] == "2"  # type: ignore[index]  # no 2nd bot button


async def test_chat_sends_a_message_over_several_lines_with_trailing_backslashes() -> None:
    from bot.chat import run_chat

    heard: list[dict[str, object]] = []
    typed: Iterator[str] = iter(["first \\", "second\\", "third", "quit"])
    prompts: list[str] = []

    async def ask(prompt: str) -> str:
        prompts.append(prompt)
        return next(typed)

    await run_chat(secret="s", app_at=_card_bot(heard), ask=ask, show=lambda _: None)
    assert len(heard) == 1
    assert heard[0]["params"]["message"]["text"] == "first \nsecond\nthird"  # type: ignore[index]
    assert prompts == ["you> ", "...> ", "...> ", "you> "]
