"""Sealing agents' Desk refresh tokens at rest, and signing the OAuth `state` of the connect flow.

Both keys derive from one secret (`DESKBOT_TOKEN_KEY`), each under its own label, so a leaked
state signature says nothing about the token encryption.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from datetime import timedelta

from cryptography.fernet import Fernet, InvalidToken

from bot.clock import Clock


def _derive(secret: str, label: str) -> bytes:
    return hmac.new(secret.encode(), label.encode(), hashlib.sha256).digest()


def form_seal_key(secret: str) -> bytes:
    """The key that seals forms' hidden inputs (bot.cliq.sealed), derived from
    `DESKBOT_TOKEN_KEY` under its own label, so it holds across restarts and processes."""
    return _derive(secret, "deskbot form seal")


class TokenBox:
    """Authenticated encryption (Fernet: AES-128-CBC + HMAC-SHA256) of stored refresh tokens."""

    def __init__(self, secret: str) -> None:
        self._fernet = Fernet(base64.urlsafe_b64encode(_derive(secret, "deskbot token box")))

    def seal(self, token: str) -> bytes:
        return self._fernet.encrypt(token.encode())

    def open(self, sealed: bytes) -> str:
        try:
            return self._fernet.decrypt(sealed).decode()
        except InvalidToken as exc:
            raise ValueError("a stored token does not open with this key") from exc


class StateError(ValueError):
    """An OAuth `state` that is forged, altered or expired."""


class StateSigner:
    """`state` = base64url(JSON claims) + "." + base64url(HMAC); claims carry who and until when."""

    def __init__(self, secret: str, clock: Clock, lifetime: timedelta = timedelta(minutes=10)):
        self._key = _derive(secret, "deskbot oauth state")
        self._clock = clock
        self._lifetime = lifetime

    def sign(self, email: str) -> str:
        expires = int((self._clock.now() + self._lifetime).timestamp())
        claims = {"email": email, "exp": expires, "nonce": secrets.token_urlsafe(8)}
        body = _b64(json.dumps(claims, separators=(",", ":")).encode())
        return f"{body}.{_b64(self._mac(body))}"

    def verify(self, state: str) -> str:
        """The e-mail the state was issued for; StateError otherwise."""
        return self.read(state)[0]

    def read(self, state: str) -> tuple[str, int]:
        """The e-mail the state was issued for and when it expires (epoch seconds); StateError
        when it is forged, altered, malformed or expired."""
        if len(state) > 1024 or not state.isascii():
            raise StateError("malformed state")
        body, _, mac = state.partition(".")
        try:
            given = _unb64(mac)
            claims = json.loads(_unb64(body))
        except ValueError as exc:
            raise StateError("malformed state") from exc
        if not hmac.compare_digest(given, self._mac(body)):
            raise StateError("state signature does not match")
        if not isinstance(claims, dict) or not isinstance(claims.get("email"), str):
            raise StateError("malformed state")
        expires = claims.get("exp")
        if not isinstance(expires, int) or isinstance(expires, bool):
            raise StateError("malformed state")
        if expires < self._clock.now().timestamp():
            raise StateError("state expired: start the connection again")
        return claims["email"], expires

    def _mac(self, body: str) -> bytes:
        return hmac.new(self._key, body.encode(), hashlib.sha256).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (ValueError, TypeError) as exc:
        raise ValueError("not base64url") from exc
