"""Who may use attendance, and who administers it (SPEC A4, X4).

The config (`[attendance]` in bot.toml) lists the Desk roles and departments allowed; by default
every role except light agents, in every department. An agent may use attendance when their role
is allowed and, if departments are listed, they belong to at least one of them. Desk admins are
attendance admins (board, reports of others, check-out on behalf, statuses, purge) whatever the
department list says, so that the people who configure attendance can never lock themselves out
of managing it; they check themselves in only if their role and department are allowed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from attendance.words import N_, say

if TYPE_CHECKING:
    from bot.i18n import Words

Role = Literal["admin", "agent", "light"]
ROLES: frozenset[str] = frozenset({"admin", "agent", "light"})
DEFAULT_ROLES: frozenset[str] = frozenset({"admin", "agent"})


@dataclass(frozen=True, slots=True)
class Access:
    may_use: bool  # may check in/out, take breaks, see and export their own report
    is_admin: bool  # may see and manage everyone's attendance
    reason: str = ""  # why not (an English msgid, see `why`), when neither is granted
    role: str = ""  # the caller's Desk role, as the reason names it

    def why(self, words: Words | None = None) -> str:
        """Why not, fit to show the agent, in their language (English without `words`)."""
        return say(self.reason, {"role": self.role}, words) if self.reason else ""

    @property
    def refused(self) -> bool:
        return not (self.may_use or self.is_admin)


@dataclass(frozen=True, slots=True)
class AccessPolicy:
    roles: frozenset[str] = DEFAULT_ROLES
    departments: frozenset[str] = frozenset()  # empty: every department

    @classmethod
    def from_config(cls, config: Any) -> AccessPolicy:
        """From an object with `roles` and `departments` lists (bot.config.AttendanceConfig)."""
        return cls(
            roles=frozenset(str(r).lower() for r in config.roles),
            departments=frozenset(str(d) for d in config.departments),
        )

    def decide(self, role: str | None, departments: Iterable[str] = ()) -> Access:
        role = (role or "").strip().lower()
        if role not in ROLES:
            return Access(False, False, N_("Your Desk role could not be determined."))
        is_admin = role == "admin"
        if role not in self.roles:
            why = (
                N_("Attendance is not available to light agents.")
                if role == "light"
                else N_("Attendance is not enabled for the {role} role.")
            )
            return Access(False, is_admin, why, role)
        if self.departments and not self.departments.intersection(str(d) for d in departments):
            return Access(
                False, is_admin, N_("Attendance is not enabled for your departments."), role
            )
        return Access(True, is_admin)
