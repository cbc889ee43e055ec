"""`X-ZDesk-JWT` verification against a JWKS served on loopback."""

from __future__ import annotations

import asyncio
import base64
import json
from datetime import timedelta
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from bot.clock import FrozenClock
from bot.desk import webhook_jwt as jwt
from bot.desk.hosts import jwks_url_for

ORG = "700000001"
HOOK = "1166045000006000001"
KEY_A = rsa.generate_private_key(public_exponent=65537, key_size=2048)
KEY_B = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64json(value: Any) -> str:
    return b64(json.dumps(value).encode())


def jwk(kid: str, key: rsa.RSAPrivateKey) -> dict[str, str]:
    numbers = key.public_key().public_numbers()
    size = (numbers.n.bit_length() + 7) // 8
    return {
        "kty": "RSA",
        "kid": kid,
        "use": "sig",
        "alg": "RS256",
        "n": b64(numbers.n.to_bytes(size, "big")),
        "e": b64(numbers.e.to_bytes(3, "big")),
    }


def sign(
    clock: FrozenClock,
    *,
    key: rsa.RSAPrivateKey = KEY_A,
    kid: str | None = "k1",
    alg: str = "RS256",
    **claims: Any,
) -> str:
    iat = int(clock.now().timestamp())
    body = {"iss": f"orgId:{ORG}", "aud": f"webhookId:{HOOK}", "iat": iat, "exp": iat + 300}
    body.update(claims)
    header = {"alg": alg, "typ": "JWT"} | ({"kid": kid} if kid is not None else {})
    signing_input = f"{b64json(header)}.{b64json({k: v for k, v in body.items() if v is not None})}"
    signature = key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
    return f"{signing_input}.{b64(signature)}"


class Jwks:
    """A Desk host's `/.well-known/jwks.json` whose keys the test can rotate."""

    def __init__(self) -> None:
        self.keys = [jwk("k1", KEY_A)]
        self.status = 200
        self.hits = 0
        self.app = web.Application()
        self.app.router.add_get("/.well-known/jwks.json", self.serve)

    async def serve(self, request: web.Request) -> web.Response:
        self.hits += 1
        if self.status != 200:
            return web.Response(status=self.status)
        return web.json_response({"keys": self.keys})


@pytest.fixture
def jwks() -> Jwks:
    return Jwks()


@pytest.fixture
async def verifier(aiohttp_server, jwks: Jwks, clock: FrozenClock):  # type: ignore[no-untyped-def]
    server = await aiohttp_server(jwks.app)
    async with aiohttp.ClientSession() as session:
        cache = jwt.JwksCache(session, jwks_url_for(str(server.make_url("/api/v1"))), clock)
        yield jwt.WebhookVerifier(cache, ORG, {HOOK}, clock)


async def test_a_valid_token(verifier: jwt.WebhookVerifier, clock: FrozenClock) -> None:
    claims = await verifier.verify(sign(clock))
    assert claims.webhook_id == HOOK and claims.org_id == ORG and claims.kid == "k1"
    assert claims.expires_at == clock.now() + timedelta(seconds=300)


async def test_keys_are_cached(
    verifier: jwt.WebhookVerifier, jwks: Jwks, clock: FrozenClock
) -> None:
    for _ in range(5):
        await verifier.verify(sign(clock))
    assert jwks.hits == 1


async def test_bad_signature(verifier: jwt.WebhookVerifier, clock: FrozenClock) -> None:
    forged = sign(clock, key=KEY_B)  # claims kid k1 but signed with another key
    with pytest.raises(jwt.BadSignature):
        await verifier.verify(forged)
    header, _, signature = sign(clock).split(".")
    tampered = f"{header}.{b64json({'iss': f'orgId:{ORG}', 'aud': f'webhookId:{HOOK}', 'exp': 9e9})}.{signature}"
    with pytest.raises(jwt.BadSignature):
        await verifier.verify(tampered)


async def test_wrong_issuer(verifier: jwt.WebhookVerifier, clock: FrozenClock) -> None:
    with pytest.raises(jwt.WrongIssuer):
        await verifier.verify(sign(clock, iss="orgId:999"))
    with pytest.raises(jwt.WrongIssuer):
        await verifier.verify(sign(clock, iss=None))


async def test_wrong_audience_and_known_set(
    verifier: jwt.WebhookVerifier, clock: FrozenClock
) -> None:
    with pytest.raises(jwt.WrongAudience):
        await verifier.verify(sign(clock, aud="webhookId:42"))
    with pytest.raises(jwt.WrongAudience):
        await verifier.verify(sign(clock, aud=HOOK))  # missing the webhookId: prefix
    assert (await verifier.verify(sign(clock, aud=["x", f"webhookId:{HOOK}"]))).webhook_id == HOOK
    verifier.allow("42")
    assert (await verifier.verify(sign(clock, aud="webhookId:42"))).webhook_id == "42"


async def test_expiry_with_leeway(verifier: jwt.WebhookVerifier, clock: FrozenClock) -> None:
    token = sign(clock)
    clock.advance(seconds=300 + 60)
    assert (await verifier.verify(token)).webhook_id == HOOK
    clock.advance(seconds=1)
    with pytest.raises(jwt.Expired):
        await verifier.verify(token)


async def test_a_token_without_exp_lives_its_window_from_iat(
    verifier: jwt.WebhookVerifier, clock: FrozenClock
) -> None:
    """zoho-audit.md §1.11: `exp` is optional; then `iat` and the 5-minute window decide."""
    token = sign(clock, exp=None)
    claims = await verifier.verify(token)
    assert claims.expires_at == clock.now() + timedelta(minutes=5)
    clock.advance(minutes=6)  # window + leeway
    assert await verifier.verify(token)
    clock.advance(seconds=1)
    with pytest.raises(jwt.Expired):
        await verifier.verify(token)
    with pytest.raises(jwt.Expired, match="neither"):
        await verifier.verify(sign(clock, exp=None, iat=None))


@pytest.mark.parametrize("claim", ["exp", "iat"])
@pytest.mark.parametrize("value", ["soon", 10**400 // 10**380, 1e300, [], True])
async def test_time_claims_that_are_not_times(
    verifier: jwt.WebhookVerifier, clock: FrozenClock, claim: str, value: object
) -> None:
    with pytest.raises(jwt.JWTError):
        await verifier.verify(sign(clock, **{claim: value}))


@pytest.mark.parametrize("prefix", ["Bearer ", "bearer ", "  Bearer  "])
async def test_a_bearer_prefix_is_accepted(
    verifier: jwt.WebhookVerifier, clock: FrozenClock, prefix: str
) -> None:
    assert (await verifier.verify(prefix + sign(clock))).webhook_id == HOOK


async def test_token_id_names_the_signed_part(
    verifier: jwt.WebhookVerifier, clock: FrozenClock
) -> None:
    token = sign(clock)
    first = await verifier.verify(token)
    assert first.token_id == (await verifier.verify("Bearer " + token)).token_id
    assert first.token_id != (await verifier.verify(sign(clock, jti="other"))).token_id


async def test_issued_in_the_future(verifier: jwt.WebhookVerifier, clock: FrozenClock) -> None:
    now = int(clock.now().timestamp())
    assert await verifier.verify(sign(clock, iat=now + 60, exp=now + 360))
    with pytest.raises(jwt.NotYetValid):
        await verifier.verify(sign(clock, iat=now + 61, exp=now + 400))


async def test_millisecond_times_are_accepted(
    verifier: jwt.WebhookVerifier, clock: FrozenClock
) -> None:
    ms = int(clock.now().timestamp() * 1000)
    claims = await verifier.verify(sign(clock, iat=ms, exp=ms + 300_000))
    assert claims.expires_at == clock.now() + timedelta(seconds=300)


async def test_unknown_kid_refetches_once_then_is_rate_limited(
    verifier: jwt.WebhookVerifier, jwks: Jwks, clock: FrozenClock
) -> None:
    await verifier.verify(sign(clock))
    jwks.keys = [jwk("k1", KEY_A), jwk("k2", KEY_B)]  # Desk rotates in a new key
    clock.advance(minutes=1)
    assert (await verifier.verify(sign(clock, key=KEY_B, kid="k2"))).kid == "k2"
    assert jwks.hits == 2
    # a kid Desk never published: one refetch is allowed per minute, not one per request
    clock.advance(minutes=1)
    for _ in range(3):
        with pytest.raises(jwt.UnknownKey):
            await verifier.verify(sign(clock, key=KEY_B, kid="nope"))
    assert jwks.hits == 3
    clock.advance(minutes=1)
    with pytest.raises(jwt.UnknownKey):
        await verifier.verify(sign(clock, key=KEY_B, kid="nope"))
    assert jwks.hits == 4


async def test_concurrent_unknown_kids_share_one_fetch(
    verifier: jwt.WebhookVerifier, jwks: Jwks, clock: FrozenClock
) -> None:
    jwks.keys = [jwk("k2", KEY_B)]
    token = sign(clock, key=KEY_B, kid="k2")
    results = await asyncio.gather(*(verifier.verify(token) for _ in range(20)))
    assert len(results) == 20 and jwks.hits == 1


async def test_keys_are_refetched_when_old(
    verifier: jwt.WebhookVerifier, jwks: Jwks, clock: FrozenClock
) -> None:
    await verifier.verify(sign(clock))
    clock.advance(hours=12)
    await verifier.verify(sign(clock))
    assert jwks.hits == 2


async def test_jwks_down(verifier: jwt.WebhookVerifier, jwks: Jwks, clock: FrozenClock) -> None:
    jwks.status = 503
    with pytest.raises(jwt.KeysUnavailable):
        await verifier.verify(sign(clock))
    # once keys are cached, a failing refetch keeps them
    jwks.status = 200
    clock.advance(minutes=1)
    await verifier.verify(sign(clock))
    jwks.status = 503
    clock.advance(minutes=1)
    with pytest.raises(jwt.UnknownKey):
        await verifier.verify(sign(clock, key=KEY_B, kid="k9"))
    assert (await verifier.verify(sign(clock))).kid == "k1"


@pytest.mark.parametrize("alg", ["none", "HS256", "RS512"])
async def test_other_algorithms_are_refused(
    verifier: jwt.WebhookVerifier, clock: FrozenClock, alg: str
) -> None:
    with pytest.raises(jwt.UnsupportedAlgorithm):
        await verifier.verify(sign(clock, alg=alg))


@pytest.mark.parametrize(
    "token",
    [
        "",
        "a.b",
        "a.b.c.d",
        "!!!.e30.sig",
        f"{b64(b'[1]')}.e30.sig",
        f"{b64(b'nope')}.e30.sig",
        "Bearer",
        "é.é.é",
        "\ud800.a.b",
    ],
)
async def test_malformed_tokens(verifier: jwt.WebhookVerifier, token: str) -> None:
    with pytest.raises(jwt.MalformedToken):
        await verifier.verify(token)


async def test_a_single_key_serves_a_token_without_kid(
    verifier: jwt.WebhookVerifier, clock: FrozenClock
) -> None:
    assert (await verifier.verify(sign(clock, kid=None))).kid is None


def test_errors_share_a_base() -> None:
    for name in ("MalformedToken", "BadSignature", "WrongIssuer", "WrongAudience", "Expired"):
        assert issubclass(getattr(jwt, name), jwt.JWTError)


def test_parse_jwks_skips_what_it_cannot_use() -> None:
    keys = jwt.parse_jwks(
        {
            "keys": [
                jwk("good", KEY_A),
                {"kty": "EC", "kid": "ec"},
                {"kty": "RSA", "kid": "enc", "use": "enc", "n": "AQAB", "e": "AQAB"},
                {"kty": "RSA", "kid": "broken"},
            ]
        }
    )
    assert list(keys) == ["good"]
    assert jwt.parse_jwks({"nothing": 1}) == {} and jwt.parse_jwks([]) == {}
