"""Typed platform errors, chosen by errcode and never by parsing errmsg.

Messages carry the api path and the code only: a whole platform response can hold
personal data and must not end up in a log line or an exception string.
"""

from __future__ import annotations


class PlatformError(Exception):
    """The platform answered with a non-zero code."""

    def __init__(self, errcode: int, errmsg: str = "", path: str = ""):
        self.errcode = errcode
        self.errmsg = errmsg
        self.path = path
        super().__init__(f"platform error {errcode} on {path or 'unknown api'}")


class TokenExpired(PlatformError):
    """40001 / 40014 / 42001: the access token was refused; refresh once and resend once."""


class InvalidCode(PlatformError):
    """40029: the OAuth code is unknown, expired or already used (codes are single use)."""


class PlatformRateLimited(PlatformError):
    """45009 / 45033: frequency or concurrency limit; back off, never hammer."""


class PlatformBusy(PlatformError):
    """-1: the platform is busy; retry a few times with jittered backoff."""


class PlatformGatewayError(PlatformError):
    """The gateway refused the call (envelope `code != 0`) before the platform service ran."""


class NotAMember(PlatformError):
    """The login code belongs to someone outside the organisation (openid, no userid)."""


class PlatformUnavailable(Exception):
    """The platform could not be reached or kept failing (timeout, refused, 5xx, busy)."""

    def __init__(self, reason: str, path: str = "", *, retryable: bool = True):
        self.reason = reason
        self.path = path
        self.retryable = retryable
        super().__init__(f"platform unavailable on {path or 'unknown api'}: {reason}")


ERRORS_BY_CODE: dict[int, type[PlatformError]] = {
    -1: PlatformBusy,
    40001: TokenExpired,
    40014: TokenExpired,
    42001: TokenExpired,
    40029: InvalidCode,
    45009: PlatformRateLimited,
    45033: PlatformRateLimited,
}


def error_for(errcode: int, errmsg: str = "", path: str = "") -> PlatformError:
    """Build the typed error for a non-zero platform code."""
    return ERRORS_BY_CODE.get(errcode, PlatformError)(errcode, errmsg, path)
