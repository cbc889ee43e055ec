"""`GET /oauth/connect` sends an agent to Zoho's consent page; `GET /oauth/callback`: where Zoho Accounts sends an agent back after they connect Desk.

The signed `state` names the agent (and expires), the code becomes their refresh token, which
is stored sealed. Anything wrong is a 400 JSON answer with the reason; nothing is stored.
"""

from __future__ import annotations

from collections.abc import Callable

from aiohttp import web

from bot.handlers.errors import json_error
from bot.identity.secrets import StateError
from bot.oauth import OAuthError, request_token, token_url
from bot.services import Services

PAGE = """<!doctype html><meta charset="utf-8"><title>Deskbot</title>
<p>Zoho Desk is connected for {email}. You can close this tab and go back to Cliq.</p>"""


def routes(services: Callable[[], Services]) -> list[web.RouteDef]:
    async def callback(request: web.Request) -> web.StreamResponse:
        svc = services()
        code, state = request.query.get("code", ""), request.query.get("state", "")
        if request.query.get("error"):
            return json_error(400, "consent_refused", request.query["error"])
        if not code or not state:
            return json_error(400, "bad_request", "code and state are required")
        try:
            email = svc.connections.email_for_state(state)
        except StateError as exc:
            return json_error(400, "bad_state", str(exc))
        form = {
            "grant_type": "authorization_code",
            "client_id": svc.config.client_id,
            "client_secret": svc.config.client_secret(),
            "redirect_uri": svc.connections.redirect_uri,
            "code": code,
        }
        try:
            body = await request_token(svc.accounts_http, token_url(svc.accounts_url), form)
        except OAuthError as exc:
            return json_error(400, "code_refused", str(exc))
        if body.get("refresh_token"):
            await svc.connections.store(email, str(body["refresh_token"]))
        elif not await svc.agent_token_works(email):
            # Without a consent page Zoho mints no refresh token: keep the stored one.
            return json_error(
                400, "no_refresh_token", "Zoho gave no refresh token (offline access?)"
            )
        return web.Response(text=PAGE.format(email=email), content_type="text/html")

    async def connect(request: web.Request) -> web.StreamResponse:
        svc = services()
        state = request.query.get("state", "")
        try:
            email = svc.connections.email_for_state(state)
            # Re-consent only without a working refresh token (each consent mints one more).
            target = svc.connections.consent_url(
                state, consent=not await svc.agent_token_works(email)
            )
        except StateError as exc:
            return json_error(400, "bad_state", str(exc))
        raise web.HTTPFound(target)

    return [web.get("/oauth/callback", callback), web.get("/oauth/connect", connect)]
