"""Sandbox Zoho Accounts: refresh-token and authorization-code grants, and an authorize page
whose consent is automatic. It answers errors as Zoho does: HTTP 200 with `{"error": …}`.

A refresh token can be refused for a while (`TokenRegistry.refuse`, or `POST /sandbox/faults
{"refresh_token", "error"}`), as Zoho refuses one that was revoked, pushed out by the 20 refresh
tokens per client, or sent to another data centre; `accept` (or `DELETE /sandbox/faults`) ends it."""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from bot.clock import Clock
from bot.sandbox.signer import Signer

SANDBOX_CLIENT_ID = "sandbox-client"
SANDBOX_CLIENT_SECRET = "sandbox-secret"
SANDBOX_ORG_REFRESH_TOKEN = "sandbox-org-refresh-token"


CODE_LIFETIME = timedelta(minutes=2)  # Zoho: an authorization code is valid for 2 minutes
# "Each time a re-consent page is accepted, a new refresh token is generated. The maximum limit
# is 20 refresh tokens per user. If this limit is exceeded, the first refresh token is
# automatically deleted" (zoho.com/backstage/api/v3/generate-access-and-refresh-token.html).
REFRESH_TOKENS_PER_USER = 20


@dataclass(frozen=True)
class Grant:
    """What an authorization code stands for until it is redeemed (once)."""

    identity: str
    redirect_uri: str
    offline: bool
    expires: datetime
    consented: bool = True  # the consent page was shown and accepted for this code
    scope: str = ""  # as asked for: `email`, `openid` or `profile` among them yields an ID token


class TokenRegistry:
    """Who each refresh and access token belongs to; shared by the three sandboxes."""

    def __init__(self, clock: Clock, lifetime: timedelta = timedelta(hours=1)) -> None:
        self._clock = clock
        self._lifetime = lifetime
        self.signed_in: str | None = None  # the browser's Zoho account; None: the login hint
        self._refresh: dict[str, str] = {}
        self._access: dict[str, tuple[str, datetime]] = {}
        self._codes: dict[str, Grant] = {}
        self._refused: dict[str, str] = {}
        self._consented: set[str] = set()
        self.issued = 0

    def saved(self) -> dict[str, object]:
        """What outlives a restart, as JSON: refresh tokens (agents' connections), access tokens
        still to expire, consents and refusals (codes live 2 minutes: not kept)."""
        return {
            "refresh": self._refresh,
            "access": {t: [who, when.isoformat()] for t, (who, when) in self._access.items()},
            "consented": sorted(self._consented),
            "refused": self._refused,
            "issued": self.issued,
        }

    def restore(self, saved: dict[str, Any]) -> None:
        """Take back what `saved()` returned (tokens added since start are kept too)."""
        self._refresh = {**saved.get("refresh", {}), **self._refresh}
        now = self._clock.now()
        for token, (who, when) in saved.get("access", {}).items():
            expires = datetime.fromisoformat(when)
            if expires > now:
                self._access[token] = (who, expires)
        self._consented |= set(saved.get("consented", []))
        self._refused = {**saved.get("refused", {}), **self._refused}
        self.issued += int(saved.get("issued", 0))

    def now(self) -> datetime:
        return self._clock.now()

    def add_refresh_token(self, refresh_token: str, identity: str) -> None:
        self._refresh[refresh_token] = identity
        self._consented.add(identity)
        self._cap(identity)

    def refresh_tokens_of(self, identity: str) -> list[str]:
        """The person's live refresh tokens, oldest first."""
        return [t for t, who in self._refresh.items() if who == identity]

    def _cap(self, identity: str) -> None:
        mine = self.refresh_tokens_of(identity)
        for oldest in mine[: max(0, len(mine) - REFRESH_TOKENS_PER_USER)]:
            del self._refresh[oldest]

    def consent_needed(self, identity: str, prompt: str) -> bool:
        """Zoho shows its consent page on `prompt=consent`, or when the person never consented."""
        return prompt == "consent" or identity not in self._consented

    def refuse(self, refresh_token: str, error: str = "invalid_code") -> None:
        """Refuse `refresh_token` with `error` until `accept` (a revoked or deleted token)."""
        self._refused[refresh_token] = error

    def accept(self, refresh_token: str | None = None) -> None:
        """Stop refusing `refresh_token` (every refused token when None)."""
        if refresh_token is None:
            self._refused.clear()
        else:
            self._refused.pop(refresh_token, None)

    def refusal(self, refresh_token: str) -> str | None:
        """The error this refresh token is refused with for now, if it is."""
        return self._refused.get(refresh_token)

    def issue(self, refresh_token: str) -> tuple[str, int]:
        identity = self._refresh[refresh_token]  # KeyError: unknown
        self.issued += 1
        token = f"1000.sandbox.{secrets.token_hex(12)}"
        self._access[token] = (identity, self._clock.now() + self._lifetime)
        return token, int(self._lifetime.total_seconds())

    def issue_for(self, identity: str) -> tuple[str, int]:
        """An access token for `identity` without a refresh token (an authorization code)."""
        self.issued += 1
        token = f"1000.sandbox.{secrets.token_hex(12)}"
        self._access[token] = (identity, self._clock.now() + self._lifetime)
        return token, int(self._lifetime.total_seconds())

    def identity(self, access_token: str) -> str | None:
        found = self._access.get(access_token)
        if found is None or self._clock.now() >= found[1]:
            return None
        return found[0]

    def expire_all(self) -> None:
        now = self._clock.now()
        self._access = {t: (who, now) for t, (who, _) in self._access.items()}

    def grant_code(
        self,
        identity: str,
        *,
        redirect_uri: str = "",
        offline: bool = True,
        consented: bool = True,
        scope: str = "",
    ) -> str:
        code = f"1000.code.{secrets.token_hex(8)}"
        self._codes[code] = Grant(
            identity, redirect_uri, offline, self._clock.now() + CODE_LIFETIME, consented, scope
        )
        if consented:
            self._consented.add(identity)
        return code

    def redeem_code(self, code: str, redirect_uri: str = "") -> Grant | None:
        """The code's grant, used up; None if unknown, used, expired or for another redirect."""
        grant = self._codes.pop(code, None)
        if grant is None or self._clock.now() >= grant.expires:
            return None
        if grant.redirect_uri and grant.redirect_uri != redirect_uri:
            return None
        return grant

    def new_refresh_token(self, identity: str) -> str:
        """A new refresh token; the person's oldest goes when they would hold more than 20."""
        refresh = f"1000.refresh.{secrets.token_hex(12)}"
        self._refresh[refresh] = identity
        self._cap(identity)
        return refresh


def wants_id_token(scope: str) -> bool:
    """Zoho's sign-in (OIDC) scopes: a code granted with `email`, `openid` or `profile` among
    its scopes also yields an `id_token` (zoho.com/accounts/protocol/oauth/sign-in-using-zoho.html)."""
    return bool(OIDC_SCOPES.intersection(s.strip().casefold() for s in re.split(r"[ ,]", scope)))


OIDC_SCOPES = frozenset({"email", "openid", "profile"})
ID_TOKEN_LIFETIME = timedelta(hours=1)


def id_token_claims(
    grant: Grant, *, issuer: str, client_id: str, now: datetime
) -> dict[str, object]:
    """The claims of the sandbox's ID token for `grant` (OpenID Connect Core §2): who (`sub`,
    `email`, verified), for whom (`aud` = the client), from whom (`iss` = this Accounts' URL, as
    Zoho's is `https://accounts.zoho.com`) and until when."""
    return {
        "iss": issuer,
        "sub": str(int(hashlib.sha256(grant.identity.encode()).hexdigest()[:12], 16)),
        "aud": client_id,
        "email": grant.identity,
        "email_verified": True,
        "iat": int(now.timestamp()),
        "exp": int((now + ID_TOKEN_LIFETIME).timestamp()),
    }


def create_accounts_app(
    registry: TokenRegistry, *, client_id: str, client_secret: str
) -> web.Application:
    signer: list[Signer] = []  # made on first use: an RSA key takes a while to generate

    def key() -> Signer:
        if not signer:
            signer.append(Signer("sandbox-accounts-1"))
        return signer[0]

    async def token(request: web.Request) -> web.Response:
        # Zoho takes the parameters in the query, the form body or (client) a Basic header.
        form = {**_basic_client(request), **request.query}
        if request.can_read_body:
            form.update({k: str(v) for k, v in (await request.post()).items()})
        if form.get("client_id") != client_id or form.get("client_secret") != client_secret:
            return web.json_response({"error": "invalid_client"})
        grant = form.get("grant_type")
        if grant == "refresh_token":
            refused = registry.refusal(form.get("refresh_token", ""))
            if refused is not None:
                return web.json_response({"error": refused})
            try:
                access, expires_in = registry.issue(form.get("refresh_token", ""))
            except KeyError:
                return web.json_response({"error": "invalid_code"})
            return web.json_response(_token_body(access, expires_in))
        if grant == "authorization_code":
            found = registry.redeem_code(form.get("code", ""), form.get("redirect_uri", ""))
            if found is None:
                return web.json_response({"error": "invalid_code"})
            # Only offline access through an accepted consent page yields a refresh token.
            minted = found.offline and found.consented
            refresh = registry.new_refresh_token(found.identity) if minted else None
            access, expires_in = registry.issue_for(found.identity)
            body = _token_body(access, expires_in)
            if refresh is not None:
                body["refresh_token"] = refresh
            if wants_id_token(found.scope):
                issuer = f"{request.scheme}://{request.host}"
                claims = id_token_claims(
                    found, issuer=issuer, client_id=client_id, now=registry.now()
                )
                body["id_token"] = key().token(claims)
            return web.json_response(body)
        return web.json_response({"error": "unsupported_grant_type"})

    async def authorize(request: web.Request) -> web.Response:
        query = request.query
        if query.get("client_id") != client_id or not query.get("redirect_uri"):
            return web.json_response({"error": "invalid_client"}, status=400)
        redirect_uri = query["redirect_uri"]
        if query.get("response_type", "code") != "code":
            raise web.HTTPFound(_with_query(redirect_uri, error="unsupported_response_type"))
        # Consent is automatic. The person consenting is whoever is signed in to Zoho in this
        # browser (`registry.signed_in`, set by tests), else the login hint, as if they signed
        # in: Zoho does not make the signed-in account match the hint.
        identity = registry.signed_in or query.get("login_hint") or "agent@example.com"
        code = registry.grant_code(
            identity,
            redirect_uri=redirect_uri,
            offline=query.get("access_type") == "offline",
            consented=registry.consent_needed(identity, query.get("prompt", "")),
            scope=query.get("scope", ""),
        )
        raise web.HTTPFound(_with_query(redirect_uri, code=code, state=query.get("state", "")))

    async def refuse(request: web.Request) -> web.Response:
        try:
            body = await request.json()
            refresh_token, error = (
                str(body["refresh_token"]),
                str(body.get("error", "invalid_code")),
            )
        except (ValueError, TypeError, KeyError):
            return web.json_response({"error": "give refresh_token (and error)"}, status=400)
        registry.refuse(refresh_token, error)
        return web.Response(status=204)

    async def accept(request: web.Request) -> web.Response:
        registry.accept(request.query.get("refresh_token"))
        return web.Response(status=204)

    async def keys(request: web.Request) -> web.Response:
        return web.json_response(key().jwks())

    app = web.Application()
    app.router.add_get("/oauth/v2/keys", keys)  # Zoho's jwks_uri (its OIDC discovery document)
    app.router.add_post("/sandbox/faults", refuse)
    app.router.add_delete("/sandbox/faults", accept)
    app.router.add_post("/oauth/v2/token", token)
    app.router.add_get("/oauth/v2/auth", authorize)
    return app


def _token_body(access: str, expires_in: int) -> dict[str, str | int]:
    """Zoho's token answer; `id_token` is added for sign-in scopes."""
    return {
        "access_token": access,
        "expires_in": expires_in,
        "api_domain": "https://www.zohoapis.com",
        "token_type": "Bearer",
    }


def _with_query(url: str, **params: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}{urlencode(params)}"


def _basic_client(request: web.Request) -> dict[str, str]:
    """client_id and client_secret from `Authorization: Basic …`, when the caller used one."""
    header = request.headers.get("Authorization", "")
    if not header.startswith("Basic "):
        return {}
    try:
        pair = base64.b64decode(header[6:], validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return {}
    client, _, secret = pair.partition(":")
    return {"client_id": client, "client_secret": secret}
