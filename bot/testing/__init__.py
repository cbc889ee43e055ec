"""The test kit: signed requests, conversations with a bot, a frozen clock, and the sandbox Cliq.

Bots built on the framework test the way deskbot does: build the real app, send signed envelopes
over HTTP (by default exactly as the bot's Deluge shims send them), and assert on the answers.
What a bot posts through the REST client (`CliqClient`) goes to `cliq_sandbox`, the sandbox
Cliq and Accounts on loopback, held to Zoho's documents; `sandbox.cliq` holds what was posted.
"""

from bot.clock import FrozenClock
from bot.sandbox.cliq_only import CliqOnlySandbox, cliq_sandbox
from bot.testing.conversation import Answer, Conversation, talking_to
from bot.testing.signing import SignedRequests, envelope

__all__ = [
    "Answer",
    "CliqOnlySandbox",
    "Conversation",
    "FrozenClock",
    "SignedRequests",
    "cliq_sandbox",
    "envelope",
    "talking_to",
]
