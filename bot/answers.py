"""The framework's own answers: usage and "did you mean", errors, refusals, "working on it";
each in the reader's language (`words`, bot/i18n; catalog domain `framework`)."""

from __future__ import annotations

import difflib
import json
from typing import TYPE_CHECKING, Any

from bot.cliq.envelope import Envelope
from bot.cliq.markup import escape
from bot.cliq.message import Banner, Card, ListSlide, Message
from bot.cliq.places import NoBotPlace, bot_place
from bot.context import BotInfo
from bot.i18n import ENGLISH, Words

if TYPE_CHECKING:
    from bot.cliq.client import CliqClient


def usage(
    bot: BotInfo, envelope: Envelope, words: Words, *, unknown: str = "", problem: str = ""
) -> Message:
    """A short usage card (SPEC X1): what went wrong, a "did you mean", and what works. A
    command's `usage` and `description` are shown in `words`' language when the catalogs have
    them (marked `N_` where the command is declared)."""
    lines: list[str] = []
    command = bot.router.find_command(envelope.name) if envelope.type == "command" else None
    if problem:
        lines.append(escape(problem))  # it may quote what the person typed
    if command is not None:
        # Plain text: Cliq draws `x` as red bold "quote" text, not code (reference/cliq.md §1.7).
        if not _has_usage(problem, words):  # a sub-command's own usage replaces it
            lines.append(words.gettext("Usage: {usage}", usage=words.gettext(command.usage)))
        if command.description:
            lines.append(words.gettext(command.description))
        return Message(
            text="\n".join(lines), card=Card(title=f"/{command.name}", theme="modern-inline")
        )
    if unknown:
        shown = unknown if len(unknown) <= 60 else unknown[:57] + "…"
        lines.append(words.gettext("I don't know “{typed}”.", typed=escape(shown)))
        guess = did_you_mean(bot, unknown)
        if guess:
            lines.append(words.gettext("Did you mean *{guess}*?", guess=guess))
    items = [
        f"{words.gettext(c.usage)}: {words.gettext(c.description)}"
        if c.description
        else words.gettext(c.usage)
        for c in bot.router.commands
    ]
    items += [f"“{k.label}”" for k in bot.router.keywords if isinstance(k.pattern, str)]
    slides = (
        [ListSlide(title=words.pgettext("card title", "You can say"), data=items[:20])]
        if items
        else []
    )
    return Message(
        text="\n".join(lines) or words.gettext("Here is what I understand."),
        card=Card(title=words.pgettext("card title", "How to talk to me"), theme="modern-inline"),
        slides=slides,
    )


def _has_usage(problem: str, words: Words) -> bool:
    """Whether `problem` already holds a usage line (a sub-command's own), in the reader's
    language or in English."""
    marks = {w.gettext("Usage: {usage}", usage="").strip() for w in (words, ENGLISH)}
    return any(mark in problem for mark in marks)


def did_you_mean(bot: BotInfo, typed: str) -> str:
    typed_norm = " ".join(typed.split()).casefold()
    if typed_norm.startswith("/"):
        names = [f"/{c.name}" for c in bot.router.commands]
        typed_norm = typed_norm.split(" ", 1)[0]
    else:
        names = [k.label for k in bot.router.keywords if isinstance(k.pattern, str)]
        names += [f"/{c.name}" for c in bot.router.commands]
    found = difflib.get_close_matches(typed_norm, names, n=1, cutoff=0.6)
    return found[0] if found else ""


def error(reference: str, words: Words) -> Message:
    """A listener failed: a short card with a reference id; the details are in the log only."""
    return Message(
        text=words.gettext(
            "Something went wrong on my side. If it keeps happening, quote reference {reference}.",
            reference=reference,
        ),
        card=Card(title=words.pgettext("card title", "Sorry, that failed"), theme="modern-inline"),
    )


def working(words: Words) -> Banner:
    """The answer is late: it follows as a message (SPEC X3)."""
    return Banner(
        text=words.pgettext("banner", "Working on it: the answer follows."), status="success"
    )


def late_post(envelope: Envelope, output: Any) -> tuple[str, str, dict[str, Any]] | None:
    """Where an answer that missed the deadline goes when the call had no `response_url` (every
    Deluge shim call), as `(outbox target kind, target, message)`, or None if nothing can be.

    It is posted as the bot into the chat where the call was made (`bot.cliq.places`: a channel
    the bot is in, or the bot's own chat with the person); from a chat the bot cannot post in
    (a DM between people, a group chat, a thread) it goes to the person's chat with the bot.
    Replies that only a handler may return (banner, message edit) become a plain message;
    a form or suggestions cannot be posted, so they give None.
    """
    if not isinstance(output, dict) or not output:
        return None
    kind = output.get("type")
    if kind in ("form", "form_error", "form_modification"):
        return None
    if kind == "banner":
        message: dict[str, Any] = {"text": str(output.get("text", ""))}
    else:
        message = {k: v for k, v in output.items() if k not in ("type", "suggestions", "context")}
    if not message.get("text") and not message.get("card"):
        return None
    who = envelope.params.user.email
    try:
        place = bot_place(envelope.params.chat, who, words=ENGLISH)  # only where, not shown
    except NoBotPlace:
        if not who or envelope.handler.type == "participation_handler":
            return None  # nobody asked the bot in person: nowhere it may post
        return "user", who, message
    return place.target_kind, place.target, message


async def post_late(cliq: CliqClient, envelope: Envelope, output: bytes) -> None:
    """Deliver `output` (the JSON a listener's answer became), which missed the deadline of the
    call `envelope`, through `cliq`: to the call's `response_url` when it has one (extensions,
    and `deskbot chat --app`), else posted as the bot where `late_post` says (every Deluge shim
    call); nothing for an answer that cannot be posted (a form, suggestions, an empty one). A
    bot's `late_reply` (an `async def`) awaits it: `await post_late(cliq, envelope, output)`.
    Raises the client's `CliqError`s (the Bot logs them: the answer is then lost).
    Cliq: the handler's answer and `response_url`
    (https://www.zoho.com/cliq/help/platform/bothandlers.html)."""
    answer = json.loads(output)
    if envelope.response_url:
        await cliq.post_to_response_url(envelope.response_url, answer)
    elif (where := late_post(envelope, answer)) is not None:
        await cliq.deliver(*where)


def admins_only(words: Words) -> Banner:
    """An admin-only listener called by someone else."""
    return Banner(text=words.pgettext("banner", "Only admins can do that."), status="failure")


def stale_button(words: Words) -> Banner:
    """A button or form this bot no longer answers (or whose sealed values were changed)."""
    return Banner(
        text=words.pgettext("banner", "This button or form is outdated: run it again."),
        status="failure",
    )


def welcome(bot: BotInfo, words: Words) -> Message:
    """The answer to someone opening the bot's chat, when the bot has no welcome listener."""
    commands = ", ".join(words.gettext(c.usage) for c in bot.router.commands[:3])
    text = (
        words.gettext("Hi, I am {name}. Try {commands}.", name=bot.name, commands=commands)
        if commands
        else words.gettext("Hi, I am {name}. Try saying hello.", name=bot.name)
    )
    return Message(
        text=text,
        card=Card(
            title=words.pgettext("card title", "Welcome to {name}", name=bot.name),
            theme="modern-inline",
        ),
    )
