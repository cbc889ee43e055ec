"""`deskbot chat --app examples.standup:app`: the terminal chat talks to the stand-up bot."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

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


def _form_bot(heard: list[dict[str, object]]):  # type: ignore[no-untyped-def]
    """A bot that answers any message with a form (a text and a select), refuses a submit whose
    select is not one it offered with a form_error naming that field (as Cliq keeps the form
    open), and records every call."""
    from aiohttp import web

    form = {
        "type": "form",
        "title": "Reply",
        "name": "reply",
        "action": {"type": "invoke.function", "name": "replyform"},
        "inputs": [
            {"type": "textarea", "name": "content", "label": "Reply"},
            {
                "type": "select",
                "name": "then_status",
                "label": "Then set status",
                "options": [{"label": "Open", "value": "Open"}, {"label": "Closed", "value": "C"}],
            },
            {"type": "hidden", "name": "ticket", "value": "115"},
        ],
    }

    async def cliq(request: web.Request) -> web.Response:
        from bot.cliq.envelope import parse_envelope

        env = parse_envelope(await request.read()).model_dump(mode="json")
        heard.append(env)
        if (env.get("handler") or {}).get("type") != "form_handler":
            return web.json_response({"output": form})
        values = env["params"]["form"]["values"]
        status = values.get("then_status")
        picked = status.get("value") if isinstance(status, dict) else status
        if picked not in ("Open", "C"):
            error = {"then_status": f"“{picked}” is not one of the choices offered"}
            return web.json_response(
                {"output": {"type": "form_error", "text": "Pick again.", "inputs": error}}
            )
        return web.json_response({"output": {"text": f"sent {values['content']} → {picked}"}})

    def build(port: int) -> web.Application:
        app = web.Application()
        app.router.add_post("/cliq", cliq)
        return app

    return build


async def _chat_with_form_bot(
    lines: list[str], language: str = "en"
) -> tuple[str, list[dict[str, object]]]:
    """Chat with `_form_bot`, typing `lines`; input then ends (EOFError, as Ctrl-D or a pipe's
    end). Returns the screen and the calls the bot heard."""
    from bot.chat import run_chat

    heard: list[dict[str, object]] = []
    typed: Iterator[str] = iter(lines)
    screen: list[str] = []

    async def ask(prompt: str) -> str:
        screen.append(prompt)
        try:
            return next(typed)
        except StopIteration:
            raise EOFError from None

    await run_chat(
        secret="s", app_at=_form_bot(heard), ask=ask, show=screen.append, language=language
    )
    return "\n".join(screen), heard


def _submits(heard: list[dict[str, object]]) -> list[dict[str, object]]:
    return [
        e["params"]["form"]["values"]  # type: ignore[index]
        for e in heard
        if (e.get("handler") or {}).get("type") == "form_handler"  # type: ignore[union-attr]
    ]


async def test_chat_asks_again_the_field_a_form_error_names_keeping_the_others() -> None:
    """Cliq keeps a form open with the error next to the field; the terminal asks that field
    again (a number not offered, then text not offered, then a good pick), keeping the rest."""
    screen, heard = await _chat_with_form_bot(["hello", "Thanks", "9", "maybe", "2", "quit"])
    submits = _submits(heard)
    assert [s["then_status"] for s in submits] == [
        "9",
        "maybe",
        {"label": "Closed", "value": "C"},
    ]
    assert all(s["content"] == "Thanks" and s["ticket"] == "115" for s in submits)
    assert screen.count("  Reply: ") == 1 and screen.count("  Then set status: ") == 3
    assert "“9” is not one of the choices offered" in screen
    assert "sent Thanks → C" in screen


async def test_chat_input_ending_or_a_dot_in_a_form_sends_nothing_and_never_raises() -> None:
    for lines in (["hello"], ["hello", "Thanks"], ["hello", "Thanks", "9"]):  # EOF at each prompt
        screen, heard = await _chat_with_form_bot(lines)
        assert "input ended in a form: nothing was sent" in screen, lines
        assert len(_submits(heard)) == (1 if len(lines) == 3 else 0), lines
    for lines in (["hello", ".", "quit"], ["hello", "Thanks", ".", "quit"]):
        screen, heard = await _chat_with_form_bot(lines)
        assert "form dropped: nothing was sent" in screen and not _submits(heard), lines
        assert screen.count("you> ") == 2, lines  # back at the prompt, then quit


@pytest.mark.parametrize("language", ["ja", "qps"])
async def test_the_chats_own_words_are_in_the_persons_language(language: str) -> None:
    """`deskbot chat --lang ja`: the help line, prompts and the chat's own notes (a link to open,
    a form dropped, a form cut short) in Japanese; in the pseudo-language none escapes."""
    from bot.chat import run_chat
    from tests.words import assert_translated

    heard: list[dict[str, object]] = []
    prompts: list[str] = []
    screen: list[str] = []
    typed: Iterator[str] = iter(["hello", "終了"])

    async def ask(prompt: str) -> str:
        prompts.append(prompt)
        return next(typed)

    await run_chat(
        secret="s", app_at=_card_bot(heard), ask=ask, show=screen.append, language=language
    )
    cards, bots = "\n".join(screen), ["Connect Desk", "Preview", "Copy id", "T-42", "Call"]
    bots += ["card", "Refresh", "system.api", "http://127.0.0.1:1/connect", "http://127.0.0.1:1/p"]
    if language == "ja":
        assert prompts == ["あなた> ", "あなた> "]  # 終了 ends it, as quit does
        assert "「quit」か「終了」を入力してください" in screen[0]
        assert (
            "[リンク] Connect Desk: http://127.0.0.1:1/connect  (ブラウザーで開いてください)"
            in cards
        )
        assert "[コピー] Copy id: T-42" in cards and "Cliqでのみ使えます" in cards
    else:
        ours = [line for line in screen if "== " not in line]  # the bot's card title is its own
        assert_translated({"text": "\n".join([*prompts, *ours])}, data=[*bots, "quit", "終了"])
    form_screen, _ = await _chat_with_form_bot(["hello", "."], language=language)
    more, _ = await _chat_with_form_bot(["hello", "Thanks"], language=language)
    if language == "ja":
        assert "(フォームを取り消しました。何も送信していません)" in form_screen
        assert "(フォームの途中で入力が終わりました。何も送信していません)" in more


def test_ctrl_c_ends_the_chat_at_once_without_a_traceback(tmp_path: Path) -> None:
    """SIGINT while the chat waits for a line (the reading thread blocked in input()): exit
    130, nothing on stderr but a line break, and no wait for another key."""
    import signal
    import subprocess
    import sys
    import time

    config = tmp_path / "bot.toml"
    config.write_text("")
    run_cli = "import sys; from bot.cli import main; sys.exit(main())"
    argv = ["chat", "--config", str(config), "--app", "examples.standup:app"]
    chat = subprocess.Popen(
        [sys.executable, "-c", run_cli, *argv],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=Path(__file__).resolve().parent.parent,
    )
    try:
        assert chat.stdout is not None
        seen = b""
        while not seen.endswith(b"you> "):  # the prompt is up: input() is blocked reading
            byte = chat.stdout.read(1)
            assert byte, seen
            seen += byte
        chat.send_signal(signal.SIGINT)
        started = time.monotonic()
        _, err = chat.communicate(timeout=20)
    finally:
        if chat.poll() is None:
            chat.kill()
    assert chat.returncode == 130, err
    assert b"Traceback" not in err and b"Fatal Python error" not in err, err
    assert time.monotonic() - started < 10


@pytest.mark.parametrize("path", ["", "/"])
async def test_chat_given_only_the_bots_address_talks_to_its_cliq_endpoint(
    aiohttp_server: Any, path: str
) -> None:
    """`deskbot chat --url http://127.0.0.1:8080` (the address `serve` prints, no `/cliq`)
    reaches the bot's /cliq, instead of a 404 on every line."""
    from bot.chat import run_chat

    heard: list[dict[str, object]] = []
    server = await aiohttp_server(_card_bot(heard)(0))
    typed: Iterator[str] = iter(["hello", "quit"])
    screen: list[str] = []

    async def ask(prompt: str) -> str:
        return next(typed)

    address = str(server.make_url("")).rstrip("/") + path
    await run_chat(secret="s", url=address, ask=ask, show=screen.append)
    assert "card" in "\n".join(screen) and "404" not in "\n".join(screen)
    assert len(heard) == 1


def test_a_cliq_address_with_a_path_is_taken_as_given() -> None:
    from bot.chat import cliq_address

    assert cliq_address("http://h:1/cliq") == "http://h:1/cliq"
    assert cliq_address("https://bot.example.com/deskbot/cliq") == (
        "https://bot.example.com/deskbot/cliq"
    )
    assert cliq_address("https://bot.example.com") == "https://bot.example.com/cliq"


_WRONG_FACTORIES = """
from aiohttp import web

def no_secret():
    return web.Application()

def bot_only(secret):
    return object()

async def later(secret):
    return web.Application()

not_callable = 3
"""


@pytest.mark.parametrize(
    ("factory", "told"),
    [
        ("no_secret", "is called with the HMAC secret to accept, but is declared no_secret()"),
        ("bot_only", "the factory returned object, not an app"),
        ("later", "the factory is async def"),
        ("not_callable", "not callable"),
    ],
)
def test_chat_app_says_what_the_factory_must_be(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, factory: str, told: str
) -> None:
    import sys

    from bot.chat import AppSpecError, load_app

    (tmp_path / "wrongbot_mod.py").write_text(_WRONG_FACTORIES)
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "wrongbot_mod", raising=False)
    with pytest.raises(AppSpecError) as refused:
        load_app(f"wrongbot_mod:{factory}", "secret")
    assert told in str(refused.value)
    assert "wanted def factory(secret: str) -> web.Application" in str(refused.value)
