"""Shared fixtures: a frozen clock, the shipped sandbox config, and signed conversations."""

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
def config(monkeypatch: pytest.MonkeyPatch, tmp_path) -> Config:  # type: ignore[no-untyped-def]
    """The shipped bot.toml, with the database in a temporary folder."""
    monkeypatch.setenv("DESKBOT_CLIQ_SECRET", SECRET)
    shipped = load_config("bot.toml")
    return shipped.model_copy(
        update={
            "store": shipped.store.model_copy(update={"path": str(tmp_path / "deskbot.db")}),
            # tests install explicitly, at the test server's own address
            "sandbox": shipped.sandbox.model_copy(update={"auto_install": False}),
        }
    )


@pytest.fixture
def signer(clock: FrozenClock) -> SignedRequests:
    return SignedRequests(SECRET, clock)
