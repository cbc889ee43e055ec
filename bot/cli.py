"""`deskbot serve | sandbox | shim | chat | install | uninstall | inbox | outbox`: the command
line."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import secrets
import signal
import sys

import aiohttp
from aiohttp import web
from aiohttp.web_runner import GracefulExit

from bot.chat import AppSpecError
from bot.cliq.errors import CliqError
from bot.config import Config, ConfigError, load_config
from bot.desk.errors import DeskError
from bot.handlers.access_log import RedactingAccessLogger
from bot.install import InstallError
from bot.oauth import OAuthError
from bot.store.db import StoreUnavailable


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="deskbot", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the bot (and the sandboxes bot.toml selects)")
    serve.add_argument("--config", help="the config file (default: ./bot.toml)")
    serve.add_argument("--host", help="listen address (default from bot.toml)")
    serve.add_argument("--port", type=int, help="listen port (default 8080)")

    sandbox = commands.add_parser(
        "sandbox",
        help="run the sandbox Desk, Cliq and Accounts alone, for `serve` to use by URL",
    )
    sandbox.add_argument("--config", help="the config file (default: ./bot.toml)")

    shim = commands.add_parser("shim", help="print the Deluge shims to paste into Cliq")
    shim.add_argument("--config")
    shim.add_argument("--url", help="the public URL of /cliq (default from bot.toml)")
    shim.add_argument(
        "--app",
        help="another bot's app factory, module:factory (as for chat): that bot's shims "
        "(--url required)",
    )

    chat = commands.add_parser("chat", help="talk to the bot in this terminal")
    chat.add_argument("--config")
    chat.add_argument(
        "--url",
        help="a running bot's /cliq URL, or just its address (default: start one in-process)",
    )
    chat.add_argument("--email", default="agent@example.com", help="who you are")
    chat.add_argument(
        "--lang",
        default="en",
        help="your language as Cliq sends it (en, ja, ja_JP…): the bot answers in it",
    )
    chat.add_argument(
        "--app",
        help="another bot's app factory, module:factory (e.g. examples.standup:app), served "
        "in-process instead of Deskbot",
    )

    for name, what in (
        ("install", "create the org channel and the Desk webhook (idempotent)"),
        ("uninstall", "remove the Desk webhook and stop all posts (channels stay)"),
    ):
        step = commands.add_parser(name, help=what)
        step.add_argument("--config")

    for name, what in (
        ("inbox", "Desk events: counts and dead ones; `retry <id>` or `drop <id>` a dead one"),
        ("outbox", "posts: counts and dead letters; `retry <id>` or `drop <id>` a dead one"),
    ):
        queue = commands.add_parser(name, help=what)
        queue.add_argument("--config")
        queue.add_argument("words", nargs="*", help="nothing (list), `retry <id>` or `drop <id>`")

    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    try:
        config = load_config(args.config)
        if args.command == "serve":
            return _serve(config, args.host, args.port)
        if args.command == "sandbox":
            return _sandbox(config)
        if args.command == "shim":
            return _shim(config, args.url, args.app)
        if args.command in ("install", "uninstall"):
            return asyncio.run(_install(config, args.command))
        if args.command in ("inbox", "outbox"):
            return asyncio.run(_queue(config, args.command, args.words))
        try:
            return asyncio.run(_chat(config, args.url, args.email, args.app, args.lang))
        except KeyboardInterrupt:  # Ctrl-C ends the chat, as 'quit' does: no traceback
            print(file=sys.stderr, flush=True)
            sys.stdout.flush()
            # The thread reading the terminal is still blocked in input(); finalising the
            # interpreter under it aborts ("could not acquire lock for stdin"), so leave now.
            os._exit(130)
    except (ConfigError, AppSpecError) as exc:
        print(f"deskbot: {exc}", file=sys.stderr)
        return 2
    except StoreUnavailable as exc:
        print(f"deskbot: {exc.reason}", file=sys.stderr)
        return 1
    except KNOWN_FAILURES as exc:
        print(f"deskbot {args.command}: {_one_line(exc)}", file=sys.stderr)
        return 1


KNOWN_FAILURES: tuple[type[BaseException], ...] = (
    DeskError,
    CliqError,
    OAuthError,
    InstallError,
    aiohttp.ClientError,
    OSError,
    TimeoutError,
)
"""Failures a command may meet (Zoho refusing, a service unreachable, the network, a file): each
is said in one line on stderr with exit code 1, never as a traceback."""


def _one_line(exc: BaseException) -> str:
    """`exc` as one line: its message with line breaks folded, or its class when it has none."""
    text = " ".join(str(exc).split())
    return text or type(exc).__name__


ACCESS_LOG = {"access_log_class": RedactingAccessLogger}
"""How `serve` logs requests: one line each, query values redacted."""


async def _chat(
    config: Config, url: str | None, email: str, app: str | None, language: str = "en"
) -> int:
    """`deskbot chat`: Deskbot in-process (or at `url`), or the bot `app` names, talked to in
    `language`."""
    from bot.chat import load_app, run_chat

    if app is not None and url is None:
        secret = secrets.token_hex(16)  # this chat's own: the app lives only as long as it
        return await run_chat(
            secret=secret,
            app_at=lambda port: load_app(app, secret),
            email=email,
            language=language,
            late_answers=True,
        )

    def deskbot_at(port: int) -> web.Application:
        from bot.app import create_app

        # The in-process bot's own address, so a sandbox install subscribes *this* bot.
        server = config.server.model_copy(
            update={"host": "127.0.0.1", "port": port, "public_url": ""}
        )
        return create_app(config.model_copy(update={"server": server}))

    return await run_chat(
        secret=config.cliq_secret(),
        url=url,
        app_at=deskbot_at,
        email=email,
        bot_unique_name=config.cliq.bot_unique_name,
        language=language,
    )


def _serve(config: Config, host: str | None, port: int | None) -> int:
    from bot.app import create_app

    host = host or config.server.host
    port = port or config.server.port
    # The address Zoho (and the sandbox Desk's webhooks) reach us at follows --host/--port.
    config = config.model_copy(
        update={"server": config.server.model_copy(update={"host": host, "port": port})}
    )
    app = create_app(config)
    with contextlib.suppress(GracefulExit, KeyboardInterrupt):
        asyncio.run(_listen(app, host, port))
    return 0


async def _listen(app: web.Application, host: str, port: int) -> None:
    """Serve until SIGINT/SIGTERM, under the edge limits of `[server]` (bot.handlers.serving)."""
    from bot.handlers.serving import start_server

    runner, _ = await start_server(app, host, port, handle_signals=True, **ACCESS_LOG)
    print(
        f"deskbot listening on http://{host}:{port} (POST /cliq, GET /healthz; the web console at /console/)",
        flush=True,
    )
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


def _sandbox(config: Config) -> int:
    """`deskbot sandbox`: the three sandboxes in this process until SIGINT or SIGTERM."""
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_run_sandboxes(config))
    return 0


async def _run_sandboxes(config: Config) -> None:
    from bot.clock import MovableClock, SystemClock
    from bot.sandbox.run import start_sandboxes

    path = config.sandbox_state_path
    sandboxes = await start_sandboxes(config, MovableClock(SystemClock()), db_path=path)
    try:
        for name, url in sandboxes.urls.items():
            print(f"sandbox {name:<8} {url}", flush=True)
        print(f"sandbox state    {path}", flush=True)
        print(
            "serve uses them with, in bot.toml's [sandbox]: "
            + ", ".join(f'{name}_url = "{sandboxes.urls[name]}"' for name in sandboxes.urls),
            flush=True,
        )
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signal_number in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signal_number, stop.set)
        await stop.wait()
    finally:
        await sandboxes.stop()


def _shim(config: Config, url: str | None, app: str | None = None) -> int:
    """`deskbot shim`: Deskbot's shims, or (`app`, `module:factory`) those of the bot that
    factory's app serves, each forwarding to `url` signed with the configured secret. Raises
    AppSpecError for an `app` without `url` or whose factory builds no framework app."""
    from bot.app import build_bot
    from bot.cliq.form import FORM_FUNCTION
    from bot.cliq.message import BUTTON_FUNCTION
    from bot.cliq.shim import render_all

    if app is not None:
        from bot.chat import load_app
        from bot.handlers.cliq import BOT

        if not url:
            raise AppSpecError(
                "shim --app needs --url, the public address of your bot's /cliq "
                "(e.g. https://bot.example.com/cliq): the shims forward every call there"
            )
        served = load_app(app, config.cliq_secret())
        if BOT not in served:
            raise AppSpecError(
                f"shim --app {app}: the factory's app serves no framework bot; wanted "
                "make_web_app(bot, HmacVerifier(secret, bot.clock))"
            )
        bot = served[BOT]
    else:
        bot = build_bot(config)
    target = url or f"{config.public_url}/cliq"
    sys.stdout.write(
        render_all(
            bot,
            target,
            config.cliq_secret(),
            button_function=BUTTON_FUNCTION,
            form_function=FORM_FUNCTION,
        )
    )
    return 0


def no_running_sandboxes(command: str, public_url: str, why: str) -> str:
    """What `install`/`uninstall` say in sandbox mode when no running bot shows its sandboxes."""
    return (
        f"deskbot {command}: sandbox mode acts on the running bot's sandboxes, but {why} at"
        f" {public_url}/healthz; start `deskbot serve` first (it installs itself on its"
        " sandboxes), or set [sandbox] desk_url, cliq_url and accounts_url to sandboxes"
        " running on their own (`deskbot sandbox`)"
    )


async def _running_sandboxes(public_url: str) -> dict[str, str]:
    """The sandbox URLs the bot at `public_url` lists in its `/healthz`; LookupError with the
    reason when no bot answers there or it lists none."""
    timeout = aiohttp.ClientTimeout(total=10)
    try:
        async with aiohttp.ClientSession(timeout=timeout) as session:
            async with session.get(f"{public_url}/healthz") as response:
                health = await response.json(content_type=None)
    except (aiohttp.ClientError, TimeoutError, ValueError):
        raise LookupError("no bot answers") from None
    found = health.get("sandboxes") if isinstance(health, dict) else None
    if not isinstance(found, dict) or not {"desk", "cliq", "accounts"} <= set(found):
        raise LookupError("the bot answering lists no sandboxes")
    return {name: str(found[name]) for name in ("desk", "cliq", "accounts")}


async def _install(config: Config, command: str) -> int:
    """Against a running deployment: Desk checks that `<public_url>/desk/events` answers.

    In sandbox mode, on the running bot's sandboxes: those of `[sandbox] desk_url`… or those
    the bot at `public_url` lists in its `/healthz`; never sandboxes of its own."""
    from aiohttp import web

    from bot.app import open_parts
    from bot.clock import SystemClock
    from bot.install import EVENTS_MODE, InstallError, check_public_url, mode_line
    from bot.parts import INSTALLATION, SETTINGS

    try:
        if command == "install":
            check_public_url(config.public_url)  # before anything is opened or called
    except InstallError as exc:
        print(f"deskbot {command}: {exc}", file=sys.stderr)
        return 2
    if config.uses_sandbox and not config.sandbox.urls():
        try:
            urls = await _running_sandboxes(config.public_url)
        except LookupError as exc:
            print(no_running_sandboxes(command, config.public_url, str(exc)), file=sys.stderr)
            return 1
        sandbox = config.sandbox.model_copy(update={f"{k}_url": v for k, v in urls.items()})
        config = config.model_copy(update={"sandbox": sandbox})
    async with open_parts(web.Application(), config, SystemClock()) as parts:
        installation = parts[INSTALLATION]
        step = installation.install if command == "install" else installation.uninstall
        try:
            done = await step(config.public_url)
        except InstallError as exc:
            print(f"deskbot {command}: {exc}", file=sys.stderr)
            return 2
        mode = await parts[SETTINGS].get(EVENTS_MODE)
    for line in done or ["nothing to do: already installed"]:
        print(line)
    if command == "install" and mode_line(mode) not in done:
        print(mode_line(mode))
    return 0


async def _queue(config: Config, name: str, words: list[str]) -> int:
    """`deskbot inbox|outbox [retry|drop <id>]`: safe while `serve` runs on the same file."""
    from bot.clock import SystemClock
    from bot.store.db import Database
    from bot.store.inbox import Inbox, Stored
    from bot.store.outbox import Outbox

    db = await Database.open(config.store.location)
    try:
        queue = Inbox(db, SystemClock()) if name == "inbox" else Outbox(db, SystemClock())
        await queue.setup()
        if (
            len(words) == 2
            and words[0] in ("retry", "drop")
            and words[1].isascii()
            and words[1].isdigit()
            and len(words[1]) < 19
        ):
            step = queue.revive if words[0] == "retry" else queue.drop
            done = await step(int(words[1]))
            what = "event" if name == "inbox" else "post"
            print(
                ("queued again" if words[0] == "retry" else "dropped")
                if done
                else f"no dead {what} {words[1]}"
            )
            return 0 if done else 1
        if words:
            print(f"usage: deskbot {name} [retry <id> | drop <id>]", file=sys.stderr)
            return 2
        counts = await queue.counts()
        print(", ".join(f"{key} {value}" for key, value in counts.items()))
        for item in await queue.dead_letters():
            where = (
                item.event_type if isinstance(item, Stored) else f"{item.target_kind}:{item.target}"
            )
            print(f"{item.id}\t{where}\t{item.attempts} attempts\t{item.last_error}")
        return 0
    finally:
        await db.close()
