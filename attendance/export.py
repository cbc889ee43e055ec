"""CSV export of attendance (SPEC A8): one row per agent per local day, at most 30 days.

The file is UTF-8 with a byte-order mark, so Excel opens Japanese and other non-Latin names
correctly, and it is produced as an async iterator of byte chunks, one agent at a time, so a
month of a thousand agents is streamed in constant memory.

Columns, in this order:

| column           | meaning                                                                  |
|------------------|--------------------------------------------------------------------------|
| `date`           | the local day, `YYYY-MM-DD`, in `time_zone`                              |
| `agent_name`     | the agent's name as last seen (empty if unknown)                         |
| `agent_email`    | the agent's e-mail                                                       |
| `time_zone`      | the IANA zone the days are cut in, e.g. `Asia/Tokyo`                     |
| `first_check_in` | the first check-in that day, ISO 8601 local time with offset, or empty   |
| `last_check_out` | the last check-out that day, same format, or empty                       |
| `auto_check_out` | `yes` if that check-out was the automatic 24-hour one, else empty        |
| `worked`         | time in Online statuses that day, `H:MM:SS`                              |
| `worked_seconds` | the same in whole seconds                                                |
| `away_seconds`   | time in Offline statuses while checked in (breaks), whole seconds        |
| `<status> (s)`   | one column per status except Check Out, in the order of the status list, |
|                  | named after the status, seconds spent in it that day; deleted statuses   |
|                  | used before the period's end are included                                |

Cells that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, tab or CR)
are prefixed with `'`.

These column names are for programs, and stay the same whatever the reader's language. For
people opening the file in Excel, an export in a language (`lang=ja`, `words` here) names the
columns in it instead (`日付`, `担当者名`, …, `食事休憩(秒)`; a default status in that language
unless renamed); the cells stay as above.
"""

from __future__ import annotations

import csv
from collections.abc import AsyncIterator, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from attendance.models import CHECK_OUT, Status
from attendance.reports import AgentPeriod, DayReport
from attendance.words import shown_name

if TYPE_CHECKING:
    from bot.i18n import Words

BOM = "\ufeff"
CHUNK = 64 * 1024
FIXED_COLUMNS = [
    "date",
    "agent_name",
    "agent_email",
    "time_zone",
    "first_check_in",
    "last_check_out",
    "auto_check_out",
    "worked",
    "worked_seconds",
    "away_seconds",
]


def header(statuses: Sequence[Status], words: Words | None) -> list[str]:
    """The column names: for programs (see above), or for people reading `words`' language."""
    shown = [s for s in statuses if s.id != CHECK_OUT]
    if words is None:
        return FIXED_COLUMNS + [f"{s.name} (s)" for s in shown]
    return _named_columns(words) + [
        words.pgettext("csv", "{status} (s)", status=shown_name(s, words)) for s in shown
    ]


def _named_columns(words: Words) -> list[str]:
    """`FIXED_COLUMNS` as people reading `words`' language name them, in the same order."""
    return [
        words.pgettext("csv", "Date"),
        words.pgettext("csv", "Agent name"),
        words.pgettext("csv", "Agent e-mail"),
        words.pgettext("csv", "Time zone"),
        words.pgettext("csv", "First check-in"),
        words.pgettext("csv", "Last check-out"),
        words.pgettext("csv", "Automatic check-out"),
        words.pgettext("csv", "Worked"),
        words.pgettext("csv", "Worked (s)"),
        words.pgettext("csv", "Away (s)"),
    ]


def row(agent: AgentPeriod, day: DayReport, statuses: Sequence[Status]) -> list[str]:
    cells = [
        day.day.isoformat(),
        _safe(agent.name),
        _safe(agent.email),
        agent.zone,
        _time(day.first_check_in),
        _time(day.last_check_out),
        "yes" if day.auto_check_out else "",
        hms(day.worked),
        str(_seconds(day.worked)),
        str(_seconds(day.away)),
    ]
    zero = timedelta()
    cells += [str(_seconds(day.per_status.get(s.id, zero))) for s in statuses if s.id != CHECK_OUT]
    return cells


async def stream(
    periods: AsyncIterator[AgentPeriod], statuses: Sequence[Status], words: Words | None
) -> AsyncIterator[bytes]:
    """Yield the CSV as UTF-8 byte chunks of about 64 KiB, BOM first; its column names for
    programs, or in `words`' language."""
    sink = _Sink()
    writer = csv.writer(sink, lineterminator="\r\n")
    sink.write(BOM)
    writer.writerow([_safe(c) for c in header(statuses, words)])
    async for agent in periods:
        for day in agent.days:
            writer.writerow(row(agent, day, statuses))
        if sink.size >= CHUNK:
            yield sink.take()
    if sink.size:
        yield sink.take()


class _Sink:
    """What csv.writer writes to: rows encoded at once and kept as bytes until a chunk is full
    (a StringIO would hold up to four bytes per character, and copy them again to encode)."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.size = 0

    def write(self, text: str) -> None:
        data = text.encode("utf-8")
        self.parts.append(data)
        self.size += len(data)

    def take(self) -> bytes:
        chunk = b"".join(self.parts)
        self.parts, self.size = [], 0
        return chunk


def hms(spent: timedelta) -> str:
    total = _seconds(spent)
    return f"{total // 3600}:{total % 3600 // 60:02d}:{total % 60:02d}"


def _seconds(spent: timedelta) -> int:
    return int(spent.total_seconds())


def _time(when: datetime | None) -> str:
    return "" if when is None else when.isoformat(timespec="seconds")


def _safe(cell: str) -> str:
    return "'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell
