"""`/deskbot language`: the language each place reads its posts in (SPEC X6, D1, D9).

/deskbot language                                   each place's language (the current state)
/deskbot language <department> <language>|default   a department channel's, or bot.toml's again

The org channel's language is bot.toml's `[notifications] language`; a department's own channel
reads its `department_languages` entry unless an admin chose here. A change applies to what is
posted from then on: nothing already sent is sent again. Answers are in the admin's language.
"""

from __future__ import annotations

from bot.cards import people
from bot.cards.place_languages import PlaceRow, languages_card
from bot.cliq.message import Banner, Message
from bot.commands.context import DeskContext
from bot.commands.names import lookup, shown
from bot.config import spoken_language, spoken_languages
from bot.desk.people import Department
from bot.dispatch import UsageError
from bot.i18n import Words


def usage_of(words: Words) -> str:
    """`/deskbot language <department> <language>|default`, its placeholders in `words`'
    language (the verb and `default` as typed)."""
    return words.gettext("/deskbot language <department> <language>|default")


DEFAULT = "default"


async def language_verb(ctx: DeskContext, said: list[str]) -> Message | Banner:
    """Answer `/deskbot language …` (`said`: the words after the verb)."""
    words = ctx.words
    if not said:
        return await _places(ctx)
    if len(said) < 2:
        raise UsageError(
            words.gettext(
                "Name a department and a language. Usage: {usage}. Languages: {languages}",
                usage=usage_of(words),
                languages=_accepted(),
            )
        )
    typed_language = said[-1]
    default = typed_language.casefold() == DEFAULT
    language = None if default else spoken_language(typed_language)
    if language is None and not default:
        raise UsageError(
            words.gettext(
                "“{typed}” is not a language Deskbot speaks. Languages: {languages}",
                typed=typed_language[:20],
                languages=_accepted(),
            )
        )
    department = await _department(ctx, " ".join(said[:-1]), words)
    name = department.name or department.id
    await ctx.settings.choose_place_language(department.id, language)
    now = words.language_name(await ctx.digests.place_language(department.id))
    mapped = (await ctx.settings.channel_map()).get(department.id)
    if mapped:
        return people.done(
            words.gettext(
                "{department} posts in {language} in #{channel}.",
                department=name,
                language=now,
                channel=mapped,
            )
        )
    return people.done(
        words.gettext(
            "{department} will post in {language} once it has a channel of its own; until "
            "then its posts go to #{channel} in that channel's language.",
            department=name,
            language=now,
            channel=ctx.config.cliq.org_channel,
        )
    )


def _accepted() -> str:
    """`en (English), ja (日本語)`: the codes to type, each with its language's own name."""
    return ", ".join(f"{code} ({name})" for code, name in spoken_languages().items())


async def _department(ctx: DeskContext, typed_name: str, words: Words) -> Department:
    found: dict[str, Department] = {}
    for department in await ctx.departments():
        found[department.name or department.id] = department
        found[department.id] = department
    named = lookup(typed_name, found)
    if named is None:
        raise UsageError(
            words.gettext(
                "No department “{typed}”. Departments: {departments}. Usage: {usage}",
                typed=typed_name[:60],
                departments=", ".join(shown(d.name or d.id) for d in await ctx.departments()),
                usage=usage_of(words),
            )
        )
    return named


async def _places(ctx: DeskContext) -> Message:
    """The org channel, then each department: its channel, language and who chose it."""
    mapped = await ctx.settings.channel_map()
    chosen = await ctx.settings.place_languages()
    org = ctx.config.cliq.org_channel
    rows = [PlaceRow(f"#{org}", "", await ctx.digests.place_language(None), "bot.toml")]
    for department in await ctx.departments():
        rows.append(
            PlaceRow(
                f"#{mapped[department.id]}" if department.id in mapped else f"(#{org})",
                department.name or department.id,
                await ctx.digests.place_language(department.id),
                "admin" if department.id in chosen else "bot.toml",
            )
        )
    return languages_card(
        rows, org_channel=org, usage=usage_of(ctx.words), accepted=_accepted(), words=ctx.words
    )
