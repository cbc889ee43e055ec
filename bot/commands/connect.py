"""`/deskbot …`: your own Desk connection, and the admin's settings (SPEC D1-D5, D9, X4).

/deskbot connect | disconnect                       everyone
/deskbot channels | map | unmap | notify | rules | digest | language    admins (bot.commands.settings)
"""

from __future__ import annotations

from bot.cards import people
from bot.cliq.message import Banner, Message
from bot.commands.common import desk_agent
from bot.commands.context import DeskContext
from bot.commands.settings import VERBS, settings_verb
from bot.dispatch import UsageError
from bot.i18n import N_, Languages, Words
from bot.router import Router, normalise, typed

router = Router()
USAGE = N_(
    "/deskbot connect | disconnect | channels | map | unmap | notify | rules | digest | language"
)
"""The verbs as typed; the Japanese line says what each does beside it."""
ADMIN_VERBS = frozenset(VERBS)
TAKES: dict[str, int | None] = {"connect": 0, "disconnect": 0, "channels": 0} | {
    verb: None for verb in VERBS if verb != "channels"
}
"""Each /deskbot verb → at most how many words follow it (None: the verb reads them)."""


def _verb_words(words: Words) -> dict[str, str]:
    """The /deskbot verbs as `words`' language says them (Japanese: 接続, チャンネル, 関連付け…)
    → the verb. The words after a verb (on/off, create, preview…) are typed as they are."""
    return {
        words.pgettext("deskbot verb", "connect"): "connect",
        words.pgettext("deskbot verb", "disconnect"): "disconnect",
        words.pgettext("deskbot verb", "channels"): "channels",
        words.pgettext("deskbot verb", "map"): "map",
        words.pgettext("deskbot verb", "unmap"): "unmap",
        words.pgettext("deskbot verb", "notify"): "notify",
        words.pgettext("deskbot verb", "rules"): "rules",
        words.pgettext("deskbot verb", "digest"): "digest",
        words.pgettext("deskbot verb", "language"): "language",
    }


_LANGUAGES = Languages()
SAID: dict[str, str] = {}
"""A verb as typed in any language the bot speaks (`normalise`d: `チャンネル`, `channels`) → the
verb."""
for _code in _LANGUAGES.available:
    SAID.update({normalise(w): v for w, v in _verb_words(_LANGUAGES.words(_code)).items()})
TAKES.update({said: TAKES[verb] for said, verb in SAID.items()})


def _verb(args: str) -> tuple[str, str]:
    """(The verb the first word says in any language, else that word case-folded; the rest as
    typed)."""
    first, *rest = typed(args).split(maxsplit=1) or [""]
    return SAID.get(normalise(first), first.casefold()), rest[0] if rest else ""


def _admin_verb(ctx: DeskContext, args: str) -> bool:
    """The settings verbs are admin-only (checked by the router's guard on every call)."""
    return _verb(args)[0] in ADMIN_VERBS


@router.command(
    "deskbot",
    usage=USAGE,
    description=N_(
        "Connect your Desk account; admins: channels, notifications, rules, digest and languages."
    ),
    admin=_admin_verb,
    takes=TAKES,
)
async def deskbot(ctx: DeskContext, args: str) -> Message | Banner:
    verb, rest = _verb(args)
    if verb == "connect":
        refusal = desk_agent(ctx)  # only this verb needs one: no guard on the command
        if refusal is not None:
            return refusal
        url = await ctx.connections.connect_url(ctx.user.email)
        return people.connect_desk(url, words=ctx.words)
    if verb == "disconnect":
        removed = await ctx.connections.disconnect(ctx.user.email)
        if removed:
            return people.done(ctx.words.gettext("Your Desk connection is removed."))
        return people.done(ctx.words.gettext("You had no Desk connection."))
    if verb not in ADMIN_VERBS:
        said = ctx.words.gettext("“{verb}” is not something /deskbot does.", verb=verb[:40])
        raise UsageError(said if verb else "")
    return await settings_verb(ctx, verb, rest)
