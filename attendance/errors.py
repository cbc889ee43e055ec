"""Errors the attendance domain raises; each carries a message fit to show a user as is."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime


class AttendanceError(Exception):
    """Base of every refusal by the attendance domain."""


class StatusError(AttendanceError):
    """A status definition change was refused (limit, undeletable, duplicate name, unknown)."""


class UnknownStatus(StatusError):
    pass


class MoveRefused(AttendanceError):
    """A status change is not allowed from the agent's current state.

    `allowed` names the moves that are allowed now, so the chat layer can offer them as buttons.
    """

    def __init__(self, message: str, allowed: Sequence[str]) -> None:
        self.allowed = list(allowed)
        hint = ", ".join(self.allowed) if self.allowed else "none"
        super().__init__(f"{message} Allowed now: {hint}.")


class AlreadyCheckedOut(AttendanceError):
    """An admin asked to check out an agent who is not checked in: who (`email`, `name`) and
    since when (`since`, None if they never checked in)."""

    def __init__(self, email: str, name: str, since: datetime | None) -> None:
        self.email, self.name, self.since = email, name, since
        super().__init__(f"{name or email} is already checked out.")


class RangeError(AttendanceError):
    """A report or export period is empty, reversed or longer than the limit."""


class CorrectionError(AttendanceError):
    """A correction lacks a reason, or is dated in the future."""
