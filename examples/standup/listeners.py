"""The stand-up bot's listeners: one router, each listener its happy path.

/standup [team]            today's board for a team (suggestions: the teams)
/standup report            how many updates reached the channel today (may answer late)
"standup" (a keyword)      the board of the first team
[Post my update] button    a form: mood (select), yesterday, today, blockers
form "update"              validated, kept, and posted to the team channel
menu "Stand-up"            sub-actions "Board" and "My update"
"""

from __future__ import annotations

from pydantic import BaseModel, Field, ValidationInfo, field_validator

from bot.framework import (
    Banner,
    Button,
    Card,
    CommandSuggestion,
    Form,
    HiddenInput,
    ListSlide,
    Markup,
    Message,
    Router,
    SelectInput,
    TextareaInput,
    TextInput,
    UsageError,
    escape,
)
from examples.standup.context import StandupContext
from examples.standup.updates import MOODS, Update

router = Router()


@router.command("standup", usage="/standup [team | report]")
async def standup(ctx: StandupContext, args: str) -> Message:
    """Today's stand-up board for a team."""
    if args.casefold() == "report":
        return await report(ctx)
    return board(ctx, team_named(ctx, args))


@router.suggestion("standup")
async def suggest_team(ctx: StandupContext, typed: str) -> list[CommandSuggestion]:
    typed = typed.strip().casefold()
    today = ctx.now().date()
    return [
        CommandSuggestion(title=team, description=f"{len(ctx.updates.of(team, today))} updates")
        for team in ctx.teams
        if team.casefold().startswith(typed)
    ]


@router.keyword("standup", "stand-up")
async def standup_word(ctx: StandupContext) -> Message:
    return board(ctx, ctx.teams[0])


@router.button("board")
async def refresh(ctx: StandupContext, team: str) -> Message:
    return board(ctx, team_named(ctx, team))


@router.button("update")
async def open_update(ctx: StandupContext, team: str) -> Form:
    return update_form(team_named(ctx, team))


class UpdateValues(BaseModel):
    """The update form's values, checked before the listener runs (errors go back to Cliq as a
    form_error next to the inputs)."""

    team: str
    mood: str
    yesterday: str = ""
    today: str = Field(min_length=3, max_length=500)
    blockers: str = Field(default="", validate_default=True)

    @field_validator("mood")
    @classmethod
    def _known_mood(cls, value: str) -> str:
        if value not in MOODS:
            raise ValueError(f"pick one of: {', '.join(MOODS.values())}")
        return value

    @field_validator("blockers")
    @classmethod
    def _blocked_says_why(cls, value: str, info: ValidationInfo) -> str:
        if info.data.get("mood") == "blocked" and not value.strip():
            raise ValueError("say what blocks you")
        return value


@router.form("update")
async def save_update(ctx: StandupContext, values: UpdateValues) -> Banner:
    team = team_named(ctx, values.team)
    update = Update(
        team=team,
        day=ctx.now().date(),
        email=ctx.user.email,
        name=ctx.user.display_name,
        mood=values.mood,
        yesterday=values.yesterday,
        today=values.today,
        blockers=values.blockers,
    )
    ctx.updates.add(update)
    assert ctx.channel is not None  # set when the app starts
    await ctx.channel.post(posted(update))
    return Banner(text=f"Posted to #{ctx.channel.name}.", status="success")


@router.menu("Stand-up", sub_action="Board")
async def menu_board(ctx: StandupContext) -> Message:
    return board(ctx, ctx.teams[0])


@router.menu("Stand-up", sub_action="My update")
async def menu_update(ctx: StandupContext) -> Form:
    return update_form(ctx.teams[0])


async def report(ctx: StandupContext) -> Message:
    """Read back from Cliq how many updates reached the channel: a REST call, so it may miss
    the deadline; the framework then answers "working on it" and delivers this late."""
    assert ctx.channel is not None
    texts = await ctx.channel.recent_texts()
    count = sum(1 for text in texts if text.startswith("Stand-up of "))
    return Message(
        text=f"{count} stand-up updates reached #{escape(ctx.channel.name)} in the last day.",
        card=Card(title="Stand-up report", theme="modern-inline"),
    )


# --- building the answers ----------------------------------------------------------------


def team_named(ctx: StandupContext, typed: str) -> str:
    """The team `typed` names (case forgiven; empty: the first team). Raises UsageError."""
    if not typed.strip():
        return ctx.teams[0]
    for team in ctx.teams:
        if team.casefold() == typed.strip().casefold():
            return team
    raise UsageError(f"There is no team “{typed.strip()}”. Teams: {', '.join(ctx.teams)}.")


def board(ctx: StandupContext, team: str) -> Message:
    updates = ctx.updates.of(team, ctx.now().date())
    lines = [f"{u.name} ({MOODS[u.mood]}): {u.today}" for u in updates]
    return Message(
        text=f"{len(updates)} updates today." if updates else "No updates yet today.",
        card=Card(title=f"Stand-up: {team}", theme="modern-inline"),
        slides=[ListSlide(title="Today", data=lines)] if lines else None,
        buttons=[
            Button.invoke("Post my update", key=f"update:{team}"),
            Button.invoke("Refresh", key=f"board:{team}"),
        ],
    )


def update_form(team: str) -> Form:
    return Form(
        name="update",
        title=f"Stand-up: {team}",
        button_label="Post",
        inputs=[
            HiddenInput(name="team", value=team),
            SelectInput(
                name="mood",
                label="How is it going?",
                placeholder="Pick one",
                options=[(label, value) for value, label in MOODS.items()],
                mandatory=True,
            ),
            TextareaInput(
                name="yesterday", label="Yesterday", placeholder="What you did", max_length=500
            ),
            TextInput(
                name="today",
                label="Today",
                placeholder="What you will do",
                mandatory=True,
                max_length=500,
            ),
            TextareaInput(
                name="blockers",
                label="Blockers",
                placeholder="Anything in your way",
                max_length=500,
            ),
        ],
    )


def posted(update: Update) -> Message:
    """The channel post for one update; what people wrote is shown literally."""
    text = Markup("Stand-up of *{}* ({}), {}").format(update.name, update.team, MOODS[update.mood])
    lines = [("Yesterday", update.yesterday), ("Today", update.today)]
    lines += [("Blockers", update.blockers)] if update.blockers else []
    items = [f"{label}: {value}" for label, value in lines if value]
    return Message(text=text, slides=[ListSlide(data=items)])
