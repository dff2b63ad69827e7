"""The one door to 一网协同: nothing outside this package builds platform URLs or reads errcode.

`init_app(app)` builds one `PlatformClient` per app into `app.extensions["ywxt"]`, on the
token store the app's cache bound (`app.extensions["token_store"]`); `get_client()`
returns the client for the current app.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, current_app

from .client import (
    DEFAULT_PATHS,
    DEFAULT_RETRY,
    CallEvent,
    Identity,
    MessageResult,
    PlatformClient,
    RetryPolicy,
    UntrustedLinkError,
)
from .contract import ContractError
from .errors import (
    InvalidCode,
    NotAMember,
    PlatformBusy,
    PlatformError,
    PlatformGatewayError,
    PlatformRateLimited,
    PlatformUnavailable,
    TokenExpired,
)
from .file_token_store import FileTokenStore
from .token_store import MemoryTokenStore, TokenStore


def init_app(app: Flask, *, on_event: Callable[[CallEvent], None] | None = None) -> None:
    """Build the app's platform client; nothing is fetched until the first call.

    The token store is the one every worker shares, bound by the app's cache first
    (`bind_cache` in create_app). `on_event` receives every call's key-operation event
    (DB31DSJ/Z 003 §6.2.4 e).
    """
    app.extensions["ywxt"] = PlatformClient(app.config["SETTINGS"],
                                            token_store=app.extensions["token_store"],
                                            on_event=on_event)


def get_client() -> PlatformClient:
    """The platform client of the current app."""
    client: PlatformClient = current_app.extensions["ywxt"]
    return client


__all__ = [
    "DEFAULT_PATHS",
    "DEFAULT_RETRY",
    "CallEvent",
    "ContractError",
    "FileTokenStore",
    "Identity",
    "MessageResult",
    "UntrustedLinkError",
    "InvalidCode",
    "MemoryTokenStore",
    "NotAMember",
    "PlatformBusy",
    "PlatformClient",
    "PlatformError",
    "PlatformGatewayError",
    "PlatformRateLimited",
    "PlatformUnavailable",
    "RetryPolicy",
    "TokenExpired",
    "TokenStore",
    "get_client",
    "init_app",
]
