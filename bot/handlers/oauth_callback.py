"""`GET /oauth/connect?k=<token>` (the short Connect link, bot.store.links) sends an agent to Zoho's consent page; `GET /oauth/callback`: where Zoho Accounts sends an agent back after they connect Desk.

The signed `state` names the agent who asked in Cliq; it expires and works once. The code
becomes tokens; the Zoho account that consented (its Desk `/myinfo` e-mail) must be that agent,
or nothing is stored and the person sees a page saying why (403). Only then is the refresh token
stored, sealed. Anything else wrong is a 400 JSON answer with the reason; nothing is stored.
"""

from __future__ import annotations

import html

from aiohttp import web

from bot.desk.errors import DeskError
from bot.handlers.errors import json_error
from bot.identity.secrets import StateError
from bot.oauth import OAuthError
from bot.parts import ACCOUNTS, AGENT_DESKS, CONNECTIONS
from bot.store.links import LinkRefused

PAGE = """<!doctype html><meta charset="utf-8"><title>Deskbot</title>
<p>Zoho Desk is connected for {email}. You can close this tab and go back to Cliq.</p>"""

WRONG_ACCOUNT = """<!doctype html><meta charset="utf-8"><title>Deskbot: not connected</title>
<h1>Not connected</h1>
<p>This link was made for <b>{wanted}</b>, but Zoho says <b>{actual}</b> signed in and agreed.
Nothing was connected.</p>
<p>If you are {wanted}: sign out of Zoho (or use a private window), then ask Deskbot for a new
link with <code>/deskbot connect</code>. A connect link works only for the person it was made
for; please don't pass it on.</p>"""


def routes() -> list[web.RouteDef]:
    """The two routes; they read the app's ACCOUNTS, AGENT_DESKS and CONNECTIONS (bot.parts)."""

    async def callback(request: web.Request) -> web.StreamResponse:
        connections, agent_desks = request.app[CONNECTIONS], request.app[AGENT_DESKS]
        code, state = request.query.get("code", ""), request.query.get("state", "")
        if request.query.get("error"):
            return json_error(400, "consent_refused", request.query["error"])
        if not code or not state:
            return json_error(400, "bad_request", "code and state are required")
        try:
            email = await connections.redeem_state(state)
        except StateError as exc:
            return json_error(400, "bad_state", str(exc))
        try:
            body = await request.app[ACCOUNTS].redeem_code(code, connections.redirect_uri)
        except OAuthError as exc:
            return json_error(400, "code_refused", str(exc))
        try:
            consented = await agent_desks.email_of(str(body.get("access_token") or ""))
        except (DeskError, OAuthError) as exc:
            return json_error(400, "no_desk_identity", f"Desk does not know who consented: {exc}")
        if (consented or "").casefold() != email.casefold():
            page = WRONG_ACCOUNT.format(
                wanted=html.escape(email), actual=html.escape(consented or "someone unknown")
            )
            return web.Response(status=403, text=page, content_type="text/html")
        if body.get("refresh_token"):
            await connections.store(email, str(body["refresh_token"]))
        elif not await agent_desks.token_works(email):
            # Without a consent page Zoho mints no refresh token: keep the stored one.
            return json_error(
                400, "no_refresh_token", "Zoho gave no refresh token (offline access?)"
            )
        return web.Response(text=PAGE.format(email=html.escape(email)), content_type="text/html")

    async def connect(request: web.Request) -> web.StreamResponse:
        connections = request.app[CONNECTIONS]
        try:
            email = await connections.agent_for_link(request.query.get("k", ""))
        except LinkRefused as exc:
            return json_error(400, "bad_link", exc.reason)
        # Re-consent only without a working refresh token (each consent mints one more).
        target = connections.consent_url(
            connections.state_for(email),
            consent=not await request.app[AGENT_DESKS].token_works(email),
        )
        raise web.HTTPFound(target)

    return [web.get("/oauth/callback", callback), web.get("/oauth/connect", connect)]
