"""The stand-up bot's settings: `bot.toml` beside this file, secrets from the environment."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from pydantic import BaseModel, Field

HERE = Path(__file__).resolve().parent


class BotSection(BaseModel):
    name: str = "Standup"
    unique_name: str = "standup"
    deadline_seconds: float = Field(default=10.0, gt=0)
    teams: list[str] = Field(default_factory=lambda: ["web", "mobile", "data"], min_length=1)
    channel: str = "standup"


class CliqSection(BaseModel):
    datacenter: str = "sandbox"
    accounts_url: str = ""
    dev_secret: str = "standup-dev-secret"


class StandupConfig(BaseModel):
    """`[bot]` and `[cliq]` of the stand-up bot's `bot.toml`."""

    bot: BotSection = Field(default_factory=BotSection)
    cliq: CliqSection = Field(default_factory=CliqSection)

    @property
    def uses_sandbox(self) -> bool:
        """Whether Cliq is the embedded sandbox (started with the bot, on loopback)."""
        return self.cliq.datacenter == "sandbox"

    def secret(self) -> str:
        """The shims' HMAC secret: STANDUP_CLIQ_SECRET, or `dev_secret` in the sandbox.

        Raises ValueError outside the sandbox when the variable is not set."""
        found = os.environ.get("STANDUP_CLIQ_SECRET", "")
        if found or not self.uses_sandbox:
            if not found:
                raise ValueError("set STANDUP_CLIQ_SECRET (the Deluge shims' HMAC secret)")
            return found
        return self.cliq.dev_secret


def load(path: str | Path | None = None) -> StandupConfig:
    """Read `path` (default: the `bot.toml` beside this module). Raises ValueError if invalid."""
    with open(path or HERE / "bot.toml", "rb") as file:
        return StandupConfig.model_validate(tomllib.load(file))
