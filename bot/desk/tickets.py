"""Tickets, the ticket status list and blueprints (reference/desk.md §2, §3.1, §3.8).

Status names are free text (custom statuses), so code compares the system bucket
(`statusType`: Open / On Hold / Closed) case-insensitively.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, Field

from bot.desk.people import AgentRef, Contact, DepartmentRef, TeamRef
from bot.desk.wire import Count, DeskId, DeskModel, DeskTime, Items, Map


class LastThread(DeskModel):
    channel: str | None = None
    direction: str | None = None
    is_draft: bool | None = None
    is_forward: bool | None = None


class Ticket(DeskModel):
    """A ticket: full from `/tickets/{id}` and search, reduced in the `/tickets` list view
    (no `isOverDue`, `modifiedTime`, `description`, embedded objects unless `include=`)."""

    id: DeskId
    ticket_number: DeskId | None = None
    subject: str | None = None
    description: str | None = None
    status: str | None = None
    status_type: str | None = None
    priority: str | None = None
    channel: str | None = None
    category: str | None = None
    sub_category: str | None = None
    classification: str | None = None
    language: str | None = None
    sentiment: str | None = None
    due_date: DeskTime | None = None
    response_due_date: DeskTime | None = None
    is_over_due: bool | None = None
    is_response_overdue: bool | None = None
    is_escalated: bool | None = None
    created_time: DeskTime | None = None
    modified_time: DeskTime | None = None
    closed_time: DeskTime | None = None
    onhold_time: DeskTime | None = None
    customer_response_time: DeskTime | None = None
    assignee_id: DeskId | None = None
    assignee: AgentRef | None = None
    department_id: DeskId | None = None
    department: DepartmentRef | None = None
    team_id: DeskId | None = None
    team: TeamRef | None = None
    contact_id: DeskId | None = None
    contact: Contact | None = None
    email: str | None = None
    phone: str | None = None
    account_id: DeskId | None = None
    product_id: DeskId | None = None
    web_url: str | None = None
    thread_count: Count | None = None
    comment_count: Count | None = None
    task_count: Count | None = None
    attachment_count: Count | None = None
    tag_count: Count | None = None
    follower_count: Count | None = None
    cf: Map[Any] = Field(default_factory=dict)
    custom_fields: dict[str, Any] | None = None
    source: dict[str, Any] | None = None
    last_thread: LastThread | None = None
    shared_departments: Items[DepartmentRef] = Field(default_factory=list)
    is_spam: bool | None = None
    is_trashed: bool | None = None
    is_archived: bool | None = None
    is_deleted: bool | None = None
    is_read: bool | None = None
    sla_id: DeskId | None = None
    layout_id: DeskId | None = None
    created_by: DeskId | None = None
    modified_by: DeskId | None = None

    @property
    def is_closed(self) -> bool:
        return (self.status_type or "").casefold() == "closed"

    @property
    def is_unassigned(self) -> bool:
        return not self.assignee_id


def _allowed_value(value: Any) -> Any:
    return {"value": value} if isinstance(value, str) else value


class TicketStatus(DeskModel):
    """One allowed value of a field; for the `status` field it names its system bucket."""

    value: str
    status_type: str | None = None


class OrganizationField(DeskModel):
    """A field from `/organizationFields?module=tickets`; the `status` field lists statuses."""

    id: DeskId | None = None
    api_name: str
    display_label: str | None = None
    type: str | None = None
    is_custom_field: bool | None = None
    is_mandatory: bool | None = None
    allowed_values: list[Annotated[TicketStatus, BeforeValidator(_allowed_value)]] | None = None


# --- blueprints -----------------------------------------------------------------------------


class BlueprintState(DeskModel):
    id: DeskId | None = None
    name: str | None = None
    type: str | None = None
    due_date: DeskTime | None = None


class TransitionOwner(DeskModel):
    agent_ids: Items[DeskId] = Field(default_factory=list)
    team_ids: Items[DeskId] = Field(default_factory=list)
    department_id: DeskId | None = None


class Transition(DeskModel):
    id: DeskId
    name: str | None = None
    from_state: str | None = None
    to_state: str | None = None
    owners: Items[TransitionOwner] = Field(default_factory=list)
    can_user_perform_transition: bool | None = None
    is_criteria_satisfied: bool | None = None


class Blueprint(DeskModel):
    """The blueprint a ticket is in (`/tickets/{id}/blueprint`; 204 when none)."""

    id: DeskId
    name: str | None = None
    state: BlueprintState | None = None
    transitions: Items[Transition] = Field(default_factory=list)

    def pending_for(self, agent_id: str) -> list[Transition]:
        """Transitions this agent may perform now: what a "blueprint pending" card lists."""
        return [
            t
            for t in self.transitions
            if t.is_criteria_satisfied is not False
            and any(agent_id in owner.agent_ids for owner in t.owners)
        ]
