"""Desk's offset paging: `from` + `limit`, no cursor, no total; items deduped by id.

One record the bot cannot read (a field that is not what Desk's documents say) is logged once
and left out of the list: it never hides the records after it, so a reminder, digest or
listing works for everything else.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from bot.desk.transport import Transport

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)

log = logging.getLogger("deskbot.desk")

UNREADABLE_REMEMBERED = 1024
"""Unreadable records already logged (the oldest forgotten first): each is logged once."""
_logged: OrderedDict[tuple[str, str, str], None] = OrderedDict()


async def pages(
    http: Transport,
    path: str,
    params: Mapping[str, Any] | None = None,
    *,
    key: str = "data",
    page_size: int = 100,
    max_items: int | None = None,
    start: int = 0,
) -> AsyncIterator[dict[str, Any]]:
    """The items of a `from`/`limit` list, page by page, each id once.

    Stops at 204, an empty or short page, a page with nothing new (a server ignoring
    `from`), or `max_items`. Starts at 0: lists may be 1-based with 0 tolerated, and the
    dedupe absorbs a one-item overlap.
    """
    seen: set[str] = set()
    given = 0
    offset = start
    while max_items is None or given < max_items:
        limit = page_size if max_items is None else min(page_size, max_items - given)
        body = await http.request(
            "GET", path, params={**(params or {}), "from": offset, "limit": limit}
        )
        items = _items(body, key)
        fresh = 0
        for item in items:
            item_id = item.get("id") if isinstance(item, dict) else None
            if item_id is not None:
                if str(item_id) in seen:
                    continue
                seen.add(str(item_id))
            fresh += 1
            yield item
            given += 1
            if max_items is not None and given >= max_items:
                return
        if len(items) < limit or fresh == 0:
            return
        offset += limit


async def models(
    http: Transport,
    model: type[M],
    path: str,
    params: Mapping[str, Any] | None = None,
    *,
    key: str = "data",
    page_size: int = 100,
    max_items: int | None = None,
) -> AsyncIterator[M]:
    """`pages()` parsed into `model`; an item that does not parse is skipped (`unreadable`)."""
    found = pages(http, path, params, key=key, page_size=page_size, max_items=max_items)
    async for item in found:
        try:
            yield model.model_validate(item)
        except ValidationError as exc:
            unreadable(model.__name__, item, exc)


def unreadable(kind: str, item: Any, error: ValidationError) -> None:
    """Log, once per record and problem, that a Desk record was skipped because a field of it
    cannot be read (which field, and the start of its value)."""
    record = str(item.get("id") if isinstance(item, dict) else "?")[:40]
    first = error.errors()[0] if error.errors() else {}
    where = ".".join(str(part) for part in first.get("loc", ())) or "record"
    value = repr(first.get("input"))[:60]
    key = (kind, record, where)
    if key in _logged:
        _logged.move_to_end(key)
        return
    _logged[key] = None
    while len(_logged) > UNREADABLE_REMEMBERED:
        _logged.popitem(last=False)
    log.warning(
        "Desk %s %s skipped: its %s (%s) cannot be read; the others are used",
        kind,
        record,
        where,
        value,
    )


def _items(body: Any, key: str) -> list[Any]:
    if body is None:
        return []
    if isinstance(body, dict):
        found = body.get(key)
        return found if isinstance(found, list) else []
    return body if isinstance(body, list) else []


async def collect(items: AsyncIterator[T], limit: int | None = None) -> list[T]:
    """Up to `limit` items of an async iterator (all when None)."""
    out: list[T] = []
    if limit is not None and limit <= 0:
        return out
    async for item in items:
        out.append(item)
        if limit is not None and len(out) >= limit:
            break
    return out


def csv(values: str | Sequence[str] | None) -> str | None:
    """One value or several, as Desk's comma-separated form."""
    if values is None or isinstance(values, str):
        return values
    return ",".join(values) if values else None
