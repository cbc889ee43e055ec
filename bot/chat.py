"""`deskbot chat`: a terminal conversation with a bot, so a newcomer can try it without Cliq.

Cards are drawn as text, the buttons that call the bot are numbered (type the number to click;
links are shown with their URL), and forms are asked for one input at a time. It talks HTTP to `/cliq` exactly as Cliq would, signed with the secret.
The chat's own words (its help line, prompts, notes) are in the person's language, the
`user.language` the conversation sends (`deskbot chat --lang ja`); what the bot answers is the
bot's own.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import inspect
import os
import socket
import sys
import threading
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import aiohttp
from aiohttp import web

from bot.clock import SystemClock
from bot.i18n import Languages, Words
from bot.testing.conversation import Answer, Conversation
from bot.testing.signing import SignedRequests

DROP_FORM = "."
"""Typed alone at a form's prompt: the form is dropped (Cliq's Cancel), nothing is submitted."""


QUIT = ("quit", "exit", "終了")
"""Typed alone at the chat's prompt: the chat ends (in either language)."""


def words_for(conversation: Conversation) -> Words:
    """The chat's own words: the language the person's Cliq says (`user.language`)."""
    return Languages().words(str(conversation.user.get("language") or ""))


def help_line(words: Words) -> str:
    """What to type, said once when the chat starts."""
    return words.gettext(
        "Type a message (end a line with \\ to go on to the next), a /command, a button number,"
        " or “quit”. In a form, a line with only a dot (.) drops the form."
    )


def render(answer: Answer, words: Words) -> str:
    """An answer as plain text, buttons numbered from 1; the chat's own marks in `words`'
    language."""
    if answer.status != 200:
        return f"[HTTP {answer.status}] {answer.body}"
    out = answer.output
    if isinstance(out, list):
        return "\n".join(
            f"  • {item.get('title', '')}  {item.get('description', '')}" for item in out
        )
    if not out:
        return words.gettext("(no answer)")
    kind = answer.kind
    if kind == "banner":
        mark = "✔" if out.get("status") == "success" else "✖"
        return f"{mark} {out.get('text', '')}"
    if kind == "form":
        return words.gettext("[form] {title}", title=out.get("title", ""))
    if kind == "form_error":
        return f"✖ {out.get('text', '')} " + ", ".join(
            f"{k}: {v}" for k, v in out.get("inputs", {}).items()
        )
    lines: list[str] = []
    if answer.title:
        lines.append(f"== {answer.title} ==")
    if answer.text:
        lines.append(answer.text)
    for slide in answer.slides:
        lines.extend(_slide(slide))
    for number, button in enumerate(clickable(answer), start=1):
        lines.append(f"  [{number}] {button.get('label', '')}")
    lines += [_not_clickable(button, words) for button in answer.buttons if not _invokes(button)]
    for suggestion in (out.get("suggestions") or {}).get("list", []):
        lines.append(f"  > {suggestion.get('text', '')}")
    return "\n".join(lines)


def _invokes(button: dict[str, Any]) -> bool:
    return bool((button.get("action") or {}).get("type", "invoke.function") == "invoke.function")


def clickable(answer: Answer) -> list[dict[str, Any]]:
    """The answer's buttons that call the bot (`invoke.function`), numbered from 1 in the chat.
    Other kinds (a link, copy, a Cliq system action) never reach the bot (cliq.md buttons)."""
    return [button for button in answer.buttons if _invokes(button)]


def _not_clickable(button: dict[str, Any], words: Words) -> str:
    """A button the terminal cannot click, said as what Cliq would do with it."""
    label = button.get("label", "")
    action = button.get("action") or {}
    data = action.get("data") or {}
    kind = action.get("type", "")
    if kind in ("open.url", "preview.url"):
        url = data.get("web") or next(iter(data.values()), "")
        return words.gettext(
            "  [link] {label}: {url}  (open it in a browser)", label=label, url=url
        )
    if kind == "copy":
        return words.gettext("  [copy] {label}: {text}", label=label, text=data.get("text", ""))
    return words.gettext(
        "  [{label}] (a Cliq {kind} action; only in Cliq)", label=label, kind=kind or "client"
    )


def _slide(slide: dict[str, Any]) -> list[str]:
    lines = [f"-- {slide['title']}"] if slide.get("title") else []
    data = slide.get("data")
    kind = slide.get("type")
    if kind == "label" and isinstance(data, list):
        lines += [f"   {key}: {value}" for pair in data for key, value in pair.items()]
    elif kind == "table" and isinstance(data, dict):
        headers = data.get("headers", [])
        lines.append("   " + " | ".join(headers))
        lines += [
            "   " + " | ".join(str(row.get(h, "")) for h in headers) for row in data.get("rows", [])
        ]
    elif kind == "list" and isinstance(data, list):
        lines += [f"   • {item}" for item in data]
    elif data is not None:
        lines.append(f"   {data}")
    return lines


async def _ask(prompt: str) -> str:
    """One line from the terminal, stripped. EOFError when input ends (Ctrl-D, a pipe's end).

    `input()` runs in a daemon thread, not the loop's executor: a thread blocked reading the
    terminal must not keep the process alive after Ctrl-C ends the chat (executor threads are
    joined at exit, so the chat would hang until Enter)."""
    loop = asyncio.get_running_loop()
    line: asyncio.Future[str] = loop.create_future()

    def settle(result: str | None, error: BaseException | None) -> None:
        if line.done():
            return
        if error is not None:
            line.set_exception(error)
        else:
            line.set_result(result or "")

    def read() -> None:
        try:
            typed = input(prompt)
        except BaseException as exc:  # EOFError, or an interrupt: handed to the awaiting chat
            outcome: tuple[str | None, BaseException | None] = (None, exc)
        else:
            outcome = (typed, None)
        # Ctrl-C may have ended the chat (and closed its loop) while this thread was blocked in
        # input(): then nobody waits for the line, and handing it over would raise here.
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(settle, *outcome)

    threading.Thread(target=read, name="deskbot-chat-input", daemon=True).start()
    return (await line).strip()


Ask = Callable[[str], Awaitable[str]]
Show = Callable[[str], None]


class FormDropped(Exception):
    """The person dropped the form at a prompt (typed `DROP_FORM`); nothing is submitted."""


async def _fill_form(
    form: dict[str, Any],
    ask: Ask,
    show: Show,
    words: Words,
    values: dict[str, Any] | None = None,
    only: set[str] | None = None,
) -> dict[str, Any]:
    """Ask for the form's visible inputs one at a time (all of them, or those named in `only`,
    e.g. the fields a form_error flagged), on top of `values` already given. A number picks that
    option of a select or radio. Raises FormDropped when `DROP_FORM` is typed, EOFError when
    input ends."""
    values = dict(values or {})
    title = form.get("title") or words.gettext("Form")
    show(f"== {title} ==  {form.get('hint', '')}")
    for field in form.get("inputs", []):
        if field.get("type") == "hidden" or (only is not None and field["name"] not in only):
            continue
        options = field.get("options") or []
        for number, option in enumerate(options, start=1):
            show(f"    {number}) {option['label']}")
        typed = await ask(f"  {field.get('label', field['name'])}: ")
        if typed == DROP_FORM:
            raise FormDropped
        if (
            options
            and typed.isascii()
            and typed.isdigit()
            and len(typed) < 4
            and 1 <= int(typed) <= len(options)
        ):
            typed = options[int(typed) - 1]["value"]
        values.pop(field["name"], None)
        if typed:
            values[field["name"]] = typed
    return values


async def _complete_form(
    conversation: Conversation, answer: Answer, ask: Ask, show: Show, words: Words
) -> Answer | None:
    """Fill and submit the form `answer` holds, as Cliq keeps a form open while its submit is
    answered with a form_error: the error is shown and the flagged fields (every field when it
    names none of them) are asked again, the other values kept. Returns the answer to the last
    submit, or None when the person drops the form. EOFError when input ends."""
    while answer.kind == "form":
        form: dict[str, Any] = answer.output
        try:
            values = await _fill_form(form, ask, show, words)
            answer = await conversation.submit(values, form=form)
            while answer.kind == "form_error":
                show(render(answer, words))
                flagged = set((answer.output or {}).get("inputs") or {})
                names = {field["name"] for field in form.get("inputs", [])}
                values = await _fill_form(
                    form, ask, show, words, values, flagged & names if flagged & names else None
                )
                answer = await conversation.submit(values, form=form)
        except FormDropped:
            show(words.gettext("(form dropped: nothing was sent)"))
            return None
    return answer


async def converse(conversation: Conversation, ask: Ask = _ask, show: Show = print) -> None:
    """Read lines with `ask`, show answers with `show` (the terminal by default; tests script it),
    the chat's own words in the person's language (`words_for`)."""
    words = words_for(conversation)
    show(help_line(words))
    while True:
        try:
            line = await ask(words.pgettext("prompt", "you> "))
        except EOFError:
            return
        while line.endswith("\\"):  # a trailing backslash: the message goes on
            try:
                line = line[:-1] + "\n" + await ask(words.pgettext("prompt", "...> "))
            except EOFError:
                line = line[:-1]
        if line in QUIT:
            return
        if not line:
            continue
        last = conversation.last
        if (
            line.isascii()
            and line.isdigit()
            and len(line) < 4
            and last is not None
            and 1 <= int(line) <= len(clickable(last))
        ):
            answer = await conversation.click(clickable(last)[int(line) - 1])
        elif line.startswith("/"):
            name, _, rest = line[1:].partition(" ")
            answer = await conversation.command(name, rest)
        else:
            answer = await conversation.say(line)
        try:
            completed = await _complete_form(conversation, answer, ask, show, words)
        except EOFError:
            show(words.gettext("(input ended in a form: nothing was sent)"))
            return
        if completed is not None:
            show(render(completed, words))


class AppSpecError(ValueError):
    """`--app` names no app factory, or the factory returned no aiohttp app."""


AppAt = Callable[[int], web.Application]
"""Builds the app to serve in-process, given the loopback port it will be served on."""


def load_app(spec: str, secret: str) -> web.Application:
    """The app named by `spec`, `module:factory` (e.g. `examples.standup:app`): the factory is
    called with the HMAC secret its verifier must accept and returns an aiohttp app serving
    `POST /cliq`. The module is looked up in the current directory too (as uvicorn and gunicorn
    do), since a console script does not put it on `sys.path`. Raises AppSpecError, saying what
    the factory must be, for a spec that names nothing callable, a factory that cannot take the
    secret or is `async def`, or one that returns no aiohttp app."""
    module_name, _, attr = spec.partition(":")
    if not module_name or not attr:
        raise AppSpecError(f"--app wants module:factory, got {spec!r}")
    here = os.getcwd()
    if here not in sys.path and "" not in sys.path:
        sys.path.insert(0, here)
    try:
        factory = getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError) as exc:
        raise AppSpecError(f"--app {spec}: {exc}") from exc
    wanted = (
        "def factory(secret: str) -> web.Application, returning "
        "make_web_app(bot, HmacVerifier(secret, bot.clock))"
    )
    if not callable(factory):
        raise AppSpecError(f"--app {spec}: not callable; wanted {wanted}")
    if inspect.iscoroutinefunction(factory):
        raise AppSpecError(f"--app {spec}: the factory is async def; wanted {wanted}")
    try:
        inspect.signature(factory).bind(secret)
    except TypeError:
        raise AppSpecError(
            f"--app {spec}: the factory is called with the HMAC secret to accept, but is "
            f"declared {attr}{inspect.signature(factory)}; wanted {wanted}"
        ) from None
    except ValueError:  # no signature to read (a builtin): call it and see
        pass
    app = factory(secret)
    if not isinstance(app, web.Application):
        raise AppSpecError(
            f"--app {spec}: the factory returned {type(app).__name__}, not an app; wanted {wanted}"
        )
    return app


async def run_chat(
    *,
    secret: str,
    url: str | None = None,
    app_at: AppAt | None = None,
    email: str = "agent@example.com",
    admin: bool = False,
    ask: Ask = _ask,
    show: Show = print,
    bot_unique_name: str | None = None,
    language: str = "en",
    late_answers: bool = False,
) -> int:
    """Chat with the bot at `url`, or with the app `app_at(port)` builds, served in-process on a
    free loopback port for the chat's length. Calls are signed with `secret` and say the
    person's Cliq `language` (`ja`, `en`…), as Cliq's `user.language` does.

    With `bot_unique_name`, and a bot running against the sandbox Cliq (its `/healthz` names
    it), the person first opens that bot's chat in the sandbox, as someone talking to a bot in
    Cliq has: they subscribe to the bot, so its DMs (Post here, notifications) reach them.

    With `late_answers` (`deskbot chat --app`), calls go as an extension's do (the JSON wire)
    with a `response_url` the chat serves on loopback (`late_answer_sink`): what the bot posts
    there, an answer past its deadline, is shown as it comes."""
    signer = SignedRequests(secret, SystemClock())
    user = {
        "email": email,
        "admin": admin,
        "first_name": email.split("@")[0].title(),
        "language": language,
    }
    runner: web.AppRunner | None = None
    sink: web.AppRunner | None = None
    response_url = ""
    if late_answers:
        words = Languages().words(language)
        sink, response_url = await late_answer_sink(lambda answer: show(render(answer, words)))
    if url is not None:
        url = cliq_address(url)
    else:
        if app_at is None:
            raise ValueError("run_chat needs a url or an app")
        port = _free_port()
        runner = web.AppRunner(app_at(port), access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        url = f"http://127.0.0.1:{port}/cliq"
    try:
        async with aiohttp.ClientSession() as session:
            chat = None
            if bot_unique_name:
                chat = await open_sandbox_chat(session, url, bot_unique_name, email)
            conversation = Conversation(
                session, signer, url=url, user=user, chat=chat, response_url=response_url
            )
            await converse(conversation, ask=ask, show=show)
    finally:
        if runner is not None:
            await runner.cleanup()
        if sink is not None:
            await sink.cleanup()
    return 0


async def late_answer_sink(show: Callable[[Answer], None]) -> tuple[web.AppRunner, str]:
    """A loopback endpoint standing in for Cliq's `response_url`: each JSON object POSTed to it
    (a bot's answer past its deadline, `CliqClient.post_to_response_url`) is handed to `show`
    as an `Answer` and acknowledged 204, as Cliq does; anything else is 400. Returns the
    running server (the caller cleans it up) and the URL to give as `response_url`."""

    async def posted(request: web.Request) -> web.Response:
        try:
            body = await request.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            return web.json_response({"message": "a message object is expected"}, status=400)
        show(Answer(status=200, body={"output": body}))
        return web.Response(status=204)

    app = web.Application()
    app.router.add_post("/response", posted)
    sink = web.AppRunner(app, access_log=None)
    await sink.setup()
    await web.TCPSite(sink, "127.0.0.1", 0).start()  # any free port
    port = sink.addresses[0][1]
    return sink, f"http://127.0.0.1:{port}/response"


def cliq_address(url: str) -> str:
    """The bot's `/cliq` address from what a person typed: a bare address
    (`http://127.0.0.1:8080`, with or without a trailing `/`) means its `/cliq`; any other path
    is taken as given."""
    parts = urlsplit(url)
    if parts.path in ("", "/"):
        return urlunsplit(parts._replace(path="/cliq"))
    return url


async def open_sandbox_chat(
    session: aiohttp.ClientSession, url: str, bot: str, email: str
) -> dict[str, Any] | None:
    """If the bot at `url` (its `/cliq` address) talks to the sandbox Cliq, open `bot`'s chat
    for `email` there (`POST /sandbox/bots/{bot}/chat`, which subscribes them) and return that
    chat (`id`, `type` bot, `title`); None against real Cliq, where a person opens it
    themselves. Raises aiohttp.ClientError if the bot or its sandbox cannot be reached."""
    base = url.removesuffix("/").removesuffix("/cliq")
    async with session.get(f"{base}/healthz") as response:
        health = await response.json(content_type=None)
    cliq = (health.get("sandboxes") or {}).get("cliq") if isinstance(health, dict) else None
    if not cliq:
        return None
    async with session.post(f"{cliq}/sandbox/bots/{bot}/chat", json={"user": email}) as response:
        response.raise_for_status()
        chat: dict[str, Any] = await response.json()
    return chat


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


__all__ = [
    "AppSpecError",
    "clickable",
    "converse",
    "late_answer_sink",
    "load_app",
    "open_sandbox_chat",
    "render",
    "run_chat",
]
