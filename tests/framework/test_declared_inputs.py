"""What a call may carry is declared on the decorator and checked by the framework before the
listener runs (issue 11 items 1, 7, 9): a command's words (`takes=`), a form's choices
(`offered=`); and error replies may answer the person (`reply(exc, ctx)`)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.framework import (
    Banner,
    Bot,
    CheckboxInput,
    Context,
    Form,
    FrozenClock,
    HiddenInput,
    HmacVerifier,
    RadioInput,
    Router,
    SelectInput,
    make_web_app,
)
from bot.testing import Conversation, SignedRequests

ran: list[str] = []
router = Router()


@router.command("now", usage="/now", takes=0)
async def now(ctx: Context, args: str) -> str:
    ran.append("now")
    return "now"


@router.command("roll", usage="/roll [sides]", takes=1)
async def roll(ctx: Context, args: str) -> str:
    ran.append("roll")
    return f"roll {args}"


@router.command("move", usage="/move <from> <to>", takes=2)
async def move(ctx: Context, args: str) -> str:
    ran.append("move")
    return f"move {args}"


@router.command(
    "team",
    usage="/team [list | add <who> | note …]",
    takes={"": 0, "list": 0, "add": 1, "note": None},
)
async def team(ctx: Context, args: str) -> str:
    ran.append("team")
    return f"team {args}"


@router.command("free", usage="/free [anything]")
async def free(ctx: Context, args: str) -> str:
    ran.append("free")
    return f"free {args}"


@pytest.mark.parametrize(
    ("name", "args", "extra"),
    [
        ("now", "foo", "/now takes nothing more: “foo” is extra."),
        ("now", "later please", "/now takes nothing more: “later please” is extra."),
        (
            "now",
            "ｆｏｏ",
            "/now takes nothing more: “foo” is extra.",
        ),  # full width, as typed in Japan
        ("roll", "6 times", "/roll takes at most 1 word: “times” is extra."),
        ("move", "a b c", "/move takes at most 2 words: “c” is extra."),
        ("team", "list all", "/team list takes nothing more: “all” is extra."),
        ("team", "add Aiko Ben", "/team add takes at most 1 word: “Ben” is extra."),
        ("team", "LIST now", "/team list takes nothing more: “now” is extra."),
        ("team", "remove Aiko", "“remove” is not something /team does."),
    ],
)
async def test_more_words_than_declared_get_the_usage_card(
    name: str, args: str, extra: str
) -> None:
    ran.clear()
    async with talking() as chat:
        answer = await chat.command(name, args)
    assert extra in answer.text
    assert f"Usage: {Bot().include(router).find_command(name).usage}" in answer.text  # type: ignore[union-attr]
    assert ran == []


@pytest.mark.parametrize(
    ("name", "args", "answer"),
    [
        ("now", "", "now"),
        ("now", "   ", "now"),
        ("roll", "6", "roll 6"),
        ("move", "a b", "move a b"),
        ("team", "", "team "),
        ("team", "List", "team List"),
        ("team", "add Aiko", "team add Aiko"),
        ("team", "note any words at all", "team note any words at all"),
        ("free", "as many words as you like", "free as many words as you like"),
    ],
)
async def test_what_is_declared_reaches_the_listener(name: str, args: str, answer: str) -> None:
    async with talking() as chat:
        assert (await chat.command(name, args)).text == answer


# --- forms: the choices offered are checked on submit ------------------------------------

LISTS = {"colour": ["red", "green"], "tags": ["a", "b", "c"]}
submitted: list[dict[str, Any]] = []


@router.command("paint")
async def paint(ctx: Context, args: str) -> Form:
    return Form(
        name="paint",
        title="Paint",
        inputs=[
            SelectInput(
                name="colour", label="Colour", placeholder="Pick a colour", options=LISTS["colour"]
            ),
            RadioInput(name="finish", label="Finish", hint="How shiny", options=["matt", "gloss"]),
            CheckboxInput(name="tags", label="Tags", options=LISTS["tags"]),
            HiddenInput(name="job", value="7"),
        ],
    )


async def paint_offered(ctx: Context, values: dict[str, Any]) -> dict[str, list[str]]:
    return {"colour": LISTS["colour"], "finish": ["matt", "gloss"], "tags": LISTS["tags"]}


def owner_only(ctx: Context) -> Banner | None:
    return None if ctx.user.email == "agent@example.com" else Banner(text="no", status="failure")


@router.form("paint", offered=paint_offered, requires=owner_only)
async def painted(ctx: Context, values: dict[str, Any]) -> str:
    submitted.append(values)
    return f"painted {values['colour']}"


@pytest.mark.parametrize(
    ("values", "wrong"),
    [
        ({"colour": "9"}, "colour"),  # issue 11: an out-of-range choice
        ({"colour": "blue"}, "colour"),
        ({"colour": {"label": "Red", "value": "RED"}}, "colour"),  # a label does not make a value
        ({"finish": "satin"}, "finish"),
        ({"tags": ["a", "z"]}, "tags"),  # one of a multiple choice
        ({"colour": 3}, "colour"),  # not even text
    ],
)
async def test_a_value_the_form_did_not_offer_is_a_form_error(
    values: dict[str, Any], wrong: str
) -> None:
    submitted.clear()
    async with talking() as chat:
        form = await chat.command("paint")
        answer = await chat.submit(values, form=form.output)
    assert answer.kind == "form_error"
    assert list(answer.output["inputs"]) == [wrong]
    assert "not one of the choices offered" in answer.output["inputs"][wrong]
    assert submitted == []


async def test_offered_values_and_empty_choices_reach_the_listener() -> None:
    submitted.clear()
    async with talking() as chat:
        form = await chat.command("paint")
        done = await chat.submit({"colour": "green", "tags": ["a", "c"]}, form=form.output)
        assert done.text == "painted green"
        LISTS["colour"].remove("green")  # the app's list changed after the form was drawn
        try:
            gone = await chat.submit({"colour": "green"}, form=form.output)
        finally:
            LISTS["colour"].append("green")
    assert gone.kind == "form_error"
    assert len(submitted) == 1 and submitted[0]["tags"] == ["a", "c"]


async def test_the_guard_answers_before_the_choices_are_asked() -> None:
    async with talking(user={"email": "someone@else.example"}) as chat:
        form = await chat.command("paint")
        answer = await chat.submit({"colour": "9"}, form=form.output)
    assert answer.kind == "banner" and answer.output["text"] == "no"


# --- error replies with the context ------------------------------------------------------


class Gone(Exception):
    pass


@router.command("lookup")
async def lookup(ctx: Context, args: str) -> str:
    raise Gone(args)


async def test_an_error_reply_may_answer_the_person_and_logs_no_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def reply(exc: Exception, ctx: Context) -> str:
        return f"{ctx.user.email}: {exc} is gone"

    caplog.set_level(logging.INFO)
    async with talking(error_replies={Gone: reply}) as chat:
        answer = await chat.command("lookup", "cake")
    assert answer.text == "agent@example.com: cake is gone"
    assert not [r for r in caplog.records if r.exc_info]


async def test_an_error_reply_that_fails_is_the_error_card() -> None:
    def broken(exc: Exception) -> str:
        raise RuntimeError("the reply itself failed")

    async with talking(error_replies={Gone: broken}) as chat:
        answer = await chat.command("lookup", "cake")
    assert answer.status == 200 and answer.title == "Sorry, that failed"


SECRET = "s3cret"


@asynccontextmanager
async def talking(
    *,
    user: dict[str, Any] | None = None,
    error_replies: dict[Any, Any] | None = None,
    form_key: bytes | None = None,
) -> AsyncIterator[Conversation]:
    bot = Bot(clock=FrozenClock(), error_replies=error_replies, form_key=form_key).include(router)
    app = make_web_app(bot, HmacVerifier(SECRET, bot.clock))
    async with TestClient(TestServer(app)) as client:
        yield Conversation(client, SignedRequests(SECRET, bot.clock), user=user)


# --- hidden inputs come back as they were sent -------------------------------------------

KEY = b"a key kept across restarts"


@router.command("rename")
async def rename(ctx: Context, args: str) -> Form:
    return Form(
        name="rename",
        title="Rename",
        inputs=[
            SelectInput(
                name="colour", label="Colour", placeholder="Pick a colour", options=LISTS["colour"]
            ),
            HiddenInput(name="job", value="7"),
            HiddenInput(name="owner", value="agent@example.com"),
        ],
    )


@router.command("plain")
async def plain(ctx: Context, args: str) -> Form:
    return Form(
        name="rename",
        title="Plain",
        inputs=[SelectInput(name="colour", label="Colour", placeholder="Pick", options=["red"])],
    )


@router.form("rename", offered=lambda ctx, values: {})
async def renamed(ctx: Context, values: dict[str, Any]) -> str:
    submitted.append(values)
    return f"renamed job {values['job']}"


@pytest.mark.parametrize(
    "forged",
    [
        {"job": "8"},  # another record
        {"owner": "someone@else.example"},
        {"job": ""},
        {"_sealed": "job,owner.AAAAAAAAAAAAAAAAAAAAAAAA"},
        {"_sealed": "job.whatever"},  # fewer hidden inputs named
        {"_sealed": None},  # dropped
    ],
)
async def test_a_hidden_value_changed_or_an_unsealed_submit_is_outdated(
    forged: dict[str, Any],
) -> None:
    submitted.clear()
    async with talking(form_key=KEY) as chat:
        form = await chat.command("rename")
        sent = {i["name"]: i.get("value") for i in form.output["inputs"] if i["type"] == "hidden"}
        answer = await chat.submit({"colour": "red", **sent, **forged}, form=form.output)
    assert answer.kind == "banner" and "outdated" in answer.output["text"]
    assert submitted == []


async def test_sealed_hidden_values_reach_the_listener_without_the_seal() -> None:
    submitted.clear()
    async with talking(form_key=KEY) as chat:
        await chat.command("rename")
        assert (await chat.submit({"colour": "red"})).text == "renamed job 7"
        unsealed = await chat.command("plain")  # a form with no hidden inputs is sealed too
        assert [i["name"] for i in unsealed.output["inputs"]] == ["colour", "_sealed"]
    assert submitted == [{"colour": "red", "job": "7", "owner": "agent@example.com"}]
    async with talking(form_key=b"another key") as chat:  # sealed under another key
        form = await chat.command("rename")
        form.output["inputs"][-1]["value"] = "job,owner.x"
        assert (await chat.submit({"colour": "red"}, form=form.output)).kind == "banner"
    async with talking() as chat:  # no key: nothing added, nothing checked
        form = await chat.command("rename")
        assert "_sealed" not in [i["name"] for i in form.output["inputs"]]
