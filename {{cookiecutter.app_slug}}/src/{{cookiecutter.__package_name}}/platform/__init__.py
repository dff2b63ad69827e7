"""The one door to 一网协同: nothing outside this package builds platform URLs or reads errcode."""

from .errors import (
    InvalidCode,
    PlatformBusy,
    PlatformError,
    PlatformRateLimited,
    PlatformUnavailable,
    TokenExpired,
)

__all__ = [
    "InvalidCode",
    "PlatformBusy",
    "PlatformError",
    "PlatformRateLimited",
    "PlatformUnavailable",
    "TokenExpired",
]
