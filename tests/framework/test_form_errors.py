"""A form's submit is judged after the admin and requires checks, and every wrong input is named
at once: a value outside `offered=` and a value failing the values model in the same answer, so
the person fixes them in one go rather than learning of the next after each fix."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from pydantic import BaseModel, Field

from bot.framework import Banner, Bot, Context, FrozenClock, Router
from bot.testing import Conversation, talking_to

SIZES = ["small", "large"]
members: set[str] = set()
ran: list[str] = []
router = Router()


class Order(BaseModel):
    size: str
    count: int = Field(ge=1, le=10)
    note: str = Field(default="", max_length=5)


def member(ctx: Context) -> Banner | None:
    return None if ctx.user.email in members else Banner(text="members only", status="failure")


def sizes(ctx: Context, values: dict[str, Any]) -> dict[str, list[str]]:
    return {"size": SIZES}


@router.form("order", offered=sizes)
async def order(ctx: Context, values: Order) -> str:
    ran.append("order")
    return f"{values.count} {values.size}"


@router.form("members", requires=member, offered=sizes)
async def members_order(ctx: Context, values: Order) -> str:
    ran.append("members")
    return "ordered"


@router.form("admins", admin=True)
async def admins_order(ctx: Context, values: Order) -> str:
    ran.append("admins")
    return "ordered"


def form(name: str) -> dict[str, Any]:
    """The form as Cliq holds it (the submit sends a value for each of its inputs)."""
    inputs = [{"type": "text", "name": field} for field in ("size", "count", "note")]
    return {"type": "form", "name": name, "inputs": inputs, "action": {"name": "f"}}


@pytest.fixture
async def chat() -> AsyncIterator[Conversation]:
    members.clear()
    ran.clear()
    bot = Bot(clock=FrozenClock()).include(router)
    async with talking_to(bot) as chat:
        yield chat


@pytest.mark.parametrize(
    ("values", "named"),
    [
        ({"size": "huge", "count": "99"}, {"size", "count"}),
        ({"size": "huge", "count": "2", "note": "too long"}, {"size", "note"}),
        ({"size": "huge"}, {"size", "count"}),  # a missing value and an unoffered one
        ({"size": "large", "count": "0", "note": "way too long"}, {"count", "note"}),
    ],
)
async def test_every_wrong_input_is_named_in_one_answer(
    chat: Conversation, values: dict[str, Any], named: set[str]
) -> None:
    refused = await chat.submit(values, form=form("order"))
    assert refused.kind == "form_error"
    assert set(refused.output["inputs"]) == named
    if "size" in named:
        assert "not one of the choices offered" in refused.output["inputs"]["size"]
    assert ran == []


async def test_only_an_unoffered_choice_asks_to_pick_again(chat: Conversation) -> None:
    refused = await chat.submit({"size": "huge", "count": "2"}, form=form("order"))
    assert refused.text == "Please pick again from the list."
    assert list(refused.output["inputs"]) == ["size"]
    assert (await chat.submit({"size": "large", "count": "2"}, form=form("order"))).text == (
        "2 large"
    )


@pytest.mark.parametrize(
    ("name", "refusal"), [("members", "members only"), ("admins", "Only admins")]
)
async def test_a_refused_caller_gets_the_refusal_not_the_forms_rules(
    chat: Conversation, name: str, refusal: str
) -> None:
    refused = await chat.submit({"size": "huge", "count": "99"}, form=form(name))
    assert refused.kind == "banner" and refusal in refused.text
    assert ran == []
