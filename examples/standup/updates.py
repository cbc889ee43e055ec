"""Today's stand-up updates, kept in memory: one per person, team and day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

MOODS = {"on_track": "On track", "at_risk": "At risk", "blocked": "Blocked"}
"""Each mood's value (what the form sends) → its label (what people see)."""


@dataclass(frozen=True)
class Update:
    team: str
    day: date
    email: str
    name: str
    mood: str
    yesterday: str
    today: str
    blockers: str


class Updates:
    """The updates given so far; a newer one from the same person replaces theirs that day."""

    def __init__(self) -> None:
        self._kept: dict[tuple[str, date, str], Update] = {}

    def add(self, update: Update) -> None:
        self._kept[(update.team, update.day, update.email.casefold())] = update

    def of(self, team: str, day: date) -> list[Update]:
        """The team's updates that day, in the order they were first given."""
        return [u for (t, d, _), u in self._kept.items() if (t, d) == (team, day)]
