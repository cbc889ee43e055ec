"""Signed, expiring download links for attendance CSV (SPEC A8), streamed in constant memory."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable
from datetime import date, timedelta

from aiohttp import web

from attendance.errors import AttendanceError
from attendance.service import AttendanceService
from bot.clock import Clock
from bot.handlers.errors import json_error

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

    def read(self, token: str, signature: str) -> dict[str, object]:
        """The claims of a link this bot made; PermissionError if it was not (or has expired),
        ValueError if it is damaged. Any text is judged, non-ASCII and oversize included."""
        if not (token.isascii() and signature.isascii()) or len(token) > 8192:
            raise PermissionError("this link was not made by this bot")
        if not hmac.compare_digest(self._sign(token).encode(), signature.encode()):
            raise PermissionError("this link was not made by this bot")
        claims = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        if int(claims["x"]) < self._clock.now().timestamp():
            raise PermissionError("this link has expired; ask for a new export")
        return claims

    def _sign(self, token: str) -> str:
        return hmac.new(self._key, token.encode(), hashlib.sha256).hexdigest()[:32]


def routes(
    service: Callable[[], AttendanceService], links: Callable[[], ExportLinks]
) -> list[web.RouteDef]:
    async def download(request: web.Request) -> web.StreamResponse:
        try:
            claims = links().read(request.query.get("t", ""), request.query.get("s", ""))
        except PermissionError as exc:
            return json_error(403, "forbidden", str(exc))
        except (ValueError, KeyError):
            return json_error(403, "forbidden", "this link is damaged")
        start, end = date.fromisoformat(str(claims["s"])), date.fromisoformat(str(claims["e"]))
        try:
            chunks = await service().export(list(claims["a"]), start, end, str(claims["z"]))  # type: ignore[call-overload]
        except AttendanceError as exc:
            return json_error(400, "bad_request", str(exc))
        response = web.StreamResponse(
            headers={
                "Content-Type": "text/csv; charset=utf-8",
                "Content-Disposition": f'attachment; filename="attendance-{start}-{end}.csv"',
            }
        )
        await response.prepare(request)
        async for chunk in chunks:
            await response.write(chunk)
        await response.write_eof()
        return response

    return [web.get("/attendance/export", download)]
