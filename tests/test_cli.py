"""The command line's small commands."""

from __future__ import annotations

import asyncio

from bot.cli import main
from bot.clock import FrozenClock
from bot.config import Config
from bot.store.db import Database
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
