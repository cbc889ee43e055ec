"""Any list laid out within Cliq's limits, a page at a time (reference/cliq.md §1.4, §1.6).

A list of any length (agents, statuses, days, report rows) becomes pages of slides, each page
within the message models' limits (`bot/cliq/limits.py`: at most `MAX_SLIDES` slides holding at
most `SLIDES_TOTAL_CHARS` characters, `MAX_BUTTONS` buttons), so a card cannot fail for being
long; choices for buttons or a select are cut the same way (`page_of`, e.g. `SELECT_OPTIONS`).

- `Section`: a titled group of entries (a board column, an agent's days), shown as one slide, or
  as several on consecutive pages when it does not fit, each titled with the part it shows.
- `layout(sections, number)` gives `SlidePage`: that page's slides and where it sits in the
  list; `SlidePage.line(noun)` is the honest "N more" line, `SlidePage.buttons(key)` the
  Previous/Next buttons, whose keys carry the page (`key:<page>`, read back with `page_number`).
- `page_of(items, number, per_page=…)`: a fixed number of items per page.

The same pages come back for the same list, so a Next button needs only the page number.
Framework: nothing here knows Deskbot (docs/framework.md, "Lists of any length").
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeVar

from bot.cliq import limits
from bot.cliq.message import Button, LabelSlide, ListSlide, Slide, TableData, TableSlide
from bot.cliq.outbound import literal
from bot.i18n import Words

T = TypeVar("T")

Kind = Literal["list", "table", "label"]

MAX_ENTRY = 1_000
"""Characters one entry may show (longer ones are cut, ending "…"), so one entry always fits."""

MAX_TITLE = 100
"""Characters a section's title may show before its count (longer ones are cut)."""

_SEPARATOR = 2  # ", " between two entries in the text the slides' size is counted on


@dataclass(frozen=True)
class Section:
    """A titled group of a list.

    `entries` are list items (`kind="list"`, str), table rows (`"table"`, a mapping of header →
    cell; `headers` names the columns) or label pairs (`"label"`, (label, value)). A section with
    no entries shows `empty`. The title shows the entry count when `counted` (`Training (12)`)."""

    title: str
    entries: Sequence[Any]
    kind: Kind = "list"
    headers: Sequence[str] = ()
    empty: str = "-"
    counted: bool = True


@dataclass(frozen=True)
class Part:
    """The entries `start`..`stop` (exclusive) of section `section`, shown as one slide."""

    section: int
    start: int
    stop: int


@dataclass(frozen=True)
class SlidePage:
    """One page of a laid-out list: its slides, and what the list holds before and after it."""

    slides: list[Slide]
    parts: list[Part]
    number: int  # 1-based
    count: int  # pages in all (at least 1)
    total: int  # entries in all sections
    first: int  # entries (across sections, in order) before this page
    shown: int  # entries on this page
    sections: int  # sections in all

    @property
    def before(self) -> int:
        """Entries on earlier pages."""
        return self.first

    @property
    def after(self) -> int:
        """Entries on later pages."""
        return self.total - self.first - self.shown

    def line(self, noun: str = "", groups: str = "", *, words: Words) -> str:
        """The honest "N more" line, plain text, in `words`' language: "Page 2 of 5: agents
        101–200 of 1,000; 800 more on the next pages." `noun` names the entries (already in
        that language; "entries" when empty). With `groups` (e.g. "columns") it also says which
        sections the page shows. On a single page: "1,000 agents." """
        noun = noun or words.gettext("entries")
        number = words.number
        if self.count == 1:
            return words.gettext("{total} {noun}.", total=number(self.total), noun=noun)
        if self.shown:
            shown = words.gettext(
                "{noun} {first}–{last} of {total}",
                noun=noun,
                first=number(self.first + 1),
                last=number(self.first + self.shown),
                total=number(self.total),
            )
        else:
            shown = words.gettext(
                "no {noun} on this page ({total} in all)", noun=noun, total=number(self.total)
            )
        if groups and self.parts:
            low, high = self.parts[0].section + 1, self.parts[-1].section + 1
            span = number(low) if low == high else f"{number(low)}–{number(high)}"
            shown += words.gettext(
                ", {groups} {span} of {sections}",
                groups=groups,
                span=span,
                sections=number(self.sections),
            )
        more = (
            words.gettext("; {after} more on the next pages", after=number(self.after))
            if self.after
            else ""
        )
        return words.gettext(
            "Page {number} of {count}: {shown}{more}.",
            number=number(self.number),
            count=number(self.count),
            shown=shown,
            more=more,
        )

    def buttons(self, key: str, *, words: Words) -> list[Button]:
        """Previous/Next as needed, keyed `key:<page>` (`page_number` reads the page back)."""
        return nav_buttons(self.number, self.count, key, words=words)


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a fixed number of items (buttons, select options…)."""

    items: list[T]
    number: int
    count: int
    total: int
    first: int

    @property
    def after(self) -> int:
        """Items on later pages."""
        return self.total - self.first - len(self.items)

    def more(self, noun: str = "", *, words: Words) -> str:
        """ "12 more." (or "12 agents more." with a `noun` in `words`' language) when items
        follow, else ""."""
        if not self.after:
            return ""
        if not noun:
            return words.gettext("{after} more.", after=words.number(self.after))
        return words.gettext("{after} {noun} more.", after=words.number(self.after), noun=noun)

    def buttons(self, key: str, *, words: Words) -> list[Button]:
        """Previous/Next as needed, keyed `key:<page>`."""
        return nav_buttons(self.number, self.count, key, words=words)


def page_of(items: Sequence[T], number: int = 1, *, per_page: int) -> Page[T]:
    """Page `number` (1-based, clamped into range) of `items`, `per_page` a page.

    `per_page` is usually a Cliq limit: `limits.SELECT_OPTIONS` for a select, or
    `limits.MAX_BUTTONS` less the buttons kept for paging. Raises ValueError if it is < 1."""
    if per_page < 1:
        raise ValueError("a page holds at least one item")
    count = max(1, math.ceil(len(items) / per_page))
    number = min(max(number, 1), count)
    first = (number - 1) * per_page
    return Page(list(items[first : first + per_page]), number, count, len(items), first)


def nav_buttons(number: int, count: int, key: str, *, words: Words) -> list[Button]:
    """ "Previous" and "Next" buttons (in `words`' language) for page `number` of `count`, keys
    `key:<page>`."""
    buttons = []
    if number > 1:
        label = words.pgettext("button", "Previous")
        buttons.append(Button.invoke(label, key=f"{key}:{number - 1}"))
    if number < count:
        buttons.append(Button.invoke(words.pgettext("button", "Next"), key=f"{key}:{number + 1}"))
    return buttons


def page_number(rest: str) -> tuple[str, int]:
    """(`state`, page) from a key's rest `state:<page>` or `<page>`; a missing or bad page is
    page 1 (an old or hand-made key shows the first page rather than failing)."""
    state, _, page = rest.rpartition(":")
    if page.isascii() and page.isdigit() and 0 < len(page) <= 6:
        return state, int(page)
    return rest, 1


def layout(
    sections: Sequence[Section],
    number: int = 1,
    *,
    max_slides: int = limits.MAX_SLIDES,
    max_chars: int = limits.SLIDES_TOTAL_CHARS,
    per_page: int | None = None,
) -> SlidePage:
    """Page `number` (1-based, clamped into range) of `sections` laid out as slides.

    A page holds at most `max_slides` slides and `max_chars` characters of slides as
    `Message` counts them (both default to, and may not exceed, Cliq's limits), and at most
    `per_page` entries if given (e.g. so a select of the page's entries fits in 100 options).
    Sections keep their order; one that does not fit continues on the next page. Raises
    ValueError for limits past Cliq's or a section of an unknown kind."""
    if not 0 < max_slides <= limits.MAX_SLIDES or not 0 < max_chars <= limits.SLIDES_TOTAL_CHARS:
        raise ValueError("a page's limits must be within Cliq's")
    if per_page is not None and per_page < 1:
        raise ValueError("a page holds at least one entry")
    shown = [_Shown.of(s) for s in sections]
    pages = _pack(shown, max_slides, max_chars, per_page)
    number = min(max(number, 1), len(pages))
    parts = pages[number - 1]
    first = sum(p.stop - p.start for page in pages[: number - 1] for p in page)
    return SlidePage(
        slides=[shown[p.section].slide(p) for p in parts],
        parts=parts,
        number=number,
        count=len(pages),
        total=sum(len(s.entries) for s in shown),
        first=first,
        shown=sum(p.stop - p.start for p in parts),
        sections=len(sections),
    )


# --- internals ---------------------------------------------------------------------------


@dataclass
class _Shown:
    """A section with its entries escaped and cut as they will be shown, and their sizes."""

    section: Section
    entries: list[Any]
    costs: list[int]
    base: int  # characters of the section's slide with no entries, title aside
    title_room: int  # the longest title any part of it may get
    make: Callable[[str, list[Any]], Slide] = field(repr=False)

    @classmethod
    def of(cls, section: Section) -> _Shown:
        kind = section.kind
        if kind == "list":
            entries: list[Any] = [_cut(e) for e in section.entries]

            def make(title: str, data: list[Any]) -> Slide:
                return ListSlide(title=title, data=data)

            base = len(str([]))
        elif kind == "table":
            headers = [literal(h) for h in section.headers]
            wide = max(1, len(headers))
            entries = [
                {literal(k): _cut(v, MAX_ENTRY // wide) for k, v in row.items()}
                for row in section.entries
            ]

            def make(title: str, data: list[Any]) -> Slide:
                return TableSlide(title=title, data=TableData(headers=headers, rows=data))

            base = len(str(TableData(headers=headers, rows=[])))
        elif kind == "label":
            entries = [{_cut(k, 100): _cut(v)} for k, v in section.entries]

            def make(title: str, data: list[Any]) -> Slide:
                return LabelSlide(title=title, data=data)

            base = len(str([]))
        else:
            raise ValueError(f"unknown section kind {kind!r}")
        costs = [len(repr(e)) + _SEPARATOR for e in entries]
        if not entries:
            base += len(repr(_empty_entry(section))) + _SEPARATOR
        n = len(entries)
        digits = len(f"{n:,}")
        title_room = len(_cut(section.title, MAX_TITLE)) + len(f" ({n:,}): –") + 2 * digits + 1
        return cls(section, entries, costs, base, title_room, make)

    def title(self, part: Part) -> str:
        section, n = self.section, len(self.entries)
        title = _cut(section.title, MAX_TITLE)
        if not section.counted:
            if (part.start, part.stop) == (0, n):
                return title
            return f"{title}: {part.start + 1:,}–{part.stop:,}"
        if n == 0 or (part.start, part.stop) == (0, n):
            return f"{title} ({n:,})"
        return f"{title} ({n:,}): {part.start + 1:,}–{part.stop:,}"

    def slide(self, part: Part) -> Slide:
        data = self.entries[part.start : part.stop] or [_empty_entry(self.section)]
        return self.make(self.title(part), data)


def _empty_entry(section: Section) -> Any:
    if section.kind == "table":
        first = section.headers[0] if section.headers else ""
        return {literal(first): _cut(section.empty)}
    if section.kind == "label":
        return {_cut(section.empty, 100): "-"}
    return _cut(section.empty)


def _cut(value: Any, at_most: int = MAX_ENTRY) -> str:
    """`value` as shown in a single-line field (escaped), at most `at_most` characters."""
    shown: str = literal(value if isinstance(value, str) else str(value))
    return shown if len(shown) <= at_most else shown[: at_most - 1] + "…"


def _pack(
    shown: list[_Shown], max_slides: int, max_chars: int, per_page: int | None
) -> list[list[Part]]:
    """Every page's parts, filled greedily in order (so page N is the same on every call)."""
    pages: list[list[Part]] = []
    page: list[Part] = []
    chars = entries = 0

    def close() -> None:
        nonlocal page, chars, entries
        pages.append(page)
        page, chars, entries = [], 0, 0

    for index, section in enumerate(shown):
        start, n = 0, len(section.entries)
        while True:
            opening = section.base + section.title_room
            room_entries = per_page - entries if per_page is not None else n
            if len(page) >= max_slides or chars + opening > max_chars or (room_entries < 1 and n):
                if not page:  # pragma: no cover - titles are cut, so a section always opens
                    raise ValueError("a section's title does not fit on a page")
                close()
                continue
            stop, used = start, chars + opening
            while stop < n and stop - start < room_entries:
                cost = section.costs[stop]
                if used + cost > max_chars:
                    break
                used += cost
                stop += 1
            if stop == start and n and page:
                close()  # not even one entry fits beside what the page holds: a new page
                continue
            if stop == start and n:  # pragma: no cover - MAX_ENTRY keeps one entry within a page
                raise ValueError("an entry is larger than a page")
            page.append(Part(index, start, stop))
            chars, entries = used, entries + (stop - start)
            start = stop
            if start >= n:
                break
    if page or not pages:
        pages.append(page)
    return pages


__all__ = [
    "MAX_ENTRY",
    "MAX_TITLE",
    "Page",
    "Part",
    "Section",
    "SlidePage",
    "layout",
    "nav_buttons",
    "page_number",
    "page_of",
]
