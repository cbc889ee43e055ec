"""Comments, threads and reply addresses: what agents and customers say on a ticket."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from bot.desk.wire import Count, DeskId, DeskModel, DeskTime, Items


class Mention(DeskModel):
    """A resolved mention (`include=mentions`): an agent, team, contact, ticket or activity."""

    type: str
    id: DeskId | None = None
    zuid: DeskId | None = None
    email: str | None = None
    name: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    off_set: Count | None = None
    length: Count | None = None


class Commenter(DeskModel):
    id: DeskId | None = None
    name: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    type: str | None = None
    role_name: str | None = None
    email: str | None = None
    photo_url: str | None = Field(default=None, alias="photoURL")


class Comment(DeskModel):
    id: DeskId
    ticket_id: DeskId | None = None
    is_public: bool | None = None
    content_type: str | None = None
    content: str | None = None
    plain_text: str | None = None
    commented_time: DeskTime | None = None
    modified_time: DeskTime | None = None
    commenter_id: DeskId | None = None
    commenter: Commenter | None = None
    attachments: Items[dict[str, Any]] = Field(default_factory=list)
    mention: Items[Mention] = Field(default_factory=list)


class ThreadAuthor(DeskModel):
    id: DeskId | None = None
    name: str | None = None
    type: str | None = None
    email: str | None = None
    photo_url: str | None = Field(default=None, alias="photoURL")


class Thread(DeskModel):
    """A ticket thread (an e-mail, a chat…); `sendReply` answers with the thread it created."""

    id: DeskId
    ticket_id: DeskId | None = None
    channel: str | None = None
    direction: str | None = None
    status: str | None = None
    visibility: str | None = None
    content_type: str | None = None
    content: str | None = None
    summary: str | None = None
    plain_text: str | None = None
    from_email_address: str | None = None
    to: str | None = None
    cc: str | None = None
    bcc: str | None = None
    is_forward: bool | None = None
    has_attach: bool | None = None
    attachment_count: Count | None = None
    author: ThreadAuthor | None = None
    created_time: DeskTime | None = None


class MailReplyAddress(DeskModel):
    """A from-address configured in the portal (`/mailReplyAddress`); sendReply must use one."""

    id: DeskId | None = None
    address: str
    display_name: str | None = None
    department_id: DeskId | None = None
    is_active: bool | None = None
    is_verified: bool | None = None
    is_smtp_enabled: bool | None = None
