"""The sandbox Accounts: the connect flow's codes, client credentials, and token lifetimes."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from urllib.parse import parse_qs, urlsplit

import aiohttp
import pytest

from bot.clock import FrozenClock
from bot.oauth import OAuthError, request_token, token_url
from bot.sandbox.accounts import TokenRegistry, create_accounts_app

CLIENT, SECRET, CALLBACK = "cid", "csecret", "http://127.0.0.1:1/oauth/callback"


@pytest.fixture
def registry(clock: FrozenClock) -> TokenRegistry:
    registry = TokenRegistry(clock)
    registry.add_refresh_token("1000.r", "admin@example.com")
    return registry


@pytest.fixture
async def base(aiohttp_server, registry: TokenRegistry) -> str:  # type: ignore[no-untyped-def]
    app = create_accounts_app(registry, client_id=CLIENT, client_secret=SECRET)
    return str((await aiohttp_server(app)).make_url(""))


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def consent(session: aiohttp.ClientSession, base: str, **extra: str) -> dict[str, str]:
    params = {
        "response_type": "code",
        "client_id": CLIENT,
        "scope": "Desk.tickets.READ",
        "redirect_uri": CALLBACK,
        "access_type": "offline",
        "state": "st",
        "login_hint": "agent@example.com",
        **extra,
    }
    async with session.get(f"{base}/oauth/v2/auth", params=params, allow_redirects=False) as r:
        assert r.status == 302
        location = r.headers["Location"]
    assert location.startswith(CALLBACK + "?")
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def basic(user: str, password: str) -> dict[str, str]:
    pair = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {pair}"}


def code_form(code: str, redirect_uri: str = CALLBACK) -> dict[str, str]:
    return {
        "grant_type": "authorization_code",
        "client_id": CLIENT,
        "client_secret": SECRET,
        "redirect_uri": redirect_uri,
        "code": code,
    }


async def test_offline_consent_gives_a_refresh_token_for_the_hinted_person(
    session, base, registry
) -> None:  # type: ignore[no-untyped-def]
    answer = await consent(session, base)
    assert answer["state"] == "st"
    body = await request_token(session, token_url(base), code_form(answer["code"]))
    assert registry.identity(body["access_token"]) == "agent@example.com"
    assert registry.issue(body["refresh_token"])[1] == 3600  # the refresh token works


async def test_online_consent_gives_no_refresh_token(session, base) -> None:  # type: ignore[no-untyped-def]
    answer = await consent(session, base, access_type="online")
    body = await request_token(session, token_url(base), code_form(answer["code"]))
    assert "access_token" in body and "refresh_token" not in body


async def test_a_code_is_bound_to_its_redirect_and_lives_two_minutes(session, base, clock) -> None:  # type: ignore[no-untyped-def]
    answer = await consent(session, base)
    with pytest.raises(OAuthError, match="invalid_code"):
        await request_token(session, token_url(base), code_form(answer["code"], "http://evil/cb"))
    late = await consent(session, base)
    clock.advance(minutes=2)
    with pytest.raises(OAuthError, match="invalid_code"):
        await request_token(session, token_url(base), code_form(late["code"]))


async def test_only_the_code_response_type(session, base) -> None:  # type: ignore[no-untyped-def]
    assert await consent(session, base, response_type="token") == {
        "error": "unsupported_response_type"
    }


async def test_client_credentials_in_a_basic_header(session, base, registry) -> None:  # type: ignore[no-untyped-def]
    form = {"grant_type": "refresh_token", "refresh_token": "1000.r"}
    async with session.post(token_url(base), data=form, headers=basic(CLIENT, SECRET)) as response:
        body = await response.json()
    assert registry.identity(body["access_token"]) == "admin@example.com"
    async with session.post(token_url(base), data=form, headers=basic(CLIENT, "wrong")) as response:
        assert (response.status, await response.json()) == (200, {"error": "invalid_client"})


async def test_access_tokens_expire_by_the_clock_and_on_demand(registry, clock) -> None:  # type: ignore[no-untyped-def]
    first, lifetime = registry.issue("1000.r")
    assert lifetime == 3600 and registry.identity(first) == "admin@example.com"
    clock.advance(minutes=59, seconds=59)
    assert registry.identity(first) == "admin@example.com"
    clock.advance(seconds=1)
    assert registry.identity(first) is None
    second, _ = registry.issue("1000.r")
    registry.expire_all()
    assert registry.identity(second) is None and registry.identity("never issued") is None
    with pytest.raises(KeyError):
        registry.issue("1000.unknown")
