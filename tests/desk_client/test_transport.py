"""The HTTP rules: errors by errorCode, retries and their waits, token refresh, 204, paging,
the concurrency cap and the credit headers."""

from __future__ import annotations

import asyncio
import random
import socket
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest
from aiohttp import web

from bot.clock import FrozenClock
from bot.desk import errors
from bot.desk.client import DeskClient
from bot.desk.transport import RetryPolicy, encode_params
from tests.desk_client.conftest import Sleeps, Tokens
from tests.desk_client.fake_desk import ORG_ID, FakeDesk, Reply, empty, error, fixture, ok
from tests.desk_client.fixtures import load

EXPECTED = {
    "BAD_REQUEST": errors.BadRequest,
    "UNAUTHORIZED": errors.Unauthorized,
    "INVALID_OAUTH": errors.InvalidOAuth,
    "FORBIDDEN": errors.Forbidden,
    "SCOPE_MISMATCH": errors.ScopeMismatch,
    "OAUTH_ORG_MISMATCH": errors.OrgMismatch,
    "LICENSE_ACCESS_LIMITED": errors.LicenseLimited,
    "URL_NOT_FOUND": errors.NotFound,
    "METHOD_NOT_ALLOWED": errors.MethodNotAllowed,
    "INVALID_DATA": errors.InvalidData,
    "UNPROCESSABLE_ENTITY": errors.InvalidData,
    "THRESHOLD_EXCEEDED": errors.ThresholdExceeded,
    "TOO_MANY_REQUESTS": errors.TooManyRequests,
    "INTERNAL_SERVER_ERROR": errors.ServerError,
}


def test_every_fixture_error_has_a_class() -> None:
    assert set(load("errors")) == set(EXPECTED)


@pytest.mark.parametrize("code", sorted(EXPECTED))
async def test_each_error_code_raises_its_class(
    client: DeskClient, desk: FakeDesk, code: str
) -> None:
    desk.on("GET", "/myinfo", error(code))
    with pytest.raises(EXPECTED[code]) as caught:
        await client.myinfo()
    sample = load("errors")[code]
    assert caught.value.status == sample["status"]
    assert caught.value.code == code
    assert caught.value.message == sample["body"]["message"]
    assert isinstance(caught.value, errors.DeskError)
    assert code in str(caught.value)


def test_forbidden_alias_and_field_errors() -> None:
    assert errors.NoPermission is errors.Forbidden
    invalid = errors.error_for(422, load("errors")["INVALID_DATA"]["body"])
    assert isinstance(invalid, errors.InvalidData)
    assert invalid.errors[0]["fieldName"] == "/assigneeId"


@pytest.mark.parametrize(
    ("status", "body", "cls"),
    [
        (404, None, errors.NotFound),
        (502, "<html>bad gateway</html>", errors.ServerError),
        (503, {"errorCode": "SOMETHING_NEW"}, errors.ServerError),
        (418, {"message": "teapot"}, errors.DeskError),
        (403, {"errorCode": "INVALID_OAUTH", "message": "scope"}, errors.InvalidOAuth),
        (429, {}, errors.TooManyRequests),
    ],
)
def test_unknown_codes_fall_back_to_the_status(status: int, body: object, cls: type) -> None:
    made = errors.error_for(status, body)
    assert type(made) is cls and made.status == status


async def test_threshold_exceeded_is_not_retried_and_fails_fast_until_retry_after(
    client: DeskClient, desk: FakeDesk, sleeps: Sleeps, clock: FrozenClock
) -> None:
    desk.on("GET", "/myinfo", error("THRESHOLD_EXCEEDED"), fixture("myinfo"))
    with pytest.raises(errors.ThresholdExceeded) as caught:
        await client.myinfo()
    assert caught.value.retry_after == 3600
    assert len(desk.requests) == 1 and sleeps.waits == []
    assert client.credits.remaining == 0
    assert client.credits.exhausted_until == clock.now() + timedelta(hours=1)

    clock.advance(minutes=59)
    with pytest.raises(errors.ThresholdExceeded) as local:
        await client.myinfo()
    assert len(desk.requests) == 1  # refused without spending a call
    assert local.value.retry_after == 60

    clock.advance(minutes=1)
    assert (await client.myinfo()).id == "1166045000000384009"
    assert client.credits.exhausted_until is None


async def test_too_many_requests_is_retried_with_jittered_backoff(
    client: DeskClient, desk: FakeDesk, sleeps: Sleeps
) -> None:
    busy = error("TOO_MANY_REQUESTS")
    desk.on("GET", "/myinfo", busy, busy, busy, fixture("myinfo"))
    assert (await client.myinfo()).id == "1166045000000384009"
    assert len(desk.requests) == 4
    assert len(sleeps.waits) == 3
    for retry, wait in enumerate(sleeps.waits):
        ceiling = min(8.0, 1.0 * 2**retry)
        assert ceiling / 2 <= wait <= ceiling


async def test_server_errors_are_retried_a_bounded_number_of_times(
    client: DeskClient, desk: FakeDesk, sleeps: Sleeps
) -> None:
    desk.on("GET", "/myinfo", error("INTERNAL_SERVER_ERROR"))
    with pytest.raises(errors.ServerError):
        await client.myinfo()
    assert len(desk.requests) == 1 + 4
    assert len(sleeps.waits) == 4
    assert 4 <= sleeps.waits[-1] <= 8


async def test_a_502_then_success(client: DeskClient, desk: FakeDesk, sleeps: Sleeps) -> None:
    desk.on("GET", "/tickets/1", Reply(502, "bad gateway"), fixture("ticket"))
    assert (await client.ticket("1")).ticket_number == "4863"
    assert len(sleeps.waits) == 1


async def test_retry_after_on_too_many_requests_is_honoured(
    client: DeskClient, desk: FakeDesk, sleeps: Sleeps
) -> None:
    slow = Reply(429, load("errors")["TOO_MANY_REQUESTS"]["body"], {"Retry-After": "5"})
    desk.on("GET", "/myinfo", slow, fixture("myinfo"))
    await client.myinfo()
    assert sleeps.waits == [5.0]


async def test_other_client_errors_are_not_retried(
    client: DeskClient, desk: FakeDesk, sleeps: Sleeps
) -> None:
    desk.on("PATCH", "/tickets/1", error("INVALID_DATA"))
    with pytest.raises(errors.InvalidData):
        await client.update_ticket("1", assignee_id="nobody")
    assert len(desk.requests) == 1 and sleeps.waits == []


async def test_post_is_not_repeated_after_a_server_error(
    client: DeskClient, desk: FakeDesk, sleeps: Sleeps
) -> None:
    desk.on("POST", "/tickets/1/comments", error("INTERNAL_SERVER_ERROR"), fixture("comment"))
    with pytest.raises(errors.ServerError):
        await client.add_comment("1", "note")
    assert len(desk.requests) == 1 and sleeps.waits == []


async def test_post_is_repeated_after_too_many_requests(
    client: DeskClient, desk: FakeDesk, sleeps: Sleeps
) -> None:
    desk.on("POST", "/tickets/1/comments", error("TOO_MANY_REQUESTS"), fixture("comment"))
    assert (await client.add_comment("1", "note")).id == "4000000529001"
    assert len(desk.requests) == 2 and len(sleeps.waits) == 1


async def test_invalid_oauth_invalidates_the_token_and_retries_once(
    client: DeskClient, desk: FakeDesk, tokens: Tokens, sleeps: Sleeps
) -> None:
    desk.on("GET", "/myinfo", error("INVALID_OAUTH"), fixture("myinfo"))
    assert (await client.myinfo()).id == "1166045000000384009"
    assert tokens.invalidated == ["tok-1"]
    assert [r.headers["Authorization"] for r in desk.requests] == [
        "Zoho-oauthtoken tok-1",
        "Zoho-oauthtoken tok-2",
    ]
    assert sleeps.waits == []


async def test_invalid_oauth_twice_gives_up(
    client: DeskClient, desk: FakeDesk, tokens: Tokens
) -> None:
    desk.on("GET", "/myinfo", error("INVALID_OAUTH"))
    with pytest.raises(errors.InvalidOAuth):
        await client.myinfo()
    assert len(desk.requests) == 2 and tokens.invalidated == ["tok-1"]


async def test_403_invalid_oauth_and_401_unauthorized_are_not_refreshed(
    client: DeskClient, desk: FakeDesk, tokens: Tokens
) -> None:
    scope = Reply(403, {"errorCode": "INVALID_OAUTH", "message": "missing scope"})
    desk.on("GET", "/myinfo", scope)
    with pytest.raises(errors.InvalidOAuth):
        await client.myinfo()
    desk.on("GET", "/agents/1", error("UNAUTHORIZED"))
    with pytest.raises(errors.Unauthorized):
        await client.agent("1")
    assert len(desk.requests) == 2 and tokens.invalidated == []


async def test_204_and_empty_bodies_are_empty(client: DeskClient, desk: FakeDesk) -> None:
    desk.on("GET", "/webhooks", empty(), Reply(200))
    assert await client.webhooks() == []
    assert await client.webhooks() == []
    desk.on("GET", "/ticketsCount", empty())
    assert await client.tickets_count() == 0
    desk.on("GET", "/tickets/1/blueprint", empty())
    assert await client.blueprint("1") is None


async def test_paging_past_100_dedupes_an_overlapping_server(
    client: DeskClient, desk: FakeDesk
) -> None:
    rows = [{"id": str(5000 + i), "ticketNumber": str(i)} for i in range(250)]

    async def one_based(request: web.Request) -> web.Response:
        # a list that treats `from` as 1-based: every page after the first overlaps by one
        start, limit = int(request.query["from"]), int(request.query["limit"])
        first = max(0, start - 1)
        page = rows[first : first + limit]
        return Reply(200, {"data": page}).response() if page else empty().response()

    desk.handle("GET", "/tickets", one_based)
    tickets = await client.tickets(limit=None)
    numbers = [t.ticket_number for t in tickets]
    assert numbers == [str(i) for i in range(250)]
    assert [c.query["from"] for c in desk.calls()] == ["0", "100", "200"]
    assert {c.query["limit"] for c in desk.calls()} == {"100"}


async def test_paging_collects_exactly_n_across_pages(client: DeskClient, desk: FakeDesk) -> None:
    rows = [{"id": str(i)} for i in range(300)]

    async def zero_based(request: web.Request) -> web.Response:
        start, limit = int(request.query["from"]), int(request.query["limit"])
        return Reply(200, {"data": rows[start : start + limit]}).response()

    desk.handle("GET", "/tickets/search", zero_based)
    hits = await client.search(email="*@customer.com", limit=150)
    assert [t.id for t in hits] == [str(i) for i in range(150)]
    assert [(c.query["from"], c.query["limit"]) for c in desk.calls()] == [
        ("0", "100"),
        ("100", "50"),
    ]


async def test_paging_stops_when_the_server_ignores_from(
    client: DeskClient, desk: FakeDesk
) -> None:
    desk.on("GET", "/tickets", ok({"data": [{"id": str(i)} for i in range(100)]}))
    assert len(await client.tickets(limit=None)) == 100
    assert len(desk.requests) == 2


async def test_iterators_page_lazily(client: DeskClient, desk: FakeDesk) -> None:
    desk.on("GET", "/tickets", ok({"data": [{"id": str(i)} for i in range(100)]}))
    seen = []
    async for ticket in client.iter_tickets():
        seen.append(ticket.id)
        if len(seen) == 3:
            break
    assert seen == ["0", "1", "2"] and len(desk.requests) == 1


async def test_concurrency_cap_is_respected(
    aiohttp_server, session: aiohttp.ClientSession, tokens: Tokens, clock: FrozenClock
) -> None:  # type: ignore[no-untyped-def]
    desk = FakeDesk()
    in_flight = 0
    peak = 0
    four_arrived = asyncio.Event()
    fifth_arrived = asyncio.Event()
    release = asyncio.Event()

    async def slow(request: web.Request) -> web.Response:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        if in_flight == 4:
            four_arrived.set()
        if in_flight > 4:
            fifth_arrived.set()
        await release.wait()
        in_flight -= 1
        return Reply(200, load("ticket")).response()

    desk.handle("GET", "/tickets/1", slow)
    server = await aiohttp_server(desk.app)
    client = DeskClient(session, str(server.make_url("/api/v1")), ORG_ID, tokens, clock)
    calls = [asyncio.create_task(client.ticket("1")) for _ in range(10)]
    await asyncio.wait_for(four_arrived.wait(), 5)
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(fifth_arrived.wait(), 0.1)
    release.set()
    results = await asyncio.gather(*calls)
    assert len(results) == 10 and peak == 4 and len(desk.requests) == 10


async def test_credit_headers_are_recorded(
    client: DeskClient, desk: FakeDesk, clock: FrozenClock
) -> None:
    desk.on(
        "GET",
        "/tickets",
        fixture(
            "tickets_list",
            **{"X-Rate-Limit-Request-Weight-v3": "3", "X-Rate-Limit-Remaining-v3": "49997"},
        ),
    )
    desk.on(
        "PATCH",
        "/tickets/1",
        fixture(
            "ticket",
            **{"X-Rate-Limit-Request-Weight-v3": "1", "X-Rate-Limit-Remaining-v3": "49996"},
        ),
    )
    assert client.credits.remaining is None
    await client.tickets()
    clock.advance(seconds=5)
    await client.update_ticket("1", status="Closed")
    assert client.credits.remaining == 49996
    assert client.credits.last_weight == 1
    assert client.credits.spent == 4
    assert client.credits.updated == clock.now()


async def test_no_answer_is_desk_unavailable(
    session: aiohttp.ClientSession, tokens: Tokens, clock: FrozenClock
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = DeskClient(session, f"http://127.0.0.1:{port}/api/v1", ORG_ID, tokens, clock)
    with pytest.raises(errors.DeskUnavailable) as caught:
        await client.myinfo()
    assert caught.value.status == 0


def test_encode_params() -> None:
    moment = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert encode_params(
        {
            "a": None,
            "b": True,
            "c": ["x", "y"],
            "d": [],
            "e": moment,
            "f": (moment, moment + timedelta(hours=1)),
            "g": 5,
        }
    ) == {
        "b": "true",
        "c": "x,y",
        "e": "2026-01-02T03:04:05.000Z",
        "f": "2026-01-02T03:04:05.000Z,2026-01-02T04:04:05.000Z",
        "g": "5",
    }


def test_retry_policy_delays_grow_and_stay_bounded() -> None:
    policy = RetryPolicy(retries=6, base=0.5, cap=4.0)
    rng = random.Random(1)
    for retry in range(8):
        ceiling = min(4.0, 0.5 * 2**retry)
        wait = policy.delay(retry, rng)
        assert ceiling / 2 <= wait <= ceiling


async def test_fifty_calls_on_an_expired_token_all_retry_with_the_new_one(
    client: DeskClient, desk: FakeDesk, tokens: Tokens
) -> None:
    async def only_fresh_tokens(request: web.Request) -> web.Response:
        if request.headers["Authorization"] != "Zoho-oauthtoken tok-2":
            return error("INVALID_OAUTH").response()
        return Reply(200, load("ticket")).response()

    desk.handle("GET", "/tickets/1", only_fresh_tokens)
    results = await asyncio.gather(*(client.ticket("1") for _ in range(50)))
    assert len(results) == 50
    # every call reports the same stale token; the token source minted exactly one new one
    assert set(tokens.invalidated) == {"tok-1"} and tokens.minted == 2
    assert len(desk.requests) == 100
