"""Errors the attendance domain raises; each carries a message fit to show a user, in their
language: `error.text(words)` (bot/i18n's `Words` of the reader), `str(error)` in English.

The message is an English msgid marked for the catalogs (`attendance.words.N_`), its values
filled in when shown: a status by its name in the reader's language (`attendance.words.say`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from attendance.models import Status
from attendance.words import N_, say, sentences

if TYPE_CHECKING:
    from bot.i18n import Words


class AttendanceError(Exception):
    """Base of every refusal by the attendance domain: `message` an English msgid with `{name}`
    placeholders, `values` what fills them."""

    def __init__(self, message: str, /, **values: object) -> None:
        self.message, self.values = message, values
        super().__init__(self.text(None))

    def text(self, words: Words | None) -> str:
        """The message in the reader's language (English without `words`)."""
        return say(self.message, self.values, words)


class StatusError(AttendanceError):
    """A status definition change was refused (limit, undeletable, duplicate name, unknown)."""


class UnknownStatus(StatusError):
    pass


class MoveRefused(AttendanceError):
    """A status change is not allowed from the agent's current state.

    `allowed` are the statuses allowed now, so the chat layer can offer them as buttons; the
    message names them after the reason."""

    def __init__(self, message: str, allowed: Sequence[Status], /, **values: object) -> None:
        self.allowed = list(allowed)
        self.reason = message
        super().__init__(message, **values)

    def text(self, words: Words | None) -> str:
        reason = say(self.reason, self.values, words)
        if not self.allowed:
            return reason
        allowed = say(N_("Allowed now: {statuses}."), {"statuses": self.allowed}, words)
        return sentences(words, reason, allowed)


class AlreadyCheckedOut(AttendanceError):
    """An admin asked to check out an agent who is not checked in: who (`email`, `name`) and
    since when (`since`, None if they never checked in)."""

    def __init__(self, email: str, name: str, since: datetime | None) -> None:
        self.email, self.name, self.since = email, name, since
        super().__init__(N_("{agent} is already checked out."), agent=name or email)


class RangeError(AttendanceError):
    """A report or export period is empty, reversed or longer than the limit."""


class CorrectionError(AttendanceError):
    """A correction lacks a reason, or is dated in the future."""
