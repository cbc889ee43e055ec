"""Cards about the reader rather than a ticket: not a Desk agent, please connect, Desk said no,
and the Post here button (SPEC D5, D8)."""

from __future__ import annotations

from typing import Literal

from bot.cliq import limits
from bot.cliq.markup import escape
from bot.cliq.message import Banner, Button, Card, Message
from bot.i18n import Words


def no_desk_agent(email: str, *, words: Words) -> Message:
    """A Cliq user with no Desk agent of their e-mail, told what to ask for."""
    return Message(
        text=escape(
            words.gettext(
                "I couldn't find a Zoho Desk agent with your Cliq e-mail ({email}). Ask your "
                "Desk administrator to add you, or to use the same address in both.",
                email=email,
            )
        ),
        card=Card(title=words.pgettext("card title", "Not a Desk agent"), theme="modern-inline"),
    )


def connect_desk(url: str, reason: str = "", *, words: Words) -> Message:
    """The Connect card: its button opens `url` (the person's own connect link); `reason` says
    why they must connect (again), e.g. Zoho no longer accepting their connection."""
    return Message(
        text=escape(
            (f"{reason}\n" if reason else "")
            + words.gettext(
                "To change tickets from Cliq, connect your Zoho Desk account once. "
                "Changes are then made in Desk as you."
            )
        ),
        card=Card(title=words.pgettext("card title", "Connect Zoho Desk"), theme="modern-inline"),
        buttons=[Button.url(words.pgettext("button", "Connect Desk"), url)],
    )


def refused(text: str) -> Banner | Message:
    """A failure banner; text longer than a banner holds (50) goes out as a message instead,
    whole, rather than cut off by Cliq."""
    return short_answer(text, "failure")


def done(text: str) -> Banner | Message:
    """A success banner; longer text as a message (see `refused`)."""
    return short_answer(text, "success")


def short_answer(text: str, status: Literal["success", "failure"]) -> Banner | Message:
    if len(text) <= limits.BANNER_TEXT:
        return Banner(text=text, status=status)  # (a banner's text is escaped by the model)
    return Message(text=escape(text)[: limits.TEXT])  # plain text, as a banner's would be


def with_post_here(message: Message, answer_id: str, *, words: Words) -> Message:
    """Add Post here (SPEC D8), dropping "Assign to me" first when the card is full."""
    buttons = list(message.buttons or [])
    if len(buttons) >= 5:
        buttons = [b for b in buttons if not (b.key or "").startswith("mine:")][:4]
    buttons.append(Button.invoke(words.pgettext("button", "Post here"), key=f"post:{answer_id}"))
    return message.replace(buttons=buttons)
