"""`POST /cliq` takes its app's parts once, at start-up: what an app puts under `VERIFIER`,
`REPLAYS`, `BOT` or `DEADLINES` before it starts (Deskbot moves the replay memory into its store
then) is what answers; a replay guard may answer at once or be awaited."""

from __future__ import annotations

import asyncio

from bot.clock import FrozenClock, epoch_ms
from bot.framework import Bot, Context, HmacVerifier, Router, make_web_app
from bot.handlers import cliq
from bot.testing import SignedRequests, envelope

SECRET = "parts-secret"


class Remembering:
    """A replay guard answering through a coroutine, as a store's does."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    async def first_use(self, credential: str, expires_at_ms: int) -> bool:
        await asyncio.sleep(0)
        first = credential not in self.seen
        self.seen.append(credential)
        return first


def ticket_bot(clock: FrozenClock, answer: str) -> Bot:
    router = Router()

    @router.command("ticket")
    async def ticket(ctx: Context, args: str) -> str:
        return f"{answer} {args}"

    return Bot(clock=clock).include(router)


def ticket_call(clock: FrozenClock, signer: SignedRequests) -> tuple[bytes, dict[str, str]]:
    env = envelope("command", "execution_handler", name="ticket", params={"arguments": "7"})
    env["timestamp"] = epoch_ms(clock.now())
    return signer.sign(env)


async def test_parts_replaced_before_start_are_the_ones_that_answer(aiohttp_client) -> None:  # type: ignore[no-untyped-def]
    clock = FrozenClock()
    app = make_web_app(ticket_bot(clock, "first bot"), HmacVerifier("not-the-secret", clock))
    guard = Remembering()
    app[cliq.REPLAYS] = guard
    app[cliq.VERIFIER] = HmacVerifier(SECRET, clock)
    app[cliq.BOT] = ticket_bot(clock, "second bot")
    client = await aiohttp_client(app)
    body, headers = ticket_call(clock, SignedRequests(SECRET, clock))

    answer = await client.post("/cliq", data=body, headers=headers)
    assert answer.status == 200
    assert (await answer.json()) == {"output": {"text": "second bot 7"}}
    again = await client.post("/cliq", data=body, headers=headers)  # the awaited guard's no
    assert again.status == 409 and (await again.json())["error"] == "replayed"
    assert len(guard.seen) == 2


async def test_the_memory_answers_a_replay_at_once(aiohttp_client) -> None:  # type: ignore[no-untyped-def]
    clock = FrozenClock()
    client = await aiohttp_client(
        make_web_app(ticket_bot(clock, "bot"), HmacVerifier(SECRET, clock))
    )
    body, headers = ticket_call(clock, SignedRequests(SECRET, clock))
    assert (await client.post("/cliq", data=body, headers=headers)).status == 200
    replay = await client.post("/cliq", data=body, headers=headers)
    assert replay.status == 409
    clock.advance(minutes=6)  # past its window the same call is stale, not a replay
    stale = await client.post("/cliq", data=body, headers=headers)
    assert stale.status == 401 and "stale" in (await stale.json())["reason"]
