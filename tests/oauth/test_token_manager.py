"""The token manager against the sandbox Accounts, over loopback HTTP."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from bot.clock import FrozenClock
from bot.oauth import (
    CredentialsRefused,
    OAuthError,
    RefreshLimitError,
    TokenManager,
    request_token,
    token_url,
)
from bot.sandbox.accounts import TokenRegistry, create_accounts_app

CLIENT, SECRET, REFRESH = "cid", "csecret", "1000.refresh"


@pytest.fixture
def registry(clock: FrozenClock) -> TokenRegistry:
    registry = TokenRegistry(clock)
    registry.add_refresh_token(REFRESH, "admin@example.com")
    return registry


@pytest.fixture
async def base(aiohttp_server, registry: TokenRegistry) -> str:  # type: ignore[no-untyped-def]
    server = await aiohttp_server(
        create_accounts_app(registry, client_id=CLIENT, client_secret=SECRET)
    )
    return str(server.make_url(""))


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


def manager(session, base: str, clock, refresh: str = REFRESH, secret: str = SECRET):  # type: ignore[no-untyped-def]
    return TokenManager(
        session,
        token_url=token_url(base),
        client_id=CLIENT,
        client_secret=secret,
        refresh_token=refresh,
        clock=clock,
    )


async def test_cached_until_shortly_before_expiry(session, base, clock, registry) -> None:  # type: ignore[no-untyped-def]
    tokens = manager(session, base, clock)
    first = await tokens.token()
    assert registry.identity(first) == "admin@example.com"
    clock.advance(minutes=54)
    assert await tokens.token() == first
    clock.advance(minutes=2)  # inside the 5-minute margin
    second = await tokens.token()
    assert second != first and tokens.refreshes == 2


async def test_fifty_concurrent_calls_cause_one_refresh(session, base, clock) -> None:  # type: ignore[no-untyped-def]
    tokens = manager(session, base, clock)
    got = await asyncio.gather(*(tokens.token() for _ in range(50)))
    assert len(set(got)) == 1 and tokens.refreshes == 1


async def test_invalidate_forgets_only_the_current_token(session, base, clock) -> None:  # type: ignore[no-untyped-def]
    tokens = manager(session, base, clock)
    old = await tokens.token()
    await tokens.invalidate("some older token")
    assert await tokens.token() == old
    await tokens.invalidate(old)
    assert await tokens.token() != old and tokens.refreshes == 2


async def test_never_more_than_ten_refreshes_in_ten_minutes(session, base, clock) -> None:  # type: ignore[no-untyped-def]
    tokens = manager(session, base, clock)
    for _ in range(10):
        await tokens.invalidate(await tokens.token())
        clock.advance(seconds=30)
    with pytest.raises(RefreshLimitError) as caught:
        await tokens.token()
    assert caught.value.retry_after == 300  # the first refresh leaves the window in 5 minutes
    clock.advance(minutes=6)  # the oldest refreshes leave the window
    assert await tokens.token()
    assert tokens.refreshes == 11


@pytest.mark.parametrize(
    ("refresh", "secret", "code"),
    [
        ("1000.unknown", SECRET, "invalid_code"),
        (REFRESH, "wrong", "invalid_client"),
    ],
)
async def test_http_200_errors_are_errors(session, base, clock, refresh, secret, code) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(OAuthError) as caught:
        await manager(session, base, clock, refresh=refresh, secret=secret).token()
    assert caught.value.code == code


async def test_non_json_and_unreachable_token_endpoints(aiohttp_server, session, clock) -> None:  # type: ignore[no-untyped-def]
    async def gateway(request: web.Request) -> web.Response:
        return web.Response(status=502, text="bad gateway")

    app = web.Application()
    app.router.add_post("/oauth/v2/token", gateway)
    server = await aiohttp_server(app)
    with pytest.raises(OAuthError, match="not JSON"):
        await manager(session, str(server.make_url("")), clock).token()
    with pytest.raises(OAuthError, match="unreachable"):
        await manager(session, "http://127.0.0.1:9", clock).token()


async def test_authorization_code_flow(session, base, registry, clock) -> None:  # type: ignore[no-untyped-def]
    async with session.get(
        f"{base}/oauth/v2/auth",
        params={
            "client_id": CLIENT,
            "redirect_uri": "http://127.0.0.1:1/cb",
            "state": "s1",
            "login_hint": "agent@example.com",
        },
        allow_redirects=False,
    ) as response:
        assert response.status == 302
        location = response.headers["Location"]
    assert location.startswith("http://127.0.0.1:1/cb?") and "state=s1" in location
    code = location.split("code=")[1].split("&")[0]
    form = {
        "grant_type": "authorization_code",
        "client_id": CLIENT,
        "client_secret": SECRET,
        "code": code,
        "redirect_uri": "http://127.0.0.1:1/cb",
    }
    body = await request_token(session, token_url(base), form)
    assert registry.identity(body["access_token"]) == "agent@example.com"
    with pytest.raises(OAuthError, match="invalid_code"):
        await request_token(session, token_url(base), form)  # a code works once


FIXTURES = Path(__file__).parent.parent / "fixtures" / "cliq"


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / f"{name}.json").read_text())


async def counting_endpoint(aiohttp_server, answer: Any) -> tuple[str, list[dict[str, str]]]:  # type: ignore[no-untyped-def]
    """A stand-in token endpoint that always gives `answer` (HTTP 200) and records the forms."""
    seen: list[dict[str, str]] = []

    async def token(request: web.Request) -> web.Response:
        seen.append({k: str(v) for k, v in (await request.post()).items()})
        await asyncio.sleep(0)  # let the other callers pile up behind this refresh
        return web.json_response(answer)

    app = web.Application()
    app.router.add_post("/oauth/v2/token", token)
    server = await aiohttp_server(app)
    return str(server.make_url("")), seen


async def test_a_zoho_shaped_token_response_is_used_as_documented(
    aiohttp_server, session, clock
) -> None:  # type: ignore[no-untyped-def]
    base, seen = await counting_endpoint(aiohttp_server, fixture("token_response"))
    tokens = manager(session, base, clock)
    assert await tokens.token() == fixture("token_response")["access_token"]
    assert seen == [
        {
            "grant_type": "refresh_token",
            "client_id": CLIENT,
            "client_secret": SECRET,
            "refresh_token": REFRESH,
        }
    ]
    clock.advance(minutes=54)  # expires_in 3600 less the 5-minute margin: still cached
    await tokens.token()
    assert len(seen) == 1


async def test_the_sandbox_token_answer_has_the_documented_keys(session, base) -> None:  # type: ignore[no-untyped-def]
    form = {
        "grant_type": "refresh_token",
        "client_id": CLIENT,
        "client_secret": SECRET,
        "refresh_token": REFRESH,
    }
    async with session.post(token_url(base), params=form) as response:  # query form, as Zoho allows
        assert response.status == 200
        body = await response.json()
    expected = fixture("token_response")
    assert set(body) == set(expected)
    assert body["token_type"] == expected["token_type"]
    assert body["expires_in"] == expected["expires_in"]
    async with session.post(token_url(base), data={**form, "refresh_token": "nope"}) as response:
        assert response.status == 200  # Zoho's quirk: an error with HTTP 200
        assert await response.json() == fixture("token_error")


async def test_a_failed_refresh_is_shared_not_repeated_by_every_waiter(
    aiohttp_server, session, clock
) -> None:  # type: ignore[no-untyped-def]
    base, seen = await counting_endpoint(aiohttp_server, fixture("token_error"))
    tokens = manager(session, base, clock)
    results = await asyncio.gather(*(tokens.token() for _ in range(50)), return_exceptions=True)
    assert len(seen) == 1
    assert all(isinstance(r, OAuthError) and r.code == "invalid_code" for r in results)
    assert tokens.refreshes == 0


async def test_a_caller_giving_up_does_not_cancel_the_shared_refresh(session, base, clock) -> None:  # type: ignore[no-untyped-def]
    tokens = manager(session, base, clock)
    impatient = asyncio.ensure_future(tokens.token())
    patient = asyncio.ensure_future(tokens.token())
    await asyncio.sleep(0)
    impatient.cancel()
    assert await patient
    assert tokens.refreshes == 1


async def test_a_token_shorter_lived_than_the_margin_is_still_cached(
    aiohttp_server, session, clock
) -> None:  # type: ignore[no-untyped-def]
    base, seen = await counting_endpoint(
        aiohttp_server, {**fixture("token_response"), "expires_in": 120}
    )
    tokens = manager(session, base, clock)
    await tokens.token()
    clock.advance(seconds=59)
    await tokens.token()
    assert len(seen) == 1
    clock.advance(seconds=1)  # half its life gone: refresh
    await tokens.token()
    assert len(seen) == 2


async def test_a_refused_token_is_a_known_state_that_recovers(
    session, base, clock, registry
) -> None:  # type: ignore[no-untyped-def]
    """Issue 17: Accounts refusing our own refresh token is `CredentialsRefused`, naming what to
    renew; Accounts is asked again at most once a minute; it recovers by itself."""
    tokens = TokenManager(
        session,
        token_url=token_url(base),
        client_id=CLIENT,
        client_secret=SECRET,
        refresh_token=REFRESH,
        clock=clock,
        variable="DESKBOT_DESK_REFRESH_TOKEN",
    )
    assert tokens.status() == {"state": "unknown"}
    registry.refuse(REFRESH)
    with pytest.raises(CredentialsRefused) as caught:
        await tokens.token()
    assert caught.value.code == "invalid_code"
    assert caught.value.renew == "DESKBOT_DESK_REFRESH_TOKEN"
    first = caught.value
    for _ in range(20):  # inside the minute: answered from the refusal, Accounts not asked
        with pytest.raises(CredentialsRefused) as again:
            await tokens.token()
        assert again.value is first
    assert tokens.status()["state"] == "refused"
    registry.accept()
    with pytest.raises(CredentialsRefused):
        await tokens.token()  # still inside the minute
    clock.advance(seconds=61)
    assert registry.identity(await tokens.token()) == "admin@example.com"
    assert tokens.status() == {"state": "ok"}
    for _ in range(9):  # refusals minted nothing, so they did not use up the 10 per 10 minutes
        await tokens.invalidate(await tokens.token())


async def test_accounts_throttling_is_not_a_refusal(session, clock) -> None:  # type: ignore[no-untyped-def]
    async def throttled(request: web.Request) -> web.Response:
        return web.json_response(
            {"error": "Access Denied", "error_description": "You have made too many requests"}
        )

    app = web.Application()
    app.router.add_post("/oauth/v2/token", throttled)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        tokens = manager(session, f"http://127.0.0.1:{port}", clock)
        with pytest.raises(OAuthError) as caught:
            await tokens.token()
        assert not isinstance(caught.value, CredentialsRefused)
        assert tokens.status() == {"state": "unknown"}
    finally:
        await runner.cleanup()


async def test_the_sandbox_refuses_a_refresh_token_until_told_otherwise(
    session, base, registry
) -> None:  # type: ignore[no-untyped-def]
    form = {
        "grant_type": "refresh_token",
        "client_id": CLIENT,
        "client_secret": SECRET,
        "refresh_token": REFRESH,
    }
    async with session.post(f"{base}/sandbox/faults", json={"refresh_token": REFRESH}) as got:
        assert got.status == 204
    with pytest.raises(OAuthError) as caught:
        await request_token(session, token_url(base), form)
    assert caught.value.code == "invalid_code"
    async with session.delete(f"{base}/sandbox/faults") as got:
        assert got.status == 204
    assert "access_token" in await request_token(session, token_url(base), form)


async def test_a_refusal_raised_for_days_does_not_grow(session, base, clock, registry) -> None:  # type: ignore[no-untyped-def]
    """The same refusal is raised to every caller until the next ask: its traceback must not
    collect every frame it was ever raised through (issue 10: bounded memory)."""
    import tracemalloc

    tokens = manager(session, base, clock)
    registry.refuse(REFRESH)
    with pytest.raises(CredentialsRefused):
        await tokens.token()
    tracemalloc.start()
    try:
        for _ in range(5000):
            with pytest.raises(CredentialsRefused):
                await tokens.token()
        assert tracemalloc.get_traced_memory()[0] < 200_000
    finally:
        tracemalloc.stop()
