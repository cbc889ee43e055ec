"""Shared fixtures: a frozen clock, the shipped sandbox config (its store on either engine:
tests/engines.py `app_store`), and signed conversations."""

from __future__ import annotations

import pytest

from bot.clock import FrozenClock
from bot.config import Config, load_config
from bot.testing import SignedRequests

pytest_plugins = ["tests.hang_report", "tests.engines", "pytester"]

SECRET = "test-secret"


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock("2026-03-02T01:00:00+00:00")


@pytest.fixture
def config(monkeypatch: pytest.MonkeyPatch, tmp_path, app_store: str) -> Config:  # type: ignore[no-untyped-def]
    """The shipped bot.toml, with the database in a temporary folder (SQLite), or in a fresh
    PostgreSQL schema for the tests run on both engines (tests/engines.py `app_store`); the
    sandbox world is kept in the temporary folder either way."""
    monkeypatch.setenv("DESKBOT_CLIQ_SECRET", SECRET)
    shipped = load_config("bot.toml")
    url = app_store if app_store.startswith("postgresql://") else ""
    return shipped.model_copy(
        update={
            "store": shipped.store.model_copy(
                update={"path": str(tmp_path / "deskbot.db"), "url": url}
            ),
            # tests install explicitly, at the test server's own address
            "sandbox": shipped.sandbox.model_copy(update={"auto_install": False}),
        }
    )


@pytest.fixture
def signer(clock: FrozenClock) -> SignedRequests:
    return SignedRequests(SECRET, clock)
