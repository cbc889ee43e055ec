"""`/attendance/export`: attendance CSV behind a short, expiring link (SPEC A8; the links are
bot.identity.export_links), streamed in constant memory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date

from aiohttp import web

from attendance.errors import AttendanceError
from bot.handlers.errors import json_error
from bot.parts import ATTENDANCE, EXPORT_LINKS
from bot.store.links import LinkRefused


async def send_csv(
    request: web.Request, chunks: AsyncIterator[bytes], start: date, end: date
) -> web.StreamResponse:
    """Stream an attendance CSV (`AttendanceService.export`'s chunks) as the download of the
    days `start`..`end`: the one response both the chat's links and the console send."""
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


def routes() -> list[web.RouteDef]:
    """`GET /attendance/export?k=<token>`: 403 for a link this bot did not make (or one
    expired, or made for something else), 400 for a period the attendance service refuses."""

    async def download(request: web.Request) -> web.StreamResponse:
        try:
            asked = await request.app[EXPORT_LINKS].read(request.query.get("k", ""))
        except LinkRefused as exc:
            return json_error(403, "forbidden", exc.reason)
        start, end = asked.start, asked.end
        try:
            chunks = await request.app[ATTENDANCE].export(asked.agents, start, end, asked.zone)
        except AttendanceError as exc:
            return json_error(400, "bad_request", str(exc))
        return await send_csv(request, chunks, start, end)

    return [web.get("/attendance/export", download)]
