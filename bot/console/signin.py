"""Sign in using Zoho (OIDC) for the web console: who the person is comes from Zoho Accounts.

The console sends the browser to Accounts' authorize page with `scope=email` (Zoho: "The
request must include the parameter scope=email",
https://www.zoho.com/accounts/protocol/oauth/sign-in-using-zoho.html), gets a code back at
`<public_url>/console/callback`, exchanges it (`Accounts.redeem_code`) and reads the person's
e-mail from the `id_token` in that answer. The ID token is checked as OpenID Connect Core
§3.1.3.7 says: RS256 with a key from Accounts' JWKS (`/oauth/v2/keys`, Zoho's `jwks_uri`) picked
by `kid`, `iss` = the Accounts URL, `aud` = our client id, `exp` not passed (on the injected
clock); `email_verified: false` is refused. Desk, not Accounts, then decides the person's role.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import jwt

from bot.clock import Clock
from bot.desk.webhook_jwt import JwksCache, JWTError
from bot.i18n import N_, Words
from bot.oauth import Accounts, OAuthError

SCOPE = "email"
LEEWAY = timedelta(minutes=2)  # clock skew allowed between Accounts and us


class SignInRefused(Exception):
    """Accounts did not say who signed in, in a way we can trust. `message` is an English msgid
    (marked with N_) with `{name}` placeholders filled from `values`: `text(words)` in the
    viewer's language is fit to show; `str()` is the English, for the log."""

    def __init__(self, message: str, /, **values: object) -> None:
        super().__init__(message.format(**values))
        self.message, self.values = message, values

    def text(self, words: Words) -> str:
        return words.lookup(self.message).format(**self.values)


@dataclass
class ZohoSignIn:
    """Zoho Accounts at `accounts_url` (the data centre's, or the sandbox's) for the console's
    sign-in; `redirect_uri` is `<public_url>/console/callback`, registered with the client."""

    accounts: Accounts
    keys: JwksCache
    accounts_url: str
    redirect_uri: str
    clock: Clock

    def authorize_url(self, state: str, login_hint: str = "") -> str:
        """Accounts' authorize page for a sign-in whose `state` is ours. `login_hint` pre-fills
        who signs in (the sandbox Accounts signs that seeded person in without a click)."""
        query = {
            "response_type": "code",
            "client_id": self.accounts.client_id,
            "scope": SCOPE,
            "redirect_uri": self.redirect_uri,
            "access_type": "online",  # the console keeps no Zoho token
            "state": state,
        }
        if login_hint:
            query["login_hint"] = login_hint
        return f"{self.accounts_url}/oauth/v2/auth?{urlencode(query)}"

    async def email_of(self, code: str) -> str:
        """The e-mail of the person who signed in and got `code`; SignInRefused otherwise."""
        try:
            body = await self.accounts.redeem_code(code, self.redirect_uri)
        except OAuthError as error:
            raise SignInRefused(N_("Zoho refused the sign-in: {error}"), error=error) from error
        token = body.get("id_token")
        if not isinstance(token, str) or not token:
            raise SignInRefused(N_("Zoho did not say who signed in (no ID token)."))
        claims = await self._verified(token)
        email = claims.get("email")
        if not isinstance(email, str) or "@" not in email:
            raise SignInRefused(N_("Zoho's ID token names no e-mail."))
        if claims.get("email_verified") is False:
            raise SignInRefused(N_("{email} is not verified with Zoho yet."), email=email)
        return email.strip()

    async def _verified(self, token: str) -> dict[str, Any]:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as error:
            raise SignInRefused(N_("Zoho's ID token is malformed.")) from error
        if header.get("alg") != "RS256":
            raise SignInRefused(
                N_("Zoho's ID token is not signed with {algorithm}."), algorithm="RS256"
            )
        try:
            key = await self.keys.key(header.get("kid"))
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=["RS256"],
                audience=self.accounts.client_id,
                issuer=self.accounts_url,
                options={"verify_exp": False, "verify_iat": False, "require": ["exp"]},
            )
        except (JWTError, jwt.PyJWTError) as error:
            raise SignInRefused(
                N_("Zoho's ID token does not check out: {error}"), error=error
            ) from error
        expires = claims.get("exp")
        if not isinstance(expires, int | float) or isinstance(expires, bool):
            raise SignInRefused(N_("Zoho's ID token has no expiry."))
        if datetime.fromtimestamp(expires, UTC) + LEEWAY < self.clock.now():
            raise SignInRefused(N_("Zoho's ID token has expired: sign in again."))
        return claims
