"""Every Desk wire model in one import: the single place that knows Desk's shapes.

Cards, the notifier and the sandbox import from here; the definitions live in small modules
by subject (people, tickets, conversation, stats, events) on the scalar types of `wire`.
"""

from __future__ import annotations

from bot.desk.conversation import (
    Comment,
    Commenter,
    MailReplyAddress,
    Mention,
    Thread,
    ThreadAuthor,
)
from bot.desk.events import DeskEvent, Webhook
from bot.desk.people import (
    AccountRef,
    Agent,
    AgentRef,
    Contact,
    Department,
    DepartmentRef,
    Team,
    TeamRef,
)
from bot.desk.stats import (
    FieldValueCount,
    HappinessRating,
    TicketCount,
    TicketRef,
    TicketsCountByFieldValues,
)
from bot.desk.tickets import (
    Blueprint,
    BlueprintState,
    LastThread,
    OrganizationField,
    Ticket,
    TicketStatus,
    Transition,
    TransitionOwner,
)
from bot.desk.wire import (
    Count,
    DeskId,
    DeskModel,
    DeskTime,
    EpochMsTime,
    Number,
    format_epoch_ms,
    format_time,
    parse_time,
)

__all__ = [
    "AccountRef",
    "Agent",
    "AgentRef",
    "Blueprint",
    "BlueprintState",
    "Comment",
    "Commenter",
    "Contact",
    "Count",
    "Department",
    "DepartmentRef",
    "DeskEvent",
    "DeskId",
    "DeskModel",
    "DeskTime",
    "EpochMsTime",
    "FieldValueCount",
    "HappinessRating",
    "LastThread",
    "MailReplyAddress",
    "Mention",
    "Number",
    "OrganizationField",
    "Team",
    "TeamRef",
    "Thread",
    "ThreadAuthor",
    "Ticket",
    "TicketCount",
    "TicketRef",
    "TicketStatus",
    "TicketsCountByFieldValues",
    "Transition",
    "TransitionOwner",
    "Webhook",
    "format_epoch_ms",
    "format_time",
    "parse_time",
]
