"""Configuration: `bot.toml` for settings, environment variables for secrets.

Every section has working defaults, so an empty file (or the shipped `bot.toml`) runs the bot
against the embedded sandboxes with no Zoho account.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SANDBOX = "sandbox"
DataCentre = Literal["sandbox", "us", "eu", "in", "au", "jp", "cn", "sa", "uk", "ca", "sg", "ae"]

SECRET_ENV = "DESKBOT_CLIQ_SECRET"


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ServerConfig(Section):
    host: str = "127.0.0.1"
    port: int = 8080
    # The address Zoho reaches us at (webhooks, OAuth callbacks); defaults to http://host:port.
    public_url: str = ""
    max_body_bytes: int = 1024 * 1024


class CliqConfig(Section):
    datacenter: DataCentre = SANDBOX
    bot_unique_name: str = "deskbot"
    bot_name: str = "Deskbot"
    org_channel: str = "desk"
    # Used only when DESKBOT_CLIQ_SECRET is unset and the setup is the sandbox one.
    dev_secret: str = ""
    # PEM file with the extension's public key, for `X-Cliq-Signature` (webhook-type extensions).
    extension_public_key: str = ""
    signature_window_seconds: int = 300
    deadline_seconds: float = 10.0


class DeskConfig(Section):
    datacenter: DataCentre = SANDBOX
    org_id: str = ""
    concurrency: int = 4


class OAuthConfig(Section):
    client_id: str = ""
    # client secret and refresh tokens come from the environment (see README)


class SandboxConfig(Section):
    host: str = "127.0.0.1"
    seed: int = 42
    # 0 picks a free port.
    desk_port: int = 0
    cliq_port: int = 0
    accounts_port: int = 0


class StoreConfig(Section):
    path: str = "var/deskbot.db"


class Config(Section):
    server: ServerConfig = Field(default_factory=ServerConfig)
    cliq: CliqConfig = Field(default_factory=CliqConfig)
    desk: DeskConfig = Field(default_factory=DeskConfig)
    oauth: OAuthConfig = Field(default_factory=OAuthConfig)
    sandbox: SandboxConfig = Field(default_factory=SandboxConfig)
    store: StoreConfig = Field(default_factory=StoreConfig)

    @property
    def uses_sandbox(self) -> bool:
        return self.cliq.datacenter == SANDBOX or self.desk.datacenter == SANDBOX

    @property
    def public_url(self) -> str:
        return self.server.public_url or f"http://{self.server.host}:{self.server.port}"

    def cliq_secret(self) -> str:
        """The shared HMAC secret of the Deluge shims.

        From the environment; the development secret of `bot.toml` is accepted only when Cliq is
        the sandbox, so a real deployment cannot start with a secret checked into git.
        """
        secret = os.environ.get(SECRET_ENV, "")
        if secret:
            return secret
        if self.cliq.datacenter == SANDBOX and self.cliq.dev_secret:
            return self.cliq.dev_secret
        raise ConfigError(
            f"set {SECRET_ENV} to the shared secret of your Cliq shims "
            "(bot.toml's dev_secret is only used with the sandbox Cliq)"
        )


class ConfigError(Exception):
    """The configuration cannot run: the message says what to fix."""


def load_config(path: str | Path | None = None) -> Config:
    """Read `path` (default: ./bot.toml if present, else built-in defaults)."""
    if path is None:
        path = Path("bot.toml")
        if not path.exists():
            return Config()
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"no config file at {path}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    try:
        return Config.model_validate(data)
    except ValueError as exc:
        raise ConfigError(f"{path}: {exc}") from exc
