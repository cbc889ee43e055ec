"""The Cliq REST client's errors, by what the caller should do about them.

    CliqError                  Cliq said no, or could not be asked
    ├── CliqRejected           permanent: the request is wrong, or not allowed
    ├── CliqRateLimited        throttled: try again after `retry_after` seconds
    └── CliqUnavailable        5xx or unreachable: try again later
        ├── CliqCredentialsRefused   our own Cliq token was refused (`renew` says what)
        └── CliqAmbiguous            the answer was lost: check before posting again

Cliq's `{code, message}` error bodies are described in reference/cliq.md §5.
"""

from __future__ import annotations


class CliqError(Exception):
    """Cliq said no, or could not be asked; `code` and `message` are Cliq's own when it sent them
    (`status` 0 means no HTTP answer from Cliq: unreachable, or no token to send)."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"Cliq {status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message


class CliqRejected(CliqError):
    """Permanent: the request itself is wrong (or we may not do it). Retrying will not help."""


class CliqRateLimited(CliqError):
    """Throttled (429, 400 `request_limit_exceeded`, or our own token refresh limit) beyond what
    this client waits out; `retry_after` is how many seconds until trying again makes sense."""

    def __init__(self, status: int, code: str, message: str, retry_after: float) -> None:
        """`retry_after` in seconds (≥ 0)."""
        super().__init__(status, code, message)
        self.retry_after = retry_after


class CliqUnavailable(CliqError):
    """Cliq answered 5xx or could not be reached."""


class CliqCredentialsRefused(CliqUnavailable):
    """Zoho Accounts refused our own Cliq credentials, so nothing was sent. Transient for a
    durable caller (posts wait for the token to work again, they are not dead letters);
    `renew` names what an admin must renew (e.g. `DESKBOT_CLIQ_REFRESH_TOKEN`)."""

    def __init__(self, code: str, message: str, renew: str) -> None:
        """`code` is Zoho Accounts' error (e.g. `invalid_code`), `renew` what to renew."""
        super().__init__(0, code, message)
        self.renew = renew


class CliqAmbiguous(CliqUnavailable):
    """A post whose answer was lost: Cliq may or may not have taken it (504, or the connection
    failed after the request was sent). Not retried here: posting again blindly could show it
    twice, so the caller checks first (the outbox sender asks the chat's recent messages)."""


__all__ = [
    "CliqAmbiguous",
    "CliqCredentialsRefused",
    "CliqError",
    "CliqRateLimited",
    "CliqRejected",
    "CliqUnavailable",
]
