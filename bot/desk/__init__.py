"""Zoho Desk wire: the REST client, the typed models and the webhook JWT check.

Imports nothing of Cliq. Models: `bot.desk.models`; client: `bot.desk.client.DeskClient`;
errors: `bot.desk.errors`; data centres: `bot.desk.hosts`; webhooks: `bot.desk.webhook_jwt`.
"""

from __future__ import annotations

from bot.desk.client import UNSET, DeskClient
from bot.desk.errors import DeskError, ThresholdExceeded, TooManyRequests
from bot.desk.hosts import DeskHosts, hosts_for, jwks_url_for
from bot.desk.transport import Credits, RetryPolicy, TokenSource
from bot.desk.webhook_jwt import JwksCache, JWTError, WebhookVerifier

__all__ = [
    "UNSET",
    "Credits",
    "DeskClient",
    "DeskError",
    "DeskHosts",
    "JWTError",
    "JwksCache",
    "RetryPolicy",
    "ThresholdExceeded",
    "TokenSource",
    "TooManyRequests",
    "WebhookVerifier",
    "hosts_for",
    "jwks_url_for",
]
