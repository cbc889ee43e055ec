"""Build handler envelopes and sign them the way a Deluge shim does.

Two wires: `"deluge"` sends what a Deluge shim really sends (`bot.cliq.shim.shim_body`: only the
variables its handler's shim forwards, each carried Deluge-safe, serialised as Deluge's
`Map.toString()` does), `"json"` sends the envelope as JSON, as a webhook-type extension does.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from bot.cliq.verify import SIGNATURE_HEADER, TIMESTAMP_HEADER, hmac_signature
from bot.clock import Clock, epoch_ms

Wire = Literal["deluge", "json"]

DEFAULT_USER: dict[str, Any] = {
    "id": "55500001",
    "email": "agent@example.com",
    "first_name": "Aiko",
    "last_name": "Tanaka",
    "admin": False,
    "timezone": "Asia/Tokyo",
    "language": "en",
}
DEFAULT_CHAT: dict[str, Any] = {"id": "CT_1000_55500001-B2", "type": "bot", "title": "Bot"}


def envelope(
    component: str,
    handler: str,
    *,
    name: str = "",
    handler_name: str = "",
    params: dict[str, Any] | None = None,
    timestamp: int | None = None,
    response_url: str = "",
) -> dict[str, Any]:
    """A handler-call envelope (reference/cliq.md §3.1)."""
    env: dict[str, Any] = {
        "type": component,
        "name": name,
        "handler": {"type": handler, "name": handler_name} if handler_name else {"type": handler},
        "params": params or {},
    }
    if timestamp is not None:
        env["timestamp"] = timestamp
    if response_url:
        env["response_url"] = response_url
    return env


class SignedRequests:
    """Signs bodies with the shared secret at the clock's current time.

    Each call gets its own millisecond, as two real calls would, so the same call made twice
    under a frozen clock is two calls, not a replay (the edge refuses replays with 409)."""

    def __init__(self, secret: str, clock: Clock) -> None:
        """`secret` is the shims' shared HMAC secret; `clock` gives the timestamps (epoch ms)."""
        self.secret = secret
        self.clock = clock
        self._last_ms = 0

    def headers(self, body: bytes, *, timestamp: int | None = None) -> dict[str, str]:
        """The signed headers for `body` (X-Deskbot-Timestamp, X-Deskbot-Signature, JSON content
        type) at `timestamp` (epoch ms) or the clock's now, one millisecond apart per call.
        """
        if timestamp is None:
            now = epoch_ms(self.clock.now())
            behind = 0 <= self._last_ms - now < 60_000  # same frozen instant: step a millisecond
            timestamp = self._last_ms = self._last_ms + 1 if behind else now
        ts = str(timestamp)
        return {
            "Content-Type": "application/json",
            TIMESTAMP_HEADER: ts,
            SIGNATURE_HEADER: hmac_signature(self.secret, ts, body),
        }

    def sign(self, env: dict[str, Any], wire: Wire = "json") -> tuple[bytes, dict[str, str]]:
        """The body and signed headers for `env` on `wire` (ValueError if no shim sends it)."""
        if wire == "deluge":
            from bot.cliq.shim import shim_body  # the shim table lives with the Deluge

            body = shim_body(env)
        else:
            body = json.dumps(env, separators=(",", ":")).encode()
        return body, self.headers(body)


def has_shim(env: dict[str, Any]) -> bool:
    """Whether a Deluge shim sends this kind of call (bot.cliq.shim.HANDLERS)."""
    from bot.cliq.shim import HANDLERS

    handler = env.get("handler")
    kind = handler.get("type") if isinstance(handler, dict) else handler
    return kind in HANDLERS
