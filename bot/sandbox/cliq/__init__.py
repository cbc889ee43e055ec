"""Sandbox Cliq: the v2 posting API Deskbot uses (channels by unique name, bot messages, chats,
channel listing and creation, adding the bot to a channel, a chat's recent messages), held to
the rules of Zoho's published documents (`spec.py`), recording every message (DESIGN §6).

Where the documents leave live behaviour open, a switch (`Switches`) lets both answers happen,
defaulting to the stricter one; `CliqSandbox.fail` injects outages and lost answers.
"""

from bot.sandbox.cliq.app import WHO, create_cliq_app
from bot.sandbox.cliq.state import FAULT_KINDS, Chat, CliqSandbox, Fault, Switches

__all__ = ["FAULT_KINDS", "WHO", "Chat", "CliqSandbox", "Fault", "Switches", "create_cliq_app"]
