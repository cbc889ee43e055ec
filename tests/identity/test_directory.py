from __future__ import annotations

import asyncio

from bot.clock import FrozenClock
from bot.desk.people import Agent
from bot.identity.directory import AgentDirectory, role_of


class Agents:
    """A stand-in for the Desk client's `agents()` that counts calls."""

    def __init__(self) -> None:
        self.people = [
            Agent.model_validate(
                {
                    "id": "1",
                    "zuid": "11",
                    "emailId": "Admin@Example.com",
                    "rolePermissionType": "Admin",
                }
            ),
            Agent.model_validate(
                {
                    "id": "2",
                    "zuid": "22",
                    "emailId": "agent@example.com",
                    "rolePermissionType": "Standard",
                }
            ),
        ]
        self.calls = 0

    async def agents(self, *, limit: int | None = None) -> list[Agent]:
        self.calls += 1
        await asyncio.sleep(0)
        return list(self.people)


async def test_lookup_by_email_id_and_zuid_is_cached(clock: FrozenClock) -> None:
    source = Agents()
    directory = AgentDirectory(source, clock)
    assert (await directory.by_email(" admin@example.COM ")).id == "1"  # type: ignore[union-attr]
    assert (await directory.by_id("2")).email_id == "agent@example.com"  # type: ignore[union-attr]
    assert (await directory.by_zuid("22")).id == "2"  # type: ignore[union-attr]
    assert await directory.email_of("1") == "Admin@Example.com"
    assert source.calls == 1


async def test_concurrent_first_lookups_load_once(clock: FrozenClock) -> None:
    source = Agents()
    directory = AgentDirectory(source, clock)
    await asyncio.gather(*(directory.by_email("agent@example.com") for _ in range(20)))
    assert source.calls == 1


async def test_a_new_hire_is_found_by_a_refresh_on_miss_but_unknowns_do_not_hammer(
    clock: FrozenClock,
) -> None:
    source = Agents()
    directory = AgentDirectory(source, clock)
    await directory.by_email("agent@example.com")
    assert await directory.by_email("nobody@example.com") is None
    assert source.calls == 1  # a miss right after loading is final
    clock.advance(minutes=5)
    source.people.append(Agent.model_validate({"id": "3", "emailId": "new@example.com"}))
    assert (await directory.by_email("new@example.com")).id == "3"  # type: ignore[union-attr]
    assert source.calls == 2
    clock.advance(minutes=31)
    await directory.by_id("1")
    assert source.calls == 3  # stale after the ttl


def test_roles() -> None:
    source = Agents()
    assert [role_of(a) for a in source.people] == ["admin", "agent"]
    assert role_of(Agent.model_validate({"id": "9", "rolePermissionType": "LightAgent"})) == "light"
