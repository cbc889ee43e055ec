"""Desk's scalar wire types: ids, counts and times, coerced the same way everywhere.

Desk sends ids as 17-19 digit strings (beyond a JavaScript-safe integer), counts as strings
(`"threadCount": "1"`), times as ISO-8601 UTC with milliseconds and `Z` (sometimes epoch
milliseconds in examples) and webhook `eventTime` as epoch milliseconds in a string.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, PlainSerializer
from pydantic.alias_generators import to_camel


def _to_id(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("an id cannot be a boolean")
    if isinstance(value, int):
        return str(value)
    return value


def _to_count(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("a count cannot be a boolean")
    if isinstance(value, str):
        return int(value.strip())
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def parse_time(value: Any) -> datetime:
    """A Desk time: ISO-8601 (`Z` or offset; naive read as UTC) or epoch milliseconds.

    Raises ValueError for anything else, out-of-range times included (year 1 to 9999)."""
    try:
        return _parse_time(value)
    except (OverflowError, OSError) as exc:
        raise ValueError(f"time out of range: {str(value)[:40]!r}") from exc


def _parse_time(value: Any) -> datetime:
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, bool):
        raise ValueError("a time cannot be a boolean")
    elif isinstance(value, int | float):
        moment = datetime.fromtimestamp(value / 1000, UTC)
    elif isinstance(value, str):
        text = value.strip()
        if text.isascii() and text.isdigit():
            moment = datetime.fromtimestamp(int(text) / 1000, UTC)
        else:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    else:
        raise ValueError(f"not a time: {value!r}")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def format_time(moment: datetime) -> str:
    """Desk's request and response form: `2026-02-23T04:20:19.000Z` (UTC, milliseconds, `Z`)."""
    if moment.tzinfo is None:
        raise ValueError("Desk times must be timezone-aware")
    utc = moment.astimezone(UTC)
    return (
        f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}T"
        f"{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d}.{utc.microsecond // 1000:03d}Z"
    )


def format_epoch_ms(moment: datetime) -> str:
    """Webhook `eventTime` form: epoch milliseconds as a string."""
    return str(round(moment.timestamp() * 1000))


DeskId = Annotated[str, BeforeValidator(_to_id)]
"""An id: always a string, numbers coerced (they exceed JavaScript's safe integers)."""

Count = Annotated[
    int,
    BeforeValidator(_to_count),
    PlainSerializer(str, return_type=str, when_used="json"),
]
"""A count Desk sends as a string (`"threadCount": "1"`): an int here, a string on the wire."""

Number = Annotated[int, BeforeValidator(_to_count)]
"""A count Desk sends as a JSON number (`"overDue": 2`), still accepting a string."""

DeskTime = Annotated[
    datetime,
    BeforeValidator(parse_time),
    PlainSerializer(format_time, return_type=str, when_used="json"),
]
"""A timezone-aware UTC time; JSON form ends in `Z`."""

EpochMsTime = Annotated[
    datetime,
    BeforeValidator(parse_time),
    PlainSerializer(format_epoch_ms, return_type=str, when_used="json"),
]
"""A time that Desk sends as epoch milliseconds in a string (webhook `eventTime`)."""


def _empty_list(value: Any) -> Any:
    return [] if value is None else value


def _empty_dict(value: Any) -> Any:
    return {} if value is None else value


Item = TypeVar("Item")

Items = Annotated[list[Item], BeforeValidator(_empty_list)]
"""A collection Desk's documents type as `["null", "array"]`: `null` reads as empty, so
code never meets None where it iterates (Agent.json, Ticket.json, Team.json, …)."""

Map = Annotated[dict[str, Item], BeforeValidator(_empty_dict)]
"""An object Desk's documents type as `["null", "object"]` (a ticket's `cf`, a webhook's
`subscriptions`): `null` reads as empty."""


def ticket_id_in(record: Any) -> str | None:
    """The id of the ticket a record belongs to, wherever Desk's shapes put it: `ticketId`, or
    a nested `ticket: {id}` (comments, threads, activities and happiness ratings use either;
    desk.md §9.6, §9.13). None when it has neither; ValueError when one is there but is not
    an id (a malformed record, not one without a ticket)."""
    if not isinstance(record, dict):
        return None
    value = record.get("ticketId")
    nested = record.get("ticket")
    if value in (None, "") and isinstance(nested, dict):
        value = nested.get("id")
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValueError(f"the ticket id is not an id: {value!r}")
    return str(value)


class DeskModel(BaseModel):
    """Base of every Desk response model: camelCase on the wire, unknown keys ignored.

    Fields may be absent because Desk filters responses by the caller's field permissions, so
    nearly everything is optional. `to_wire()` gives back Desk's JSON for the fields that were
    set, so the sandbox can answer with the same models the client parses.
    """

    model_config = ConfigDict(
        extra="ignore", populate_by_name=True, alias_generator=to_camel, frozen=True
    )

    def to_wire(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True, exclude_unset=True)
