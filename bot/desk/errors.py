"""Desk's errors as exceptions, chosen by `errorCode` first and HTTP status second (desk.md §4.3).

Callers branch on the class: `ThresholdExceeded` (the portal's daily credits are gone: stop
until `retry_after`) is not `TooManyRequests` (too many calls in flight: back off briefly).
"""

from __future__ import annotations

from typing import Any


class DeskError(Exception):
    """Any failed Desk call: HTTP `status` (0 when no response), Desk's `code` and `message`."""

    def __init__(
        self,
        message: str,
        *,
        status: int = 0,
        code: str | None = None,
        body: dict[str, Any] | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.body = body or {}
        self.retry_after = retry_after

    def __str__(self) -> str:
        code = f" {self.code}" if self.code else ""
        return f"Desk {self.status}{code}: {self.message}"

    @property
    def retryable(self) -> bool:
        """Worth repeating the same request after a pause."""
        return False


class DeskUnavailable(DeskError):
    """No HTTP answer at all (connection refused, reset, timeout)."""


class TokenRefused(DeskUnavailable):
    """Zoho Accounts refused the refresh token this client acts with, so nothing reached Desk.

    `renew` names what an admin must renew (e.g. `DESKBOT_DESK_REFRESH_TOKEN`); it is empty for
    an agent's own connection (they connect again). Transient for callers: it ends by itself
    once the token is accepted again."""

    def __init__(self, message: str, *, code: str, renew: str) -> None:
        super().__init__(message, code=code)
        self.renew = renew


class NoReplyAddress(DeskError):
    """sendReply needs a from-address configured for the ticket's department, and none is."""


class BadRequest(DeskError):
    """400: malformed request (`BAD_REQUEST`, `EMPTY_PAYLOAD`)."""


class Unauthorized(DeskError):
    """401: no token or an unusable one."""


class InvalidOAuth(Unauthorized):
    """`INVALID_OAUTH`: the token is invalid or expired (on 401: refresh and retry once)."""


class Forbidden(DeskError):
    """403: the agent, scope, org or edition does not allow this."""


NoPermission = Forbidden


class ScopeMismatch(Forbidden):
    """`SCOPE_MISMATCH`: the token lacks the OAuth scope this call needs."""


class OrgMismatch(Forbidden):
    """`OAUTH_ORG_MISMATCH`: the token belongs to another portal than the `orgId` header."""


class LicenseLimited(Forbidden):
    """`LICENSE_ACCESS_LIMITED`: the portal's edition does not include this."""


class NotFound(DeskError):
    """404 `URL_NOT_FOUND`: unknown path or id."""


class MethodNotAllowed(DeskError):
    """405: e.g. PUT on a ticket (Desk updates with PATCH)."""


class PayloadTooLarge(DeskError):
    """413 `RESOURCE_SIZE_EXCEEDED`."""


class InvalidData(DeskError):
    """422: validation failed (`INVALID_DATA`, `UNPROCESSABLE_ENTITY`, extra query params)."""

    @property
    def errors(self) -> list[dict[str, Any]]:
        """Per-field details: `[{"fieldName": "/assigneeId", "errorType": …}]`."""
        found = self.body.get("errors")
        return found if isinstance(found, list) else []


class RateLimited(DeskError):
    """429, either kind."""


class ThresholdExceeded(RateLimited):
    """429 `THRESHOLD_EXCEEDED`: the portal's API credits for the day are spent."""


class TooManyRequests(RateLimited):
    """429 `TOO_MANY_REQUESTS`: too many calls in flight for the portal; retried with backoff."""

    @property
    def retryable(self) -> bool:
        return True


class ServerError(DeskError):
    """5xx: Desk failed; retried with backoff."""

    @property
    def retryable(self) -> bool:
        return True


_BY_CODE: dict[str, type[DeskError]] = {
    "BAD_REQUEST": BadRequest,
    "EMPTY_PAYLOAD": BadRequest,
    "UNAUTHORIZED": Unauthorized,
    "INVALID_OAUTH": InvalidOAuth,
    "FORBIDDEN": Forbidden,
    "SCOPE_MISMATCH": ScopeMismatch,
    "OAUTH_ORG_MISMATCH": OrgMismatch,
    "LICENSE_ACCESS_LIMITED": LicenseLimited,
    "ONLY_LIVECHAT_USER": Forbidden,
    "URL_NOT_FOUND": NotFound,
    "METHOD_NOT_ALLOWED": MethodNotAllowed,
    "RESOURCE_SIZE_EXCEEDED": PayloadTooLarge,
    "INVALID_DATA": InvalidData,
    "UNPROCESSABLE_ENTITY": InvalidData,
    "DUPLICATE_CONTRACT": InvalidData,
    "INTEGRATION_ADMIN_ERROR": InvalidData,
    "THRESHOLD_EXCEEDED": ThresholdExceeded,
    "TOO_MANY_REQUESTS": TooManyRequests,
    "INTERNAL_SERVER_ERROR": ServerError,
}

_BY_STATUS: dict[int, type[DeskError]] = {
    400: BadRequest,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    405: MethodNotAllowed,
    413: PayloadTooLarge,
    422: InvalidData,
    429: TooManyRequests,
}


def error_for(status: int, body: Any, retry_after: float | None = None) -> DeskError:
    """The exception for a non-2xx answer; `body` is the decoded JSON (or None/other)."""
    fields = body if isinstance(body, dict) else {}
    code = fields.get("errorCode")
    code = code if isinstance(code, str) and code else None
    message = fields.get("message")
    if not isinstance(message, str) or not message:
        message = f"HTTP {status}"
    if status >= 500:
        cls: type[DeskError] = ServerError
    elif code in _BY_CODE:
        cls = _BY_CODE[code]
    else:
        cls = _BY_STATUS.get(status, DeskError)
    return cls(message, status=status, code=code, body=fields, retry_after=retry_after)
