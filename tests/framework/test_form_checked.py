"""A form a listener returns is checked against what will receive its submit, so a form that
could never be submitted as meant fails the first time it is shown (in the author's tests), with
a log line saying what to change, rather than in front of a person: no `@router.form` for its
name (every submit "outdated"), or a values model with a required field the form has no input
for (every submit refused, the `form_error` naming an input Cliq does not show, so the person
sees "check the highlighted fields" and nothing highlighted)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import pytest
from pydantic import BaseModel, Field

from bot.framework import (
    Bot,
    Context,
    Form,
    FrozenClock,
    HiddenInput,
    Router,
    SelectInput,
    TextInput,
)
from bot.testing import Conversation, talking_to

router = Router()


def form(name: str, *inputs: str) -> Form:
    fields = [TextInput(name=n, label=n, placeholder=n) for n in inputs]
    return Form(name=name, title="A form", inputs=[*fields, HiddenInput(name="id", value="7")])


class Incident(BaseModel):
    title: str
    severity: str
    notes: str = ""  # optional: a form may leave it out


class Aliased(BaseModel):
    severity_level: str = Field(alias="severity")


@router.command("show", takes=1)
async def show(ctx: Context, args: str) -> Form:
    return {
        "typo": form("incident", "title", "sev"),
        "both": form("incident", "name", "sev"),
        "fine": form("incident", "title", "severity"),
        "hidden": form("incident", "title").replace(
            inputs=[
                TextInput(name="title", label="t", placeholder="t"),
                HiddenInput(name="severity", value="sev2"),
            ]
        ),
        "aliased": form("aliased", "severity"),
        "nobody": form("incidnet", "title", "severity"),
        "plain": form("plain", "anything"),
        "select": Form(
            name="incident",
            title="A form",
            inputs=[
                TextInput(name="title", label="t", placeholder="t"),
                SelectInput(name="severity", label="s", placeholder="s", options=["sev1"]),
            ],
        ),
    }[args]


@router.form("incident")
async def opened(ctx: Context, values: Incident) -> str:
    return f"opened {values.title} ({values.severity})"


@router.form("aliased")
async def aliased(ctx: Context, values: Aliased) -> str:
    return values.severity_level


@router.form("plain")
async def plain(ctx: Context, values: dict[str, object]) -> str:
    return "plain"


@pytest.fixture(params=[None, b"sealed"], ids=["unsealed", "sealed"])
async def chat(request: pytest.FixtureRequest) -> AsyncIterator[Conversation]:
    bot = Bot(clock=FrozenClock(), form_key=request.param).include(router)
    async with talking_to(bot) as chat:
        yield chat


@pytest.mark.parametrize(
    ("which", "said"),
    [
        ("typo", "form 'incident' has no input for severity, a required field of Incident"),
        ("both", "form 'incident' has no input for severity, title, a required field of Incident"),
        ("nobody", "form 'incidnet' has no listener"),
    ],
)
async def test_a_form_that_could_never_be_submitted_is_refused_saying_why(
    chat: Conversation, caplog: pytest.LogCaptureFixture, which: str, said: str
) -> None:
    with caplog.at_level(logging.ERROR, logger="bot.dispatch"):
        answer = await chat.command("show", which)
    assert answer.kind == "message" and "quote reference" in answer.text
    assert said in caplog.text


async def test_the_form_names_what_to_change(
    chat: Conversation, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="bot.dispatch"):
        await chat.command("show", "typo")
        await chat.command("show", "nobody")
    assert "name the model's fields as the form's inputs (id, sev, title)" in caplog.text
    assert "register one with @router.form('incidnet')" in caplog.text


@pytest.mark.parametrize("which", ["fine", "hidden", "select", "aliased", "plain"])
async def test_a_form_whose_inputs_cover_the_model_is_shown(chat: Conversation, which: str) -> None:
    assert (await chat.command("show", which)).kind == "form"


async def test_a_form_shown_is_submitted_as_before(chat: Conversation) -> None:
    await chat.command("show", "fine")
    assert (await chat.submit({"title": "Disk", "severity": "sev1"})).text == "opened Disk (sev1)"
    await chat.command("show", "aliased")
    assert (await chat.submit({"severity": "sev3"})).text == "sev3"
