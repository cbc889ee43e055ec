"""Late answers: a listener that overran its deadline answers through the call's `response_url`."""

from __future__ import annotations

from typing import Any

import aiohttp

from bot.cliq.envelope import Envelope


async def post_to_response_url(
    session: aiohttp.ClientSession, envelope: Envelope, output: Any
) -> None:
    if not envelope.response_url:
        raise LookupError("the call had no response_url")
    async with session.post(envelope.response_url, json=output) as response:
        response.raise_for_status()
