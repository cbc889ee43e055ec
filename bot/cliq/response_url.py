"""Late answers: a listener that overran its deadline answers through the call's `response_url`."""

from __future__ import annotations

import aiohttp

from bot.cliq.envelope import Envelope


async def post_to_response_url(
    session: aiohttp.ClientSession, envelope: Envelope, output: bytes
) -> None:
    """`output` is the JSON the call would have answered with (`Bot.dispatch`'s result)."""
    if not envelope.response_url:
        raise LookupError("the call had no response_url")
    headers = {"Content-Type": "application/json"}
    async with session.post(envelope.response_url, data=output, headers=headers) as response:
        response.raise_for_status()
