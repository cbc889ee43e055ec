"""What was last read from Desk is kept while Desk cannot be read: one rule (bot.desk.last_known)
for the org's agents, departments and ticket statuses, tested on each of them."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import pytest

from bot.clock import FrozenClock
from bot.desk.errors import DeskUnavailable, TokenRefused
from bot.desk.last_known import LastKnown
from bot.desk.org_data import OrgData
from bot.desk.people import Agent, Department
from bot.desk.tickets import TicketStatus
from bot.identity.directory import AgentDirectory


class FlakyDesk:
    """The org's Desk client for agents, departments and statuses; `down` makes every read fail
    as a DeskError (`refusal`); `reads` counts the calls that reached it."""

    def __init__(self) -> None:
        self.down = False
        self.refusal: Exception = DeskUnavailable("no answer from Desk: ConnectionRefused")
        self.reads = 0
        self.generation = 1

    async def _answer(self, value: Any) -> Any:
        self.reads += 1
        await asyncio.sleep(0)
        if self.down:
            raise self.refusal
        return value

    async def agents(self, *, limit: int | None = None) -> list[Agent]:
        return await self._answer(
            [Agent.model_validate({"id": str(self.generation), "emailId": "a@example.com"})]
        )

    async def departments(self) -> list[Department]:
        return await self._answer([Department(id=str(self.generation), name="Support")])

    async def ticket_statuses(self) -> list[TicketStatus]:
        return await self._answer([TicketStatus(value=f"Open {self.generation}")])


Read = Callable[[FlakyDesk, FrozenClock], Callable[[], Awaitable[Any]]]


def _agents(desk: FlakyDesk, clock: FrozenClock) -> Callable[[], Awaitable[Any]]:
    return AgentDirectory(desk, clock).all


def _departments(desk: FlakyDesk, clock: FrozenClock) -> Callable[[], Awaitable[Any]]:
    return OrgData(desk, AgentDirectory(desk, clock), clock).departments


def _statuses(desk: FlakyDesk, clock: FrozenClock) -> Callable[[], Awaitable[Any]]:
    return OrgData(desk, AgentDirectory(desk, clock), clock).statuses


READERS = pytest.mark.parametrize("reader", [_agents, _departments, _statuses])
REFUSALS = pytest.mark.parametrize(
    "refusal",
    [
        DeskUnavailable("no answer from Desk: ConnectionRefused"),
        TokenRefused("Zoho refused the token", code="invalid_code", renew="X"),
    ],
)


@READERS
@REFUSALS
async def test_desk_down_keeps_what_was_read_and_asks_once_a_minute(
    reader: Read, refusal: Exception, clock: FrozenClock
) -> None:
    desk = FlakyDesk()
    read = reader(desk, clock)
    first = await read()
    clock.advance(minutes=31)  # past the 30-minute ttl
    desk.down, desk.refusal = True, refusal
    assert await read() == first  # kept
    reads = desk.reads
    for _ in range(5):
        clock.advance(seconds=10)
        assert await read() == first
    assert desk.reads == reads  # not asked again within the minute
    clock.advance(seconds=15)
    assert await read() == first and desk.reads == reads + 1  # asked again after it
    desk.down, desk.generation = False, 2
    clock.advance(minutes=1)
    assert await read() != first  # back: the new value


@READERS
async def test_nothing_read_yet_raises_the_desk_error(reader: Read, clock: FrozenClock) -> None:
    desk = FlakyDesk()
    desk.down = True
    with pytest.raises(DeskUnavailable):
        await reader(desk, clock)()
    desk.down = False
    assert await reader(desk, clock)()  # and the next call asks again at once


@READERS
async def test_concurrent_reads_ask_desk_once(reader: Read, clock: FrozenClock) -> None:
    desk = FlakyDesk()
    read = reader(desk, clock)
    await asyncio.gather(*(read() for _ in range(20)))
    assert desk.reads == 1


async def test_a_fresh_read_that_fails_raises_but_keeps_the_value(clock: FrozenClock) -> None:
    desk = FlakyDesk()
    kept = LastKnown(desk.departments, clock, ttl=timedelta(minutes=30), what="departments")
    first = await kept.get()
    desk.down = True
    with pytest.raises(DeskUnavailable):
        await kept.get(fresh=True)  # the caller asked for Desk's answer: it hears Desk failed
    assert await kept.get() == first
    clock.advance(minutes=31)
    assert await kept.get() == first  # and the retry pause holds after the failed fresh read
