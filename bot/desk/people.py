"""Agents, departments, teams and contacts: who works on tickets and who raised them."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from bot.desk.wire import DeskId, DeskModel, DeskTime, Items


class AgentRef(DeskModel):
    """An agent embedded in another record (`assignee`). Search results carry `emailId` + `zuid`
    instead of `email`."""

    id: DeskId
    first_name: str | None = None
    last_name: str | None = None
    name: str | None = None
    email: str | None = None
    email_id: str | None = None
    zuid: DeskId | None = None
    photo_url: str | None = Field(default=None, alias="photoURL")

    @property
    def address(self) -> str | None:
        return self.email or self.email_id

    @property
    def display_name(self) -> str:
        full = " ".join(p for p in (self.first_name, self.last_name) if p)
        return self.name or full or self.address or self.id


class Agent(DeskModel):
    """An agent from `/agents`, `/agents/{id}` or `/myinfo`."""

    id: DeskId
    zuid: DeskId | None = None
    name: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    email_id: str | None = None
    status: str | None = None
    role_id: DeskId | None = None
    profile_id: DeskId | None = None
    role_permission_type: str | None = None
    associated_department_ids: Items[DeskId] = Field(default_factory=list)
    time_zone: str | None = None
    # The agent's language in Desk (`ja_JP`, `en_US`): Agent.json `langCode`.
    lang_code: str | None = None
    is_confirmed: bool | None = None
    photo_url: str | None = Field(default=None, alias="photoURL")

    @property
    def email(self) -> str | None:
        return self.email_id

    @property
    def display_name(self) -> str:
        full = " ".join(p for p in (self.first_name, self.last_name) if p)
        return self.name or full or self.email_id or self.id


class DepartmentRef(DeskModel):
    id: DeskId
    name: str | None = None
    type: str | None = None


class Department(DeskModel):
    id: DeskId
    name: str | None = None
    description: str | None = None
    is_enabled: bool | None = None
    is_default: bool | None = None
    is_assign_to_team_enabled: bool | None = None
    creator_id: DeskId | None = None
    created_time: DeskTime | None = None


class TeamRef(DeskModel):
    id: DeskId
    name: str | None = None
    logo_url: str | None = None


class Team(DeskModel):
    """A team from `/teams` (answered under the key `teams`, not `data`)."""

    id: DeskId
    name: str | None = None
    description: str | None = None
    department_id: DeskId | None = None
    agents: Items[DeskId] = Field(default_factory=list)
    derived_agents: Items[DeskId] = Field(default_factory=list)
    sub_teams: Items[Any] = Field(default_factory=list)
    logo_url: str | None = None


class AccountRef(DeskModel):
    id: DeskId
    account_name: str | None = None
    website: str | None = None


class Contact(DeskModel):
    id: DeskId
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    phone: str | None = None
    mobile: str | None = None
    type: str | None = None
    account: AccountRef | None = None

    @property
    def display_name(self) -> str:
        full = " ".join(p for p in (self.first_name, self.last_name) if p)
        return full or self.email or self.id
