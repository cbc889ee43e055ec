"""`deskbot chat` against the sandboxes: the person at the terminal has the bot's chat, as anyone
talking to a bot in Cliq has, so the bot's DMs to them (Post here in that chat) arrive."""

from __future__ import annotations

from collections.abc import Iterator

from aiohttp import web

from bot.app import create_app
from bot.chat import run_chat
from bot.config import Config
from tests.conftest import SECRET


def _deskbot_at(config: Config):  # type: ignore[no-untyped-def]
    def build(port: int) -> web.Application:
        server = config.server.model_copy(
            update={"host": "127.0.0.1", "port": port, "public_url": ""}
        )
        return create_app(config.model_copy(update={"server": server}))

    return build


async def _chat(config: Config, lines: list[str], bot: str | None) -> str:
    typed: Iterator[str] = iter(lines)
    screen: list[str] = []

    async def ask(prompt: str) -> str:
        return next(typed)

    await run_chat(
        secret=SECRET,
        app_at=_deskbot_at(config),
        email="agent@example.com",
        ask=ask,
        show=lambda *parts: screen.append(" ".join(map(str, parts))),
        bot_unique_name=bot,
    )
    return "\n".join(screen)


async def test_post_here_in_your_own_chat_with_the_bot_reaches_you(config: Config) -> None:
    screen = await _chat(config, ["/ticket 115", "5", "quit"], config.cliq.bot_unique_name)
    assert "botmessage_no_valid_users" not in screen
    assert "Posted to your chat with the bot." in screen, screen


async def test_without_opening_the_chat_the_sandbox_refuses_the_dm(config: Config) -> None:
    """The same chat without the subscription fails as the tester saw: the sandbox is strict."""
    screen = await _chat(config, ["/ticket 115", "5", "quit"], None)
    assert "Posted to" not in screen and "botmessage_no_valid_users" in screen, screen
