"""Activities: tasks on tickets, for reminders (reference/desk.md §3.8, §5.6)."""

from __future__ import annotations

from bot.desk.wire import DeskId, DeskModel, DeskTime


class Task(DeskModel):
    id: DeskId
    subject: str | None = None
    status: str | None = None
    status_type: str | None = None
    due_date: DeskTime | None = None
    owner_id: DeskId | None = None
    ticket_id: DeskId | None = None
    department_id: DeskId | None = None
    completed_time: DeskTime | None = None
    created_time: DeskTime | None = None
    modified_time: DeskTime | None = None

    @property
    def is_done(self) -> bool:
        return (self.status_type or self.status or "").casefold() in ("closed", "completed")
