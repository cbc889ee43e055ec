"""`/attendance/export`: attendance CSV behind a signed, expiring link (SPEC A8; the links are
bot.identity.export_links), streamed in constant memory."""

from __future__ import annotations

from datetime import date

from aiohttp import web

from attendance.errors import AttendanceError
from bot.handlers.errors import json_error
from bot.parts import ATTENDANCE, EXPORT_LINKS


def routes() -> list[web.RouteDef]:
    """`GET /attendance/export?t=<claims>&s=<signature>`: 403 for a link this bot did not make
    (or one expired or damaged), 400 for a period the attendance service refuses."""

    async def download(request: web.Request) -> web.StreamResponse:
        try:
            claims = request.app[EXPORT_LINKS].read(
                request.query.get("t", ""), request.query.get("s", "")
            )
        except PermissionError as exc:
            return json_error(403, "forbidden", str(exc))
        except (ValueError, KeyError):
            return json_error(403, "forbidden", "this link is damaged")
        start, end = date.fromisoformat(str(claims["s"])), date.fromisoformat(str(claims["e"]))
        try:
            chunks = await request.app[ATTENDANCE].export(
                list(claims["a"]), start, end, str(claims["z"])
            )
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
