"""The notification kinds an admin can switch on and off (SPEC D2, D4), with their labels."""

from __future__ import annotations

from enum import StrEnum


class Kind(StrEnum):
    TICKET_CREATED = "created"
    TICKET_CLOSED = "closed"
    TICKET_REOPENED = "reopened"
    COMMENT_ADDED = "comment"
    COMMENT_EDITED = "comment_edited"
    STATUS_CHANGED = "status"
    OWNER_CHANGED = "owner"
    DEPARTMENT_CHANGED = "department"
    ESCALATED = "escalated"
    DUE_IN_1H = "due_1h"
    DUE_IN_30M = "due_30m"
    ACTIVITY_CREATED = "activity_created"
    ACTIVITY_COMPLETED = "activity_completed"
    ACTIVITY_REMINDER = "activity_reminder"
    # Direct messages only (SPEC D4): they are about one person, never posted to a channel.
    HAPPINESS = "happiness"
    BLUEPRINT = "blueprint"
    MENTION = "mention"


DM_ONLY = frozenset({Kind.HAPPINESS, Kind.BLUEPRINT, Kind.MENTION})

LABELS: dict[Kind, str] = {
    Kind.TICKET_CREATED: "Ticket created",
    Kind.TICKET_CLOSED: "Ticket closed",
    Kind.TICKET_REOPENED: "Ticket reopened",
    Kind.COMMENT_ADDED: "Comment added",
    Kind.COMMENT_EDITED: "Comment edited",
    Kind.STATUS_CHANGED: "Status changed",
    Kind.OWNER_CHANGED: "Owner changed",
    Kind.DEPARTMENT_CHANGED: "Department changed",
    Kind.ESCALATED: "Escalated",
    Kind.DUE_IN_1H: "Due in 1 hour",
    Kind.DUE_IN_30M: "Due in 30 minutes",
    Kind.ACTIVITY_CREATED: "Activity created",
    Kind.ACTIVITY_COMPLETED: "Activity completed",
    Kind.ACTIVITY_REMINDER: "Activity reminder",
    Kind.HAPPINESS: "Happiness rating",
    Kind.BLUEPRINT: "Blueprint step waiting",
    Kind.MENTION: "Mentioned",
}


def parse_kind(text: str) -> Kind | None:
    """A kind from what an admin typed: its value or its label, case and spacing forgiven."""
    folded = " ".join(text.replace("_", " ").split()).casefold()
    for kind in Kind:
        if folded in (kind.value.replace("_", " "), LABELS[kind].casefold()):
            return kind
    return None
