"""Start the sandbox Desk, Cliq and Accounts on loopback, in this process (DESIGN §6).

`deskbot serve` with the shipped `bot.toml` runs them beside the bot; tests start them too. Each
is a plain aiohttp app on its own port, so our real clients talk HTTP to them exactly as to Zoho.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from aiohttp import web

from bot.clock import Clock, MovableClock
from bot.config import (
    SANDBOX_CLIENT_ID,
    SANDBOX_CLIENT_SECRET,
    SANDBOX_CLIQ_REFRESH_TOKEN,
    SANDBOX_ORG_ID,
    SANDBOX_ORG_REFRESH_TOKEN,
    Config,
)
from bot.sandbox.accounts import TokenRegistry, create_accounts_app
from bot.sandbox.cliq import CliqSandbox, Switches, create_cliq_app
from bot.sandbox.desk import DeskSandbox, create_desk_app
from bot.sandbox.saved import SavedWorld, saving
from bot.store.db import Database


@dataclass
class Sandboxes:
    urls: dict[str, str]
    registry: TokenRegistry
    desk: DeskSandbox
    cliq: CliqSandbox
    clock: MovableClock  # the world's one clock (`POST /sandbox/clock`)
    saved: SavedWorld
    _runners: list[web.AppRunner] = field(default_factory=list)
    _db: Database | None = None

    async def stop(self) -> None:
        await self.desk.deliverer.close()
        for runner in reversed(self._runners):
            await runner.cleanup()
        self._runners.clear()
        if self._db is not None:
            await self._db.close()
            self._db = None


async def start_sandboxes(config: Config, clock: Clock, *, db_path: str = ":memory:") -> Sandboxes:
    """Start all three on the world's clock: `clock` itself when it is a MovableClock (a bot
    sharing it in-process), else a MovableClock over it. The world is kept in the SQLite file
    `db_path` and found again there on the next start (`bot.sandbox.saved`); in memory (the
    default, for tests) it is seeded from `sandbox.seed` on every start."""
    host = config.sandbox.host
    world_clock = clock if isinstance(clock, MovableClock) else MovableClock(clock)
    clock = world_clock
    registry = TokenRegistry(clock)
    registry.add_refresh_token(SANDBOX_ORG_REFRESH_TOKEN, "admin@example.com")
    registry.add_refresh_token(SANDBOX_CLIQ_REFRESH_TOKEN, "admin@example.com")  # Cliq's own
    db = await Database.open(db_path)
    desk = DeskSandbox(
        db,
        clock,
        registry.identity,
        seed=config.sandbox.seed,
        org_id=SANDBOX_ORG_ID,
        edition=config.sandbox.desk_edition,
        search_lag=timedelta(minutes=config.sandbox.search_lag_minutes),
        patch_team=config.sandbox.desk_patch_team,
    )
    await desk.setup()
    desk.deliverer.with_exp = config.sandbox.desk_jwt_exp
    switches = Switches(
        dm_subscribers_only=config.sandbox.cliq_dm_subscribers_only,
        repeat_associate=config.sandbox.cliq_repeat_associate,
    )
    cliq = CliqSandbox(registry.identity, clock, switches=switches)
    saved = SavedWorld(db, desk=desk, cliq=cliq, registry=registry, clock=world_clock)
    await saved.setup()
    if not await saved.restore():
        await saved.save()  # the seeded world, so a restart finds the same one
    sandboxes = Sandboxes(
        urls={},
        registry=registry,
        desk=desk,
        cliq=cliq,
        clock=world_clock,
        saved=saved,
        _db=db,
    )
    apps = {
        "accounts": (
            create_accounts_app(
                registry, client_id=SANDBOX_CLIENT_ID, client_secret=SANDBOX_CLIENT_SECRET
            ),
            config.sandbox.accounts_port,
        ),
        "desk": (create_desk_app(desk), config.sandbox.desk_port),
        "cliq": (create_cliq_app(cliq), config.sandbox.cliq_port),
    }
    try:
        for name, (app, port) in apps.items():
            app.middlewares.append(saving(saved.save))
            runner = web.AppRunner(app, access_log=None)
            await runner.setup()
            site = web.TCPSite(runner, host, port)
            await site.start()
            sandboxes._runners.append(runner)
            bound = runner.addresses[0][1]
            sandboxes.urls[name] = f"http://{host}:{bound}"
    except BaseException:
        await sandboxes.stop()
        raise
    desk.base_url = sandboxes.urls["desk"]
    return sandboxes
