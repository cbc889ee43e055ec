"""Agent attendance: statuses, the event log, the 24-hour rule, reports and CSV (SPEC A).

Runs without Cliq or aiohttp; the chat layer talks to `AttendanceService`.
"""

from attendance.access import Access, AccessPolicy
from attendance.errors import (
    AlreadyCheckedOut,
    AttendanceError,
    CorrectionError,
    MoveRefused,
    RangeError,
    StatusError,
    UnknownStatus,
)
from attendance.models import Event, EventKind, Status, StatusType
from attendance.notices import Notice, NoticeSink
from attendance.reports import AgentPeriod, DayReport, RangeReport, WeekReport
from attendance.service import AttendanceService
from attendance.views import AgentState, Board, BoardColumn, Change

__all__ = [
    "Access",
    "AccessPolicy",
    "AgentPeriod",
    "AgentState",
    "AlreadyCheckedOut",
    "AttendanceError",
    "AttendanceService",
    "Board",
    "BoardColumn",
    "Change",
    "CorrectionError",
    "DayReport",
    "Event",
    "EventKind",
    "MoveRefused",
    "Notice",
    "NoticeSink",
    "RangeError",
    "RangeReport",
    "Status",
    "StatusError",
    "StatusType",
    "UnknownStatus",
    "WeekReport",
]
