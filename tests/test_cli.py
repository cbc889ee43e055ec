"""The command line's small commands."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import pytest

from bot.cli import main
from bot.cliq.errors import CliqUnavailable
from bot.clock import FrozenClock
from bot.config import Config
from bot.desk.errors import DeskUnavailable, InvalidData
from bot.install import InstallError
from bot.oauth import CredentialsRefused
from bot.store.db import Database
from bot.store.inbox import Inbox
from bot.store.outbox import Outbox


def _one_dead_letter(config: Config, tmp_path: Path) -> tuple[int, Path]:
    """A store holding one dead letter (to `channel:gone`), and a bot.toml naming it."""

    async def prepare() -> int:
        db = await Database.open(config.store.path)
        outbox = Outbox(db, FrozenClock())
        await outbox.setup()
        await outbox.enqueue(None, "channel", "gone", {"text": "x"}, "k1")
        [post] = await outbox.claim()
        await outbox.dead(post, "404 channel_not_exist: no such channel")
        await db.close()
        return post.id

    post_id = asyncio.run(prepare())
    toml = tmp_path / "bot.toml"
    toml.write_text(f'[store]\npath = "{config.store.path}"\n')
    return post_id, toml


def test_outbox_lists_and_retries_dead_letters(config: Config, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    post_id, toml = _one_dead_letter(config, tmp_path)
    assert main(["outbox", "--config", str(toml)]) == 0
    out = capsys.readouterr().out
    assert "dead 1" in out and "channel:gone" in out and "channel_not_exist" in out
    assert main(["outbox", "--config", str(toml), "retry", str(post_id)]) == 0
    assert main(["outbox", "--config", str(toml), "retry", str(post_id)]) == 1
    assert main(["outbox", "--config", str(toml), "nonsense"]) == 2


def test_inbox_lists_retries_and_drops_dead_events(config: Config, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    async def prepare() -> list[int]:
        db = await Database.open(config.store.path)
        inbox = Inbox(db, FrozenClock())
        await inbox.setup()
        await inbox.add([(f"k{n}", "Ticket_Comment_Add", {"n": n}) for n in range(3)])
        events = await inbox.claim()
        async with db.transaction() as tx:
            for stored in events[:2]:
                await inbox.park(tx, stored, "AttributeError: 'str' object has no attribute 'get'")
        await db.close()
        return [e.id for e in events[:2]]

    first, second = asyncio.run(prepare())
    toml = tmp_path / "bot.toml"
    toml.write_text(f'[store]\npath = "{config.store.path}"\n')
    assert main(["inbox", "--config", str(toml)]) == 0
    out = capsys.readouterr().out
    assert "pending 1" in out and "dead 2" in out
    assert f"{first}\tTicket_Comment_Add\t1 attempts\tAttributeError" in out
    assert main(["inbox", "--config", str(toml), "retry", str(first)]) == 0
    assert main(["inbox", "--config", str(toml), "drop", str(second)]) == 0
    assert main(["inbox", "--config", str(toml), "drop", str(second)]) == 1  # no longer dead
    capsys.readouterr()
    assert main(["inbox", "--config", str(toml)]) == 0
    assert "processed 1, pending 2, waiting 0, dead 0" in capsys.readouterr().out
    assert main(["inbox", "--config", str(toml), "drop"]) == 2


def test_outbox_drops_a_dead_letter(config: Config, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    post_id, toml = _one_dead_letter(config, tmp_path)
    assert main(["outbox", "--config", str(toml), "drop", str(post_id)]) == 0
    assert main(["outbox", "--config", str(toml)]) == 0
    assert "dead 0" in capsys.readouterr().out


@pytest.mark.parametrize("command", ["install", "uninstall", "inbox", "outbox"])
@pytest.mark.parametrize(
    "failure",
    [
        InvalidData("The URL did not answer 200 to Desk's validation GET", status=422),
        DeskUnavailable("Desk did not answer"),
        CliqUnavailable(0, "unreachable", "Cliq did not answer"),
        CredentialsRefused(
            "invalid_client\nrefused",
            "invalid_client",
            "DESKBOT_DESK_REFRESH_TOKEN",
            datetime(2026, 1, 1, tzinfo=UTC),
        ),
        aiohttp.ClientConnectionError("Cannot connect to host 127.0.0.1:8080"),
        ConnectionRefusedError(111, "Connection refused"),
        TimeoutError(),
        InstallError("Desk could not reach http://127.0.0.1:8080/desk/events"),
    ],
    ids=lambda failure: type(failure).__name__,
)
def test_every_known_failure_of_a_command_is_one_line_without_a_traceback(
    config: Config, tmp_path, capsys, monkeypatch, command: str, failure: Exception
) -> None:  # type: ignore[no-untyped-def]
    async def failing(*args: object) -> int:
        raise failure

    monkeypatch.setattr("bot.cli._install", failing)
    monkeypatch.setattr("bot.cli._queue", failing)
    toml = tmp_path / "bot.toml"
    toml.write_text(f'[store]\npath = "{config.store.path}"\n')
    assert main([command, "--config", str(toml)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"deskbot {command}: ") and err.count("\n") == 1
    assert "Traceback" not in err
