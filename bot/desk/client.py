"""The Desk client: one method per Desk call Deskbot makes, with the paths and parameters of
reference/desk.md §3, answering typed models. One client per acting identity (the org's token
for notifications and digests, each agent's own token for actions from cards).

The calls live in three small mixins by kind (reads, counts, writes); `Transport` does the
HTTP rules (headers, concurrency cap, retries, credits, paging).
"""

from __future__ import annotations

import asyncio
import random

import aiohttp

from bot.clock import Clock
from bot.desk.calls_count import CountCalls
from bot.desk.calls_write import UNSET, WriteCalls
from bot.desk.conversation import MailReplyAddress
from bot.desk.people import Agent
from bot.desk.transport import Credits, RetryPolicy, Sleep, TokenSource, Transport

__all__ = ["UNSET", "DeskClient"]


class DeskClient(CountCalls, WriteCalls):
    """Desk API v1 for one identity on one portal."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        base_url: str,
        org_id: str,
        tokens: TokenSource,
        clock: Clock,
        concurrency: int = 4,
        sleep: Sleep = asyncio.sleep,
        rng: random.Random | None = None,
        *,
        retry: RetryPolicy | None = None,
        gate: asyncio.Semaphore | None = None,
    ) -> None:
        """`gate`: the portal's concurrency cap, shared by every client of the same portal
        (the org's and each agent's); without it this client caps itself at `concurrency`."""
        self.http = Transport(
            session,
            base_url,
            org_id,
            tokens,
            clock,
            concurrency=concurrency,
            sleep=sleep,
            rng=rng,
            retry=retry,
            gate=gate,
        )
        self._me: Agent | None = None
        self._reply_addresses: dict[str, MailReplyAddress] = {}

    @property
    def credits(self) -> Credits:
        """The latest credit headers (`remaining`, `last_weight`) and the credits spent."""
        return self.http.credits
