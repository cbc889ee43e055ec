"""The framework's own answers speak the caller's language (issue 13 item 1): usage cards, "did
you mean", words too many, refusals, the error card, "working on it", form errors, the menu's
choices, the welcome and the extension's installation answer. In the pseudo-language every word
of them comes from the catalogs (what the test's own bot declares is data); in Japanese they read
as written in the framework's catalog; in English as before."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from pydantic import BaseModel, Field

from bot.cliq.envelope import Envelope
from bot.cliq.form import Form, SelectInput, TextInput
from bot.cliq.message import Button, Message
from bot.cliq.verify import HmacVerifier
from bot.clock import FrozenClock
from bot.context import Context
from bot.dispatch import Bot, UsageError
from bot.handlers.web import make_web_app
from bot.router import Router
from bot.testing import Conversation, SignedRequests
from bot.testing.signing import envelope
from tests.words import assert_translated

SECRET = "s3cret"
router = Router()
releases: list[asyncio.Event] = []  # one per conversation (each test has its own loop)
OURS = [  # what this test's bot declares: its data, not the framework's words
    "/roll <sides>",
    "Roll a die.",
    "/roll",
    "/standup",
    "/purge",
    "/boom",
    "/slow",
    "/paint",
    "/standup skip",
    "Tickets",
    "Mine",
    "All",
    "hello",
    "Paint",
    "Name",
    "Your name",
    "Colour",
    "Pick one",
    "red",
    "green",
    "Dice",
]


@router.command("roll", usage="/roll <sides>", description="Roll a die.", takes=1)
async def roll(ctx: Context, args: str) -> str:
    raise UsageError(args)  # a listener's own problem, as given


@router.command("standup", takes={"": 0, "start": 0, "skip": 1})
async def standup(ctx: Context, args: str) -> str:
    return "ok"


@router.command("purge", admin=True)
async def purge(ctx: Context, args: str) -> str:
    return "purged"


@router.command("boom")
async def boom(ctx: Context, args: str) -> str:
    raise RuntimeError("internals")


@router.command("slow")
async def slow(ctx: Context, args: str) -> str:
    await releases[-1].wait()
    return "late"


@router.command("paint")
async def paint(ctx: Context, args: str) -> Form:
    return Form(
        name="paint",
        title="Paint",
        inputs=[
            TextInput(name="name", label="Name", placeholder="Your name", max_length=5),
            SelectInput(name="colour", label="Colour", placeholder="Pick one", options=["red"]),
        ],
    )


class Painted(BaseModel):
    name: str = Field(min_length=1, max_length=5)
    colour: str
    coats: int = 1


async def colours(ctx: Context, values: dict[str, Any]) -> dict[str, list[str]]:
    return {"colour": ["red"]}


@router.form("paint", offered=colours)
async def painted(ctx: Context, values: Painted) -> str:
    return "painted"


@router.keyword("hello")
async def hello(ctx: Context) -> str:
    return "hi"


@router.menu("Tickets", sub_action="Mine")
async def mine(ctx: Context) -> str:
    return "mine"


@router.menu("Tickets", sub_action="All")
async def every(ctx: Context) -> str:
    return "all"


@asynccontextmanager
async def talking(language: str) -> AsyncIterator[Conversation]:
    late: asyncio.Queue[bytes] = asyncio.Queue()

    async def late_reply(env: Envelope, output: bytes) -> None:
        await late.put(output)

    releases.append(asyncio.Event())
    bot = Bot(name="Dice", clock=FrozenClock(), late_reply=late_reply).include(router)
    app = make_web_app(bot, HmacVerifier(SECRET, bot.clock))
    async with TestClient(TestServer(app)) as client:
        chat = Conversation(client, SignedRequests(SECRET, bot.clock), user={"language": language})
        chat.bot = bot  # type: ignore[attr-defined]
        yield chat


async def every_answer(chat: Conversation) -> list[Any]:
    """One of each of the framework's own answers, as the caller sees them."""
    answers: list[Any] = []
    for name, args in [
        ("rol", ""),  # unknown command: did you mean
        ("roll", "6 sides"),  # a word too many
        ("roll", "many"),  # the listener's own problem (data) under the usage
        ("standup", "stop"),  # not a sub-command
        ("standup", "skip Aiko tomorrow"),  # too many after a sub-command
        ("purge", ""),  # admins only
        ("boom", ""),  # the error card
    ]:
        answers.append((await chat.command(name, args)).output)
    answers.append((await chat.say("helo")).output)  # a message it does not know
    answers.append((await chat.welcome()).output)
    answers.append((await chat.menu("Tickets")).output)  # which sub-action?
    stale = {"label": "Old", "key": "vanished:1", "action": {"type": "invoke.function"}}
    answers.append((await chat.click(stale)).output)
    form = (await chat.command("paint")).output
    answers.append((await chat.submit({"name": "", "colour": "red"}, form=form)).output)
    answers.append((await chat.submit({"name": "toolong", "colour": "red"}, form=form)).output)
    answers.append((await chat.submit({"name": "Aiko", "colour": "blue"}, form=form)).output)
    installer = {"user": chat.user}  # the installation handler names who installs
    installed = await chat.send(envelope("extension", "installation_handler", params=installer))
    output = installed.body["output"]
    answers.append({"title": output["title"], "text": output["message"]})
    answers.append({"text": " ".join(output["note"])})
    chat.bot.deadline = 0.01  # type: ignore[attr-defined]  # "slow" waits for its release
    answers.append((await chat.command("slow")).output)
    releases[-1].set()
    return answers


async def test_every_framework_answer_comes_from_the_catalogs() -> None:
    async with talking("qps") as chat:
        answers = await every_answer(chat)
    reference = answers[6]["text"].rsplit(" ", 1)[-1].rstrip("。.")
    for output in answers:
        assert_translated(
            output,
            data=[
                *OURS,
                "helo",
                "rol",
                "6 sides",
                "sides",
                "many",
                "stop",
                "tomorrow",
                "Aiko",
                "toolong",
                "blue",
                "/help",
                reference,
            ],
        )


async def test_japanese() -> None:
    async with talking("ja-JP") as chat:
        answers = await every_answer(chat)
    texts = [json.dumps(a, ensure_ascii=False) for a in answers]
    assert "*/roll* のことですか?" in texts[0] and "話しかけ方" in texts[0]
    assert "/roll に続けられる語は1個までです。「sides」が余分です。" in texts[1]
    assert "使い方: /roll <sides>" in texts[1] and "Roll a die." in texts[1]
    assert "「stop」は /standup にはできません。" in texts[3]
    assert "/standup skip に続けられる語は1個までです。「tomorrow」が余分です。" in texts[4]
    assert answers[5] == {
        "type": "banner",
        "text": "管理者だけが実行できます。",
        "status": "failure",
    }
    assert answers[6]["card"]["title"] == "申し訳ありません、失敗しました"
    assert "「helo」はわかりません。" in texts[7]
    assert "こんにちは、Diceです。" in texts[8] and "Diceへようこそ" in texts[8]
    assert "Tickets: ひとつ選んでください。" in texts[9]
    assert "古くなっています" in texts[10]
    assert answers[11]["inputs"] == {"name": "入力してください。"}
    assert answers[12]["inputs"] == {"name": "5文字以内にしてください。"}
    assert (
        answers[13]["inputs"]["colour"] == "「blue」は選択肢にありません。一覧から選んでください。"
    )
    assert answers[14]["title"] == "Diceをインストールしました"
    assert answers[16]["text"] == "処理中です。回答はこのあと届きます。"


async def test_english_reads_as_it_always_has() -> None:
    async with talking("en") as chat:
        answers = await every_answer(chat)
    texts = [json.dumps(a, ensure_ascii=False) for a in answers]
    assert "Did you mean */roll*?" in texts[0]
    assert "/roll takes at most 1 word: “sides” is extra." in texts[1]
    assert "Usage: /roll <sides>" in texts[1]
    assert "/standup skip takes at most 1 word: “tomorrow” is extra." in texts[4]
    assert answers[5]["text"] == "Only admins can do that."
    assert answers[11]["inputs"] == {"name": "This is required."}
    assert answers[12]["inputs"] == {"name": "At most 5 characters."}
    assert answers[16]["text"] == "Working on it: the answer follows."


@pytest.mark.parametrize(
    ("model_field", "value", "english", "japanese"),
    [
        ("count", "many", "Enter a whole number.", "整数を入力してください。"),
        ("ratio", "x", "Enter a number.", "数値を入力してください。"),
        ("day", "someday", "Enter a date.", "日付を入力してください。"),
        ("count", "0", "At least 1.", "1以上にしてください。"),
        ("count", "11", "At most 10.", "10以下にしてください。"),
        ("code", "ab", "At least 3 characters.", "3文字以上にしてください。"),
        ("kind", "z", "Pick one of the choices.", "選択肢から選んでください。"),
        ("odd", "2", "This value is not valid.", "この値は使えません。"),
    ],
)
def test_each_kind_of_input_error(
    model_field: str, value: str, english: str, japanese: str
) -> None:
    from datetime import date
    from typing import Literal

    from pydantic import ValidationError, field_validator

    from bot.dispatch import input_error
    from bot.i18n import Languages

    class Model(BaseModel):
        count: int = Field(default=1, ge=1, le=10)
        ratio: float = 1.0
        day: date | None = None
        code: str = Field(default="abc", min_length=3)
        kind: Literal["a", "b"] = "a"
        odd: int = 1

        @field_validator("odd")
        @classmethod
        def _odd(cls, value: int) -> int:
            assert value % 2, "even"  # an assertion: a kind with no words of its own
            return value

    with pytest.raises(ValidationError) as caught:
        Model.model_validate({model_field: value})
    error = caught.value.errors()[0]
    languages = Languages()
    assert input_error(error, languages.words("en")) == english
    assert input_error(error, languages.words("ja")) == japanese


def test_buttons_of_pages_are_translated() -> None:
    from bot.cards.paging import nav_buttons, page_of
    from bot.i18n import Languages

    ja = Languages().words("ja")
    assert [b.label for b in nav_buttons(2, 3, "k", words=ja)] == ["前へ", "次へ"]
    assert page_of(list(range(30)), 1, per_page=10).more(words=ja) == "ほかに20件あります。"
    message = Message(text="x", buttons=[Button.invoke("ok", key="k")])
    assert message.buttons is not None


@pytest.mark.parametrize("kind", ["dm", "thread", "chat", "unknown"])
def test_where_the_bot_cannot_post_is_said_in_the_readers_language(kind: str) -> None:
    from bot.cliq.envelope import Chat
    from bot.cliq.places import NoBotPlace, bot_place
    from bot.i18n import Languages

    languages = Languages()
    chat = Chat.model_validate({"id": "CT_1", "type": kind})
    with pytest.raises(NoBotPlace) as japanese:
        bot_place(chat, "aiko@example.com", words=languages.words("ja"))
    assert "ボットは" in str(japanese.value) and "には投稿できません" in str(japanese.value)
    with pytest.raises(NoBotPlace) as pseudo:
        bot_place(chat, "aiko@example.com", words=languages.words("qps"))
    assert_translated({"text": str(pseudo.value)}, data=["Cliq"])
    own = bot_place(
        Chat.model_validate({"id": "CT_2", "type": "bot"}),
        "a@example.com",
        words=languages.words("ja"),
    )
    assert own.label == "ボットとのチャット"
