"""The command line's small commands."""

from __future__ import annotations

import asyncio

from bot.cli import main
from bot.clock import FrozenClock
from bot.config import Config
from bot.store.db import Database
from bot.store.inbox import Inbox
from bot.store.outbox import Outbox


def test_outbox_lists_and_retries_dead_letters(config: Config, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    async def prepare() -> int:
        db = await Database.open(config.store.path)
        outbox = Outbox(db, FrozenClock())
        await outbox.setup()
        await outbox.enqueue(None, "channel", "gone", {"text": "x"}, "k1")
        [post] = await outbox.due()
        await outbox.dead(post.id, "404 channel_not_exist: no such channel")
        await db.close()
        return post.id

    post_id = asyncio.run(prepare())
    toml = tmp_path / "bot.toml"
    toml.write_text(f'[store]\npath = "{config.store.path}"\n')
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
        events = await inbox.pending()
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
    async def prepare() -> int:
        db = await Database.open(config.store.path)
        outbox = Outbox(db, FrozenClock())
        await outbox.setup()
        await outbox.enqueue(None, "channel", "gone", {"text": "x"}, "k1")
        [post] = await outbox.due()
        await outbox.dead(post.id, "404 channel_not_exist: no such channel")
        await db.close()
        return post.id

    post_id = asyncio.run(prepare())
    toml = tmp_path / "bot.toml"
    toml.write_text(f'[store]\npath = "{config.store.path}"\n')
    assert main(["outbox", "--config", str(toml), "drop", str(post_id)]) == 0
    assert main(["outbox", "--config", str(toml)]) == 0
    assert "dead 0" in capsys.readouterr().out
