"""What a Desk event means for people: compare `payload` with `prevState` (reference/desk.md §5.6).

Desk sends one `Ticket_Update` for any change; closing, reopening, escalating and moving are
diffs of it. One event can mean several things (closed *and* reassigned); the notification lists
them all, most specific first, and the rules switch on the event if any of its kinds is on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.desk.events import DeskEvent
from bot.desk.wire import parse_time, ticket_id_in
from bot.notify.excerpt import mentioned_zuids
from bot.notify.kinds import Kind

_ACTIVITY_MODULES = ("Task", "Call", "Event")


@dataclass(frozen=True)
class Change:
    """One field that changed, from → to, as Desk's ids or values (`field`: "status", "owner",
    "team" or "department"; None is "none"). Cards show ids as names."""

    field: str
    before: str | None
    after: str | None


_CHANGED: tuple[tuple[str, str], ...] = (
    ("status", "status"),
    ("owner", "assigneeId"),
    ("team", "teamId"),
    ("department", "departmentId"),
)
"""(name shown in a `Change`, the field's wire name) for each field a change is told of."""


@dataclass(frozen=True)
class Happening:
    """One event, classified. `owner_id` is the record's owner; `actor_id` who made the change;
    `previous_owner_id` the ticket's owner before an owner change; `changes` what changed, from
    → to; `text` a comment's content as Desk sent it (mentions as `zsu[@user:…]zsu` codes) and
    `excerpt` the same shortened for people (`bot/notify/excerpt.py`); `activity` ("Task",
    "Call", "Event"), its `subject` and `due` time for activities."""

    kinds: tuple[Kind, ...]
    ticket_id: str | None
    owner_id: str | None
    actor_id: str | None
    department_id: str | None
    subject: str = ""
    mentioned_zuids: tuple[str, ...] = ()
    details: dict[str, str] = field(default_factory=dict)
    changes: tuple[Change, ...] = ()
    previous_owner_id: str | None = None
    text: str = ""
    excerpt: str = ""
    activity: str = ""
    due: datetime | None = None

    @property
    def kind(self) -> Kind:
        return self.kinds[0]


def classify(event: DeskEvent) -> Happening | None:
    """None when the event means nothing anyone is told about (e.g. a tag was added)."""
    module, _, action = event.event_type.rpartition("_")
    if module == "Ticket":
        return _ticket(event, action)
    if module == "Ticket_Comment" and action in ("Add", "Update"):
        return _comment(event, action)
    if module in _ACTIVITY_MODULES and action in ("Add", "Update"):
        return _activity(event, action)
    return None


def _ticket(event: DeskEvent, action: str) -> Happening | None:
    now, before = event.payload, event.prev_state or {}
    kinds: list[Kind] = []
    if action == "Add":
        kinds.append(Kind.TICKET_CREATED)
    elif action == "Update":
        was, is_ = _bucket(before.get("statusType")), _bucket(now.get("statusType"))
        if "statusType" in before and is_ == "closed" and was != "closed":
            kinds.append(Kind.TICKET_CLOSED)
        elif "statusType" in before and was == "closed" and is_ != "closed":
            kinds.append(Kind.TICKET_REOPENED)
        elif _changed(before, now, "status"):
            kinds.append(Kind.STATUS_CHANGED)
        if _changed(before, now, "assigneeId") or _changed(before, now, "teamId"):
            kinds.append(Kind.OWNER_CHANGED)
        if _changed(before, now, "departmentId"):
            kinds.append(Kind.DEPARTMENT_CHANGED)
        if "isEscalated" in before and now.get("isEscalated") and not before.get("isEscalated"):
            kinds.append(Kind.ESCALATED)
    if not kinds:
        return None
    changes = tuple(
        Change(name, _str(before.get(key)), _str(now.get(key)))
        for name, key in _CHANGED
        if _changed(before, now, key)
    )
    moved_from = _str(before.get("assigneeId")) if _changed(before, now, "assigneeId") else None
    return Happening(
        kinds=tuple(kinds),
        ticket_id=_str(now.get("id")),
        owner_id=_str(now.get("assigneeId")),
        actor_id=_str(now.get("modifiedBy") or now.get("createdBy")),
        department_id=_str(now.get("departmentId")),
        subject=str(now.get("subject") or ""),
        changes=changes,
        previous_owner_id=moved_from,
    )


def _comment(event: DeskEvent, action: str) -> Happening:
    comment = event.payload
    commenter = comment.get("commenter") or {}
    content = str(comment.get("content") or "")
    return Happening(
        kinds=(Kind.COMMENT_ADDED if action == "Add" else Kind.COMMENT_EDITED,),
        ticket_id=ticket_id_in(comment),
        owner_id=None,  # the ticket's owner: the notifier fills it in from the re-read ticket
        actor_id=_str(comment.get("commenterId") or commenter.get("id")),
        department_id=None,
        mentioned_zuids=mentioned_zuids(content),
        details={"public": "yes" if comment.get("isPublic") else "no"},
        text=content,
    )


def _activity(event: DeskEvent, action: str) -> Happening | None:
    now, before = event.payload, event.prev_state or {}
    if action == "Add":
        kind = Kind.ACTIVITY_CREATED
    elif (
        _bucket(now.get("statusType") or now.get("status")) in ("closed", "completed")
        and (
            _bucket(before.get("statusType") or before.get("status")) not in ("closed", "completed")
        )
        and (before.get("statusType") or before.get("status"))
    ):
        kind = Kind.ACTIVITY_COMPLETED
    else:
        return None
    return Happening(
        kinds=(kind,),
        ticket_id=ticket_id_in(now),
        owner_id=_str(now.get("ownerId")),
        actor_id=_str(now.get("modifiedBy") or now.get("createdBy")),
        department_id=_str(now.get("departmentId")),
        subject=str(now.get("subject") or ""),
        activity=event.event_type.split("_")[0],
        due=_time(now.get("dueDate") or now.get("startTime")),
    )


def _changed(before: dict[str, object], now: dict[str, object], key: str) -> bool:
    return key in before and _str(before.get(key)) != _str(now.get(key))


def _bucket(value: object) -> str:
    return str(value or "").strip().casefold()


def _time(value: object) -> datetime | None:
    """A Desk time, or None when missing or not a time (a task's due date is optional)."""
    if value in (None, ""):
        return None
    try:
        return parse_time(value)
    except ValueError:
        return None


def _str(value: object) -> str | None:
    return None if value in (None, "") else str(value)
