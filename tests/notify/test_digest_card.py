"""The daily digest's two sections (SPEC D9): Resolution, then Unresolved, nothing mixed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.cards.summaries import SECTIONS, day_stats_card
from bot.desk.summaries import DayStats, Happiness, Pending
from bot.i18n import ENGLISH

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
RESOLUTION = {"New", "Closed", "Median time to close", "Happiness", "Top agents"}
UNRESOLVED = {"Open", "Overdue", "On hold", "Unassigned"}


def stats(closed: int, top: list[tuple[str, int]]) -> DayStats:
    return DayStats(
        since=NOW - timedelta(days=1),
        until=NOW,
        new=7,
        closed=closed,
        happiness=Happiness(good=2, okay=1, bad=0),
        top_agents=top,
        median_to_close=timedelta(hours=3, minutes=10) if closed else None,
    )


def sections_of(message: dict) -> dict[str | None, set[str]]:
    """Each slide's title → the labels (or table columns) shown under it."""
    found: dict[str | None, set[str]] = {}
    for slide in message["slides"]:
        if slide["type"] == "label":
            labels = {k for pair in slide["data"] for k in pair}
        else:
            labels = set(slide["data"]["headers"]) | {"Top agents"}
        found.setdefault(slide.get("title"), set()).update(labels)
    return found


@pytest.mark.parametrize(
    ("closed", "top", "pending"),
    [
        (4, [("a1", 3), ("a2", 1)], Pending(open=12, on_hold=2, overdue=5, unassigned=3)),
        (0, [], Pending(open=0, on_hold=0, overdue=0, unassigned=0)),
        (9, [("a1", 9)], Pending(open=1, on_hold=0, overdue=1, unassigned=0)),
    ],
)
def test_the_digest_has_a_resolution_and_an_unresolved_section(
    closed: int, top: list[tuple[str, int]], pending: Pending
) -> None:
    card = day_stats_card(
        stats(closed, top),
        zone=ZoneInfo("Asia/Tokyo"),
        names={"a1": "Aiko", "a2": "Maria"},
        pending=pending,
        title="Daily digest",
        words=ENGLISH,
    ).to_wire()
    shown = sections_of(card)
    resolution = shown["Resolution"] | shown.get("Top agents", set()) | shown.get(None, set())
    assert {"New", "Closed", "Happiness", "Top agents"} <= resolution
    assert not resolution & UNRESOLVED, resolution
    assert shown["Unresolved"] == {"Open", "Overdue"}
    titles = [s.get("title") for s in card["slides"]]
    assert titles.index("Unresolved") == len(titles) - 1  # after everything about resolution
    values = {
        k: v
        for s in card["slides"]
        if s["type"] == "label"
        for p in s["data"]
        for k, v in p.items()
    }
    assert values["Open"] == str(pending.open) and values["Overdue"] == str(pending.overdue)
    if closed:
        assert values["Median time to close"] == "3 h 10 min"


def test_deskstatus_keeps_its_chosen_sections_without_headings() -> None:
    """/deskstatus (no unresolved counts) shows only what was chosen, untitled."""
    for chosen in (SECTIONS, ("new",), ("closed", "top")):
        card = day_stats_card(
            stats(2, [("a1", 2)]), zone=ZoneInfo("UTC"), names={}, sections=chosen, words=ENGLISH
        ).to_wire()
        shown = sections_of(card)
        assert "Resolution" not in shown and "Unresolved" not in shown
        assert not set().union(*shown.values()) & UNRESOLVED
