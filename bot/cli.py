"""`deskbot serve | shim | chat`: the command line."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from aiohttp import web

from bot.config import ConfigError, load_config
from bot.handlers.errors import ACCESS_LOG_FORMAT


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="deskbot", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the bot (and the sandboxes bot.toml selects)")
    serve.add_argument("--config", help="the config file (default: ./bot.toml)")
    serve.add_argument("--host", help="listen address (default from bot.toml)")
    serve.add_argument("--port", type=int, help="listen port (default 8080)")

    shim = commands.add_parser("shim", help="print the Deluge shims to paste into Cliq")
    shim.add_argument("--config")
    shim.add_argument("--url", help="the public URL of /cliq (default from bot.toml)")

    chat = commands.add_parser("chat", help="talk to the bot in this terminal")
    chat.add_argument("--config")
    chat.add_argument("--url", help="a running bot's /cliq URL (default: start one in-process)")
    chat.add_argument("--email", default="agent@example.com", help="who you are")

    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    try:
        config = load_config(args.config)
        if args.command == "serve":
            return _serve(config, args.host, args.port)
        if args.command == "shim":
            return _shim(config, args.url)
        from bot.chat import run_chat

        return asyncio.run(run_chat(config, url=args.url, email=args.email))
    except ConfigError as exc:
        print(f"deskbot: {exc}", file=sys.stderr)
        return 2


def _serve(config, host: str | None, port: int | None) -> int:  # type: ignore[no-untyped-def]
    from bot.app import create_app

    host = host or config.server.host
    port = port or config.server.port
    app = create_app(config)
    print(f"deskbot listening on http://{host}:{port} (POST /cliq, GET /healthz)", flush=True)
    web.run_app(
        app,
        host=host,
        port=port,
        print=None,
        access_log_format=ACCESS_LOG_FORMAT,
        handle_signals=True,
    )
    return 0


def _shim(config, url: str | None) -> int:  # type: ignore[no-untyped-def]
    from bot.app import build_bot
    from bot.cliq.form import FORM_FUNCTION
    from bot.cliq.message import BUTTON_FUNCTION
    from bot.cliq.shim import render_all

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
