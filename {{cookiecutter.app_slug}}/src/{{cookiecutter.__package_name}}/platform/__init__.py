"""The one door to 一网协同: nothing outside this package builds platform URLs or reads errcode.

`init_app(app)` builds one `PlatformClient` per app into `app.extensions["ywxt"]`;
`get_client()` returns it for the current app.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

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
from .token_store import (
    FileTokenStore,
    MemoryTokenStore,
{%- if cookiecutter.cache == "redis" %}
    RedisTokenStore,
{%- endif %}
    TokenStore,
)

# In the instance folder, beside the embedded database; it holds credentials (mode 0600).
CACHE_FILE_NAME = "ywxt-tokens.json"


def build_token_store(app: Flask) -> TokenStore:
    """The store every worker shares: Redis when configured, else a file in the instance folder."""
{%- if cookiecutter.cache == "redis" %}
    settings = app.config["SETTINGS"]
    if settings.redis_url:
        from .. import redis_store

        if "redis" not in app.extensions:
            redis_store.init_app(app)
        return RedisTokenStore(app.extensions["redis"])
{%- endif %}
    return FileTokenStore(Path(app.instance_path) / CACHE_FILE_NAME)


def init_app(app: Flask, *, on_event: Callable[[CallEvent], None] | None = None) -> None:
    """Build the app's platform client; nothing is fetched until the first call.

    `on_event` receives every call's key-operation event (DB31DSJ/Z 003 §6.2.4 e).
    """
    app.extensions["ywxt"] = PlatformClient(app.config["SETTINGS"],
                                            token_store=build_token_store(app),
                                            on_event=on_event)


def get_client() -> PlatformClient:
    """The platform client of the current app."""
    return current_app.extensions["ywxt"]


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
{%- if cookiecutter.cache == "redis" %}
    "RedisTokenStore",
{%- endif %}
    "RetryPolicy",
    "TokenExpired",
    "TokenStore",
    "build_token_store",
    "get_client",
    "init_app",
]
