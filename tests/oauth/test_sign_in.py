"""Sign in using Zoho (OIDC) for the console: the sandbox Accounts gives an RS256 ID token for
a sign-in scope, with keys at `/oauth/v2/keys`; the console (bot.console.signin) believes an ID
token only when its signature, issuer, audience and expiry check out."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import aiohttp
import jwt
import pytest

from bot.clock import FrozenClock
from bot.console.signin import SignInRefused, ZohoSignIn
from bot.desk.webhook_jwt import JwksCache
from bot.oauth import Accounts
from bot.sandbox.accounts import TokenRegistry, create_accounts_app
from bot.sandbox.signer import Signer

CLIENT, SECRET, CALLBACK = "cid", "csecret", "http://127.0.0.1:1/console/callback"


@pytest.fixture
async def base(aiohttp_server, clock: FrozenClock) -> str:  # type: ignore[no-untyped-def]
    app = create_accounts_app(TokenRegistry(clock), client_id=CLIENT, client_secret=SECRET)
    return str((await aiohttp_server(app)).make_url("")).rstrip("/")


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


def sign_in(session: aiohttp.ClientSession, base: str, clock: FrozenClock) -> ZohoSignIn:
    accounts = Accounts(session, base, client_id=CLIENT, client_secret=SECRET, clock=clock)
    return ZohoSignIn(accounts, JwksCache(session, f"{base}/oauth/v2/keys", clock), base,
                      CALLBACK, clock)  # fmt: skip


async def code_for(session: aiohttp.ClientSession, url: str) -> str:
    async with session.get(url, allow_redirects=False) as answer:
        assert answer.status == 302
        return parse_qs(urlsplit(answer.headers["Location"]).query)["code"][0]


async def test_the_login_hint_signs_that_person_in(session, base, clock) -> None:  # type: ignore[no-untyped-def]
    zoho = sign_in(session, base, clock)
    for email in ("admin@example.com", "light@example.com", "stranger@elsewhere.example"):
        code = await code_for(session, zoho.authorize_url("st", email))
        assert await zoho.email_of(code) == email


async def test_an_id_token_comes_only_with_a_sign_in_scope(session, base) -> None:  # type: ignore[no-untyped-def]
    async def token_answer(scope: str) -> dict[str, object]:
        query = {"response_type": "code", "client_id": CLIENT, "scope": scope,
                 "redirect_uri": CALLBACK, "login_hint": "agent@example.com"}  # fmt: skip
        url = f"{base}/oauth/v2/auth?" + "&".join(f"{k}={v}" for k, v in query.items())
        code = await code_for(session, url)
        form = {"grant_type": "authorization_code", "client_id": CLIENT, "client_secret": SECRET,
                "code": code, "redirect_uri": CALLBACK}  # fmt: skip
        async with session.post(f"{base}/oauth/v2/token", data=form) as answer:
            body: dict[str, object] = await answer.json()
            return body

    assert "id_token" not in await token_answer("Desk.tickets.READ")
    for scope in ("email", "openid", "profile", "Desk.basic.READ,email", "openid email"):
        body = await token_answer(scope)
        token = str(body["id_token"])
        async with session.get(f"{base}/oauth/v2/keys") as keys:
            jwks = await keys.json()
        key = jwt.PyJWK(jwks["keys"][0]).key
        claims = jwt.decode(
            token,
            key,
            algorithms=["RS256"],
            audience=CLIENT,
            issuer=base,
            options={"verify_exp": False, "verify_iat": False},  # the frozen clock's time
        )
        assert claims["email"] == "agent@example.com" and claims["email_verified"] is True


KEYS = Signer("k1")  # Accounts' key in the tests below, published by `keys_server`


@pytest.fixture
async def keys_url(aiohttp_server) -> str:  # type: ignore[no-untyped-def]
    from aiohttp import web

    async def keys(request: web.Request) -> web.Response:
        return web.json_response(KEYS.jwks())

    app = web.Application()
    app.router.add_get("/oauth/v2/keys", keys)
    return str((await aiohttp_server(app)).make_url("/oauth/v2/keys"))


ISSUER = "https://accounts.zoho.com"


def claims(clock: FrozenClock, **change: object) -> dict[str, object]:
    now = int(clock.now().timestamp())
    good: dict[str, object] = {"iss": ISSUER, "sub": "1", "aud": CLIENT,
                               "email": "agent@example.com", "email_verified": True,
                               "iat": now, "exp": now + 3600}  # fmt: skip
    return {k: v for k, v in {**good, **change}.items() if v is not None}


def other_key_token(values: dict[str, object]) -> str:
    return Signer("k1").token(values)  # same kid, another key


def unsigned(values: dict[str, object]) -> str:
    return jwt.encode(values, None, algorithm="none")


def hmac_signed(values: dict[str, object]) -> str:
    return jwt.encode(values, "x" * 32, algorithm="HS256", headers={"kid": "k1"})


@pytest.mark.parametrize(
    ("token", "why"),
    [
        (lambda c: KEYS.token(claims(c, aud="another-client")), "does not check out"),
        (
            lambda c: KEYS.token(claims(c, iss="https://accounts.evil.example")),
            "does not check out",
        ),
        (lambda c: KEYS.token(claims(c, exp=int(c.now().timestamp()) - 600)), "has expired"),
        (lambda c: KEYS.token(claims(c, exp=None)), "does not check out"),
        (lambda c: KEYS.token(claims(c, email=None)), "names no e-mail"),
        (lambda c: KEYS.token(claims(c, email="not-an-email")), "names no e-mail"),
        (lambda c: KEYS.token(claims(c, email_verified=False)), "not verified"),
        (lambda c: other_key_token(claims(c)), "does not check out"),
        (lambda c: unsigned(claims(c)), "not signed with RS256"),
        (lambda c: hmac_signed(claims(c)), "not signed with RS256"),
        (lambda c: "not.a.jwt", "malformed"),
        (lambda c: "", "no ID token"),
    ],
)
async def test_an_id_token_that_does_not_check_out_signs_nobody_in(  # type: ignore[no-untyped-def]
    session, keys_url: str, clock: FrozenClock, token, why: str
) -> None:
    accounts = Accounts(session, ISSUER, client_id=CLIENT, client_secret=SECRET, clock=clock)
    zoho = ZohoSignIn(accounts, JwksCache(session, keys_url, clock), ISSUER, CALLBACK, clock)
    minted = token(clock)

    async def answer(code: str, redirect_uri: str) -> dict[str, object]:
        return {"access_token": "x", "id_token": minted}

    zoho.accounts.redeem_code = answer  # type: ignore[method-assign]
    with pytest.raises(SignInRefused, match=why):
        await zoho.email_of("code")
    # the same token, with the claims as they should be, passes: the test can fail
    zoho.accounts.redeem_code = lambda code, uri: _good(clock)  # type: ignore[method-assign]
    assert await zoho.email_of("code") == "agent@example.com"


async def _good(clock: FrozenClock) -> dict[str, object]:
    return {"access_token": "x", "id_token": KEYS.token(claims(clock))}


async def test_an_expired_token_is_judged_on_the_injected_clock(  # type: ignore[no-untyped-def]
    session, keys_url: str, clock: FrozenClock
) -> None:
    accounts = Accounts(session, ISSUER, client_id=CLIENT, client_secret=SECRET, clock=clock)
    zoho = ZohoSignIn(accounts, JwksCache(session, keys_url, clock), ISSUER, CALLBACK, clock)
    zoho.accounts.redeem_code = lambda code, uri: _good(clock)  # type: ignore[method-assign]
    assert await zoho.email_of("c") == "agent@example.com"
    clock.advance(seconds=3600 + timedelta(minutes=2).total_seconds() + 1)
    zoho.accounts.redeem_code = lambda code, uri: _good(FrozenClock("2026-03-02T01:00:00+00:00"))  # type: ignore[method-assign]
    with pytest.raises(SignInRefused, match="expired"):
        await zoho.email_of("c")
