"""Configuration: `bot.toml` for settings, environment variables for secrets.

Every section has working defaults, so an empty file (or the shipped `bot.toml`) runs the bot
against the embedded sandboxes with no Zoho account.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Final, Literal

from babel import Locale
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from bot.handlers.serving import EdgeLimits
from bot.i18n import Languages, language_code

SANDBOX: Final = "sandbox"
DataCentre = Literal["sandbox", "us", "eu", "in", "au", "jp", "cn", "sa", "uk", "ca", "sg", "ae"]

SECRET_ENV = "DESKBOT_CLIQ_SECRET"
CLIENT_SECRET_ENV = "DESKBOT_OAUTH_CLIENT_SECRET"
DESK_REFRESH_ENV = "DESKBOT_DESK_REFRESH_TOKEN"
CLIQ_REFRESH_ENV = "DESKBOT_CLIQ_REFRESH_TOKEN"
TOKEN_KEY_ENV = "DESKBOT_TOKEN_KEY"

# What the sandbox Accounts knows (bot/sandbox/accounts.py holds the same values).
SANDBOX_CLIENT_ID = "sandbox-client"
SANDBOX_CLIENT_SECRET = "sandbox-secret"
SANDBOX_ORG_REFRESH_TOKEN = "sandbox-org-refresh-token"
SANDBOX_CLIQ_REFRESH_TOKEN = "sandbox-cliq-refresh-token"
SANDBOX_ORG_ID = "700000001"
SANDBOX_TOKEN_KEY = "sandbox-token-key-never-use-for-real"


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ServerConfig(Section):
    host: str = "127.0.0.1"
    port: int = 8080
    # The address Zoho reaches us at (webhooks, OAuth callbacks); defaults to http://host:port.
    public_url: str = ""
    # The HTTP edge's limits (README "The HTTP edge"): bytes, seconds, connections.
    max_body_bytes: int = Field(default=1024 * 1024, gt=0)
    header_timeout_seconds: float = Field(default=10.0, gt=0)
    body_timeout_seconds: float = Field(default=10.0, gt=0)
    max_connections: int = Field(default=512, gt=0)

    def limits(self) -> EdgeLimits:
        return EdgeLimits(
            header_timeout=self.header_timeout_seconds,
            body_timeout=self.body_timeout_seconds,
            max_connections=self.max_connections,
            max_body_bytes=self.max_body_bytes,
        )


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
    # Desk has no UK data centre (reference/desk.md §1.1).
    datacenter: Literal["sandbox", "us", "eu", "in", "au", "jp", "cn", "sa", "ca", "sg", "ae"] = (
        SANDBOX
    )
    # Your Desk portal's organisation id (Setup → Developer Space → API); the sandbox's by default.
    org_id: str = ""
    concurrency: int = 4
    # Editions without webhooks (Free, Standard): how often Desk is asked for changed tickets.
    poll_seconds: float = Field(default=60.0, gt=0)
    # Seconds one Desk (or Accounts) call may take before it counts as Desk not answering.
    timeout_seconds: float = Field(default=30.0, gt=0)
    # Zoho Desk's web address for ticket links, e.g. https://desk.zoho.com/agent/<portal>.
    portal_url: str = ""


class OAuthConfig(Section):
    client_id: str = ""
    # client secret and refresh tokens come from the environment (see README)


SANDBOX_URL_KEYS = ("desk_url", "cliq_url", "accounts_url")


class SandboxConfig(Section):
    host: str = "127.0.0.1"
    seed: int = 42
    # 0 picks a free port.
    desk_port: int = 0
    cliq_port: int = 0
    accounts_port: int = 0
    # `serve` runs `deskbot install` against the sandboxes on start, so Desk events flow at once.
    auto_install: bool = True
    # Sandbox Cliq, where Zoho's documents leave live behaviour open (docs/zoho-contract.md):
    # bot DMs reach only people who opened the bot's chat; a repeat "add the bot to a channel"
    # is refused ("error") or silently accepted ("ok").
    cliq_dm_subscribers_only: bool = True
    cliq_repeat_associate: Literal["error", "ok"] = "error"
    # The sandbox Desk's edition: free and standard (and express) have no webhooks, so the bot
    # falls back to polling; the edition also sets the per-portal concurrency cap.
    desk_edition: Literal["free", "express", "standard", "professional", "enterprise"] = (
        "professional"
    )
    # Whether the sandbox Desk's ticket update takes `teamId`: Ticket.json's update body does not
    # list it (default: refused, as documented); some live portals take it.
    desk_patch_team: bool = False
    # How long a new sandbox ticket stays out of `/tickets/search` (Desk's search index lags).
    search_lag_minutes: float = Field(default=2.0, ge=0)
    # Whether the sandbox Desk's webhook JWTs carry `exp` (open: zoho-audit.md §1.11).
    desk_jwt_exp: bool = True
    # Sandboxes already running in their own process (`deskbot sandbox` prints these): `serve`
    # then uses them instead of starting its own. All three, or none.
    desk_url: str = ""
    cliq_url: str = ""
    accounts_url: str = ""
    # Where the sandbox world is kept between starts; empty: beside [store] path
    # (var/deskbot.db → var/deskbot.sandbox.db).
    state_path: str = ""

    @model_validator(mode="after")
    def _all_urls_or_none(self) -> SandboxConfig:
        given = [name for name in SANDBOX_URL_KEYS if getattr(self, name)]
        if given and len(given) != len(SANDBOX_URL_KEYS):
            missing = ", ".join(n for n in SANDBOX_URL_KEYS if n not in given)
            raise ValueError(
                f"[sandbox] {', '.join(given)} given without {missing}: give all three"
                " (`deskbot sandbox` prints them) or none (serve starts its own)"
            )
        for name in given:
            url = getattr(self, name)
            if not url.startswith(("http://", "https://")):
                raise ValueError(f"[sandbox] {name} = {url!r} is not an http:// URL")
        return self

    def urls(self) -> dict[str, str] | None:
        """The running sandboxes' URLs by name (desk, cliq, accounts), or None: start them."""
        if not self.desk_url:
            return None
        return {
            "desk": self.desk_url.rstrip("/"),
            "cliq": self.cliq_url.rstrip("/"),
            "accounts": self.accounts_url.rstrip("/"),
        }


class StoreConfig(Section):
    # Which store: `sqlite:///var/deskbot.db` (a file, the default; `sqlite:////abs/path` for an
    # absolute path) or `postgresql://user@host:5432/db` (several processes on one store; its
    # password is better given in PGPASSWORD or ~/.pgpass than here). Empty: SQLite at `path`.
    url: str = Field(default="", pattern=r"^$|^(sqlite:///|postgres(ql)?://)")
    path: str = "var/deskbot.db"

    @property
    def location(self) -> str:
        """What `Database.open` takes: the URL, or else the SQLite file's path."""
        return self.url or self.path


class NotificationsConfig(Section):
    # Send an owned ticket's notifications to its owner's DM instead of the channel.
    dm_owner: bool = True
    # The daily digest: local time, and the zone of the org channel and of departments without
    # one of their own in `department_zones` (department id -> zone name).
    digest_time: str = Field(default="09:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    digest_zone: str = "UTC"
    department_zones: dict[str, str] = Field(default_factory=dict)
    # Per-user pacing under Cliq's 50 posts a minute.
    posts_per_minute: int = 45
    # The language of channel posts and digests (SPEC X6): the org channel's (empty: `[bot]
    # language`), and a department channel's unless `department_languages` (department id ->
    # language) or an admin (`/deskbot language`) says otherwise. `ja`, `ja_JP` and `ja-JP`
    # are all Japanese.
    language: str = ""
    department_languages: dict[str, str] = Field(default_factory=dict)

    @field_validator("language")
    @classmethod
    def _spoken(cls, value: str) -> str:
        return _language(value) if value else ""

    @field_validator("department_languages")
    @classmethod
    def _all_spoken(cls, value: dict[str, str]) -> dict[str, str]:
        return {department: _language(language) for department, language in value.items()}


def spoken_languages() -> dict[str, str]:
    """Each language a setting may name (those the bot speaks: bot/i18n) → its own name for
    itself: `{"en": "English", "ja": "日本語"}`."""
    return {
        code: Locale.parse(code).get_display_name(code) or code for code in Languages().available
    }


def spoken_language(typed: str) -> str | None:
    """The code of the language `typed` names in any of its forms (`ja`, `ja_JP`, `ja-JP`, any
    case), if the bot speaks it; else None."""
    code = language_code(typed)
    return code if code in spoken_languages() else None


def _language(typed: str) -> str:
    """A language setting's code; ValueError names the languages the bot speaks."""
    found = spoken_language(typed)
    if found is None:
        spoken = ", ".join(f"{code} ({name})" for code, name in spoken_languages().items())
        raise ValueError(f"{typed!r} is not a language Deskbot speaks: {spoken}")
    return found


class AttendanceConfig(Section):
    # Department ids whose agents may use attendance (empty: every department).
    departments: list[str] = Field(default_factory=list)
    # Desk roles that may use attendance; light agents are left out by default (SPEC A).
    roles: list[Literal["admin", "agent", "light"]] = Field(
        default_factory=lambda: list[Literal["admin", "agent", "light"]](["admin", "agent"])
    )


class BotConfig(Section):
    # The language of anyone whose language is unknown or one the bot does not speak (README
    # "Languages"): "en" or "ja", in any form ("ja_JP", "ja-JP").
    language: str = "en"

    @field_validator("language")
    @classmethod
    def _spoken(cls, value: str) -> str:
        Languages(value)  # ValueError naming the languages spoken
        return value


class Config(Section):
    bot: BotConfig = Field(default_factory=BotConfig)
    server: ServerConfig = Field(default_factory=ServerConfig)
    cliq: CliqConfig = Field(default_factory=CliqConfig)
    desk: DeskConfig = Field(default_factory=DeskConfig)
    oauth: OAuthConfig = Field(default_factory=OAuthConfig)
    sandbox: SandboxConfig = Field(default_factory=SandboxConfig)
    store: StoreConfig = Field(default_factory=StoreConfig)
    notifications: NotificationsConfig = Field(default_factory=NotificationsConfig)
    attendance: AttendanceConfig = Field(default_factory=AttendanceConfig)

    @property
    def uses_sandbox(self) -> bool:
        return self.cliq.datacenter == SANDBOX or self.desk.datacenter == SANDBOX

    @property
    def sandbox_state_path(self) -> str:
        """The SQLite file the sandbox world is kept in (`[sandbox] state_path`, else beside
        the bot's SQLite file, `[store] url` or `path`)."""
        from bot.sandbox.saved import state_path
        from bot.store.db import sqlite_path

        sqlite = self.store.url if self.store.url.startswith("sqlite:///") else self.store.path
        return self.sandbox.state_path or state_path(sqlite_path(sqlite))

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

    @property
    def desk_org_id(self) -> str:
        if self.desk.org_id:
            return self.desk.org_id
        if self.desk.datacenter == SANDBOX:
            return SANDBOX_ORG_ID
        raise ConfigError("set [desk] org_id to your Zoho Desk organisation id")

    @property
    def client_id(self) -> str:
        return self.oauth.client_id or (SANDBOX_CLIENT_ID if self.uses_sandbox else "")

    def client_secret(self) -> str:
        both = self.desk.datacenter == SANDBOX and self.cliq.datacenter == SANDBOX
        return self._secret(CLIENT_SECRET_ENV, SANDBOX_CLIENT_SECRET, "the client secret", both)

    def desk_refresh_token(self) -> str:
        sandboxed = self.desk.datacenter == SANDBOX
        return self._secret(DESK_REFRESH_ENV, SANDBOX_ORG_REFRESH_TOKEN, "a token", sandboxed)

    def cliq_refresh_token(self) -> str:
        sandboxed = self.cliq.datacenter == SANDBOX
        return self._secret(CLIQ_REFRESH_ENV, SANDBOX_CLIQ_REFRESH_TOKEN, "a token", sandboxed)

    def token_key(self) -> str:
        """The key that encrypts agents' stored Desk tokens and signs OAuth `state` values."""
        sandboxed = self.desk.datacenter == SANDBOX
        return self._secret(TOKEN_KEY_ENV, SANDBOX_TOKEN_KEY, "a long random key", sandboxed)

    @staticmethod
    def _secret(env: str, sandbox_value: str, what: str, sandboxed: bool) -> str:
        """From the environment; a sandbox setup falls back to the sandbox's well-known value."""
        value = os.environ.get(env, "")
        if value:
            return value
        if sandboxed:
            return sandbox_value
        raise ConfigError(f"set {env} to {what}")


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
