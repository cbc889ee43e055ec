"""Desk's offset paging: `from` + `limit`, no cursor, no total; items deduped by id.

One record the bot cannot read (a field that is not what Desk's documents say) is logged once
and left out of the list: it never hides the records after it, so a reminder, digest or
listing works for everything else.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from bot.desk.skipped import Skipped
from bot.desk.transport import Transport

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)

_skipped = Skipped(logging.getLogger(__name__))


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
    """`pages()` parsed into `model`; an item that does not parse is skipped, logged once."""
    found = pages(http, path, params, key=key, page_size=page_size, max_items=max_items)
    async for item in found:
        try:
            yield model.model_validate(item)
        except ValidationError as exc:
            record = item.get("id") if isinstance(item, dict) else None
            _skipped.note(f"Desk {model.__name__}", str(record or "?"), exc)


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
