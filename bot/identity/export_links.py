"""Signed, expiring download links for attendance CSV (SPEC A8): what `/attendance/export`
(bot.handlers.attendance_export) accepts. The key derives from `DESKBOT_TOKEN_KEY` under its own
label, as the keys of bot.identity.secrets do."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import date, timedelta
from typing import Any

from bot.clock import Clock

LIFETIME = timedelta(minutes=15)


class ExportLinks:
    def __init__(self, secret: str, base_url: str, clock: Clock) -> None:
        self._key = hmac.new(secret.encode(), b"deskbot attendance export", hashlib.sha256).digest()
        self._base = base_url.rstrip("/")
        self._clock = clock

    def url_for(self, agents: list[str], start: date, end: date, tz: str) -> str:
        claims = {
            "a": agents,
            "s": start.isoformat(),
            "e": end.isoformat(),
            "z": tz,
            "x": int((self._clock.now() + LIFETIME).timestamp()),
        }
        body = base64.urlsafe_b64encode(json.dumps(claims, separators=(",", ":")).encode())
        token = body.decode().rstrip("=")
        return f"{self._base}/attendance/export?t={token}&s={self._sign(token)}"

    def read(self, token: str, signature: str) -> dict[str, Any]:
        """The claims of a link this bot made; PermissionError if it was not (or has expired),
        ValueError if it is damaged. Any text is judged, non-ASCII and oversize included."""
        if not (token.isascii() and signature.isascii()) or len(token) > 8192:
            raise PermissionError("this link was not made by this bot")
        if not hmac.compare_digest(self._sign(token).encode(), signature.encode()):
            raise PermissionError("this link was not made by this bot")
        claims: dict[str, Any] = json.loads(
            base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        )
        if int(claims["x"]) < self._clock.now().timestamp():
            raise PermissionError("this link has expired; ask for a new export")
        return claims

    def _sign(self, token: str) -> str:
        return hmac.new(self._key, token.encode(), hashlib.sha256).hexdigest()[:32]
