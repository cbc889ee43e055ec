"""`/attendance/export`: attendance CSV behind a short, expiring link (SPEC A8; the links are
bot.identity.export_links), streamed in constant memory.

`lang` (optional, e.g. `&lang=ja`) names the columns for people in that language (Excel users)
instead of for programs (attendance/export.py); it changes no cell, so it is not part of what
the link's token grants."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date

from aiohttp import web

from attendance.errors import AttendanceError
from bot.handlers.errors import REQUEST_ID
from bot.handlers.pages import link_refused, reader_words, refusal
from bot.i18n import Languages, Words
from bot.parts import ATTENDANCE, EXPORT_LINKS
from bot.store.links import LinkRefused


async def send_csv(
    request: web.Request,
    chunks: AsyncIterator[bytes],
    start: date,
    end: date,
    lang: str = "",
) -> web.StreamResponse:
    """Stream an attendance CSV (`AttendanceService.export`'s chunks) as the download of the
    days `start`..`end`: the one response both the chat's links and the console send. `lang`:
    the language its columns are named in, if any, in the file's name (`…-ja.csv`)."""
    suffix = f"-{lang}" if lang else ""
    response = web.StreamResponse(
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="attendance-{start}-{end}{suffix}.csv"',
            # (sent before the edge sees the answer, so it is named here)
            "X-Request-Id": request[REQUEST_ID],
        }
    )
    await response.prepare(request)
    async for chunk in chunks:
        await response.write(chunk)
    await response.write_eof()
    return response


def routes() -> list[web.RouteDef]:
    """`GET /attendance/export?k=<token>[&lang=<language>]`: 403 for a link that opens no
    export (not ours, expired, made for something else), 400 for a period the attendance
    service refuses or a language the bot does not speak. A refusal is a page in its reader's
    language (the link's person's, else the browser's: bot/handlers/pages.py), or JSON to a
    client that asks for it."""
    languages = Languages()

    async def download(request: web.Request) -> web.StreamResponse:
        try:
            asked = await request.app[EXPORT_LINKS].read(request.query.get("k", ""))
        except LinkRefused as exc:
            reader = await reader_words(request, exc.owner)
            return refusal(
                request,
                403,
                "forbidden",
                exc.reason,
                reader,
                reader.gettext("No attendance export"),
                link_refused(reader, exc),
                reader.gettext("Ask Deskbot for a new link with /attendance export."),
            )
        lang = request.query.get("lang")
        words: Words | None = None
        if lang is not None:
            code = languages.code(lang)
            if code not in languages.available:
                spoken = ", ".join(languages.available)
                reader = await reader_words(request, asked.owner)
                return refusal(
                    request,
                    400,
                    "bad_request",
                    f"lang is one of {spoken}, or left out",
                    reader,
                    reader.gettext("No attendance export"),
                    reader.gettext(
                        "The file's columns can be named in {languages}; leave lang= out for"
                        " the names programs read.",
                        languages=spoken,
                    ),
                )
            words = languages.words(code)
        start, end = asked.start, asked.end
        try:
            chunks = await request.app[ATTENDANCE].export(
                asked.agents, start, end, asked.zone, words
            )
        except AttendanceError as exc:
            reader = await reader_words(request, asked.owner)
            title = reader.gettext("No attendance export")
            return refusal(request, 400, "bad_request", str(exc), reader, title, exc.text(reader))
        return await send_csv(request, chunks, start, end, words.language if words else "")

    return [web.get("/attendance/export", download)]
