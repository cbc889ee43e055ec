"""`GET /oauth/connect?k=<token>` (the short Connect link, bot.store.links) sends an agent to Zoho's consent page; `GET /oauth/callback`: where Zoho Accounts sends an agent back after they connect Desk.

The signed `state` names the agent who asked in Cliq; it expires and works once. The code
becomes tokens; the Zoho account that consented (its Desk `/myinfo` e-mail) must be that agent,
or nothing is stored and the person sees a page saying why (403). Only then is the refresh token
stored, sealed. Anything else wrong is a 400 page saying what happened and what to do; nothing
is stored. Every page is in its reader's language (bot/handlers/pages.py: the agent's, once the
state names them, else the browser's); a client asking for JSON gets `{"error", "reason"}`.
"""

from __future__ import annotations

from aiohttp import web

from bot.desk.errors import DeskError
from bot.handlers.pages import link_refused, page, reader_words, refusal
from bot.i18n import Words
from bot.identity.secrets import StateError
from bot.oauth import OAuthError
from bot.parts import ACCOUNTS, AGENT_DESKS, CONNECTIONS
from bot.store.links import LinkRefused


def _not_connected(
    request: web.Request, status: int, error: str, reason: str, words: Words, why: str
) -> web.Response:
    """A refusal page: `why` nothing was connected, and how to try again."""
    return refusal(
        request,
        status,
        error,
        reason,
        words,
        words.gettext("Zoho Desk is not connected"),
        why,
        words.gettext("To connect, ask Deskbot for a new link with /deskbot connect."),
    )


def routes() -> list[web.RouteDef]:
    """The two routes; they read the app's ACCOUNTS, AGENT_DESKS and CONNECTIONS (bot.parts)."""

    async def callback(request: web.Request) -> web.StreamResponse:
        connections, agent_desks = request.app[CONNECTIONS], request.app[AGENT_DESKS]
        code, state = request.query.get("code", ""), request.query.get("state", "")
        words = await reader_words(request)
        if request.query.get("error"):
            why = words.gettext("You did not agree on Zoho's page, so nothing was connected.")
            return _not_connected(
                request, 400, "consent_refused", request.query["error"], words, why
            )
        if not code or not state:
            why = words.gettext(
                "This page opens with Zoho's answer after you agree; it came without one, so"
                " nothing was connected."
            )
            return _not_connected(
                request, 400, "bad_request", "code and state are required", words, why
            )
        try:
            email = await connections.redeem_state(state)
        except StateError as exc:
            why = words.gettext(
                "This connect link was used already, has expired, or was not made by Deskbot,"
                " so nothing was connected."
            )
            return _not_connected(request, 400, "bad_state", str(exc), words, why)
        words = await reader_words(request, email)
        try:
            body = await request.app[ACCOUNTS].redeem_code(code, connections.redirect_uri)
        except OAuthError as exc:
            why = words.gettext("Zoho did not accept the sign-in, so nothing was connected.")
            return _not_connected(request, 400, "code_refused", str(exc), words, why)
        try:
            consented = await agent_desks.email_of(str(body.get("access_token") or ""))
        except (DeskError, OAuthError) as exc:
            reason = f"Desk does not know who consented: {exc}"
            why = words.gettext("Zoho Desk could not say who signed in, so nothing was connected.")
            return _not_connected(request, 400, "no_desk_identity", reason, words, why)
        if (consented or "").casefold() != email.casefold():
            actual = consented or words.gettext("someone unknown")
            return refusal(
                request,
                403,
                "wrong_account",
                f"the link was made for {email}, but {actual} consented",
                words,
                words.gettext("Zoho Desk is not connected"),
                words.gettext(
                    "This link was made for {wanted}, but Zoho says {actual} signed in and agreed."
                    " Nothing was connected.",
                    wanted=email,
                    actual=actual,
                ),
                words.gettext(
                    "If you are {wanted}: sign out of Zoho (or use a private window), then ask"
                    " Deskbot for a new link with /deskbot connect. A connect link works only for"
                    " the person it was made for; please don't pass it on.",
                    wanted=email,
                ),
            )
        if body.get("refresh_token"):
            await connections.store(email, str(body["refresh_token"]))
        elif not await agent_desks.token_works(email):
            # Without a consent page Zoho mints no refresh token: keep the stored one.
            reason = "Zoho gave no refresh token (offline access?)"
            why = words.gettext("Zoho gave Deskbot no lasting access, so nothing was connected.")
            return _not_connected(request, 400, "no_refresh_token", reason, words, why)
        return page(
            words,
            words.gettext("Zoho Desk is connected"),
            words.gettext(
                "Zoho Desk is connected for {email}. You can close this tab and go back to Cliq.",
                email=email,
            ),
        )

    async def connect(request: web.Request) -> web.StreamResponse:
        connections = request.app[CONNECTIONS]
        try:
            email = await connections.agent_for_link(request.query.get("k", ""))
        except LinkRefused as exc:
            words = await reader_words(request, exc.owner)
            return _not_connected(
                request, 400, "bad_link", exc.reason, words, link_refused(words, exc)
            )
        # Re-consent only without a working refresh token (each consent mints one more).
        target = connections.consent_url(
            connections.state_for(email),
            consent=not await request.app[AGENT_DESKS].token_works(email),
        )
        raise web.HTTPFound(target)

    return [web.get("/oauth/callback", callback), web.get("/oauth/connect", connect)]
