"""The test kit: signed requests, conversations with a bot, and a frozen clock.

Bots built on the framework test the way deskbot does: build the real app, send signed envelopes
over HTTP (by default exactly as the bot's Deluge shims send them), and assert on the answers.
"""

from bot.clock import FrozenClock
from bot.testing.conversation import Answer, Conversation
from bot.testing.signing import SignedRequests, envelope

__all__ = ["Answer", "Conversation", "FrozenClock", "SignedRequests", "envelope"]
