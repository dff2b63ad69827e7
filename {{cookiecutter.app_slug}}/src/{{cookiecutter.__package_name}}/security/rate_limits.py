"""Rate limits keyed by what they protect, never a per-address cap an office would share.

A government office reaches the app from one egress address. A per-address login limit
(30 a minute, once) refused 12 of 25 colleagues logging in at 9:00, and an
X-Forwarded-For header from anywhere walked around it. So each limit counts what it
protects:

- Logins: the pending login states they create (the server-side OAuth `state`,
  auth/views.py `admit_pending_login`). Live states are capped in total
  (LOGIN_PENDING_MAX) and per client address (LOGIN_PENDING_PER_ADDRESS, a building's
  worth of logins in progress at once). A login that completes frees its state at once,
  so a whole building logs in within a minute; a flood of abandoned logins stops at the
  caps. Each state is single use, so guessing codes or states costs one state per
  guess and stays within the same caps. The callback and logout need no limit of their own.
- JS-SDK signatures: per session (SIGNATURE_LIMIT), falling back to the address only
  for a request without a session (which the view then refuses).
- Writes (POST, PUT, PATCH, DELETE) of a logged-in user: per user
  (USER_WRITES_PER_MINUTE), whichever feature they go to.

The client address is the peer's, or X-Forwarded-For only from a configured proxy
(security/proxies.py). Counters live in memory per process, or in Redis when REDIS_URL is
set (shared by every worker). Reads skip the limiter at once: resolving which limits
apply costs more than a whole bare Flask request, on every API call (`make bench`).
"""

from __future__ import annotations

import hashlib

from flask import Flask, request
from flask_limiter import ApplicationLimit, Limiter
from flask_limiter.util import get_remote_address

from ..api.jssdk import bp as jssdk_bp
from ..auth.sessions import SAFE_METHODS, SESSION_COOKIE, cookie_name, current_user

SIGNATURE_LIMIT = "60 per minute"
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


def session_or_address() -> str:
    token = request.cookies.get(cookie_name(SESSION_COOKIE))
    if token:
        return "session:" + hashlib.sha256(token.encode()).hexdigest()[:32]
    return "address:" + get_remote_address()


def writer() -> str:
    user = current_user()
    return f"user:{user.userid}" if user else ""


def anonymous() -> bool:
    """Writes without a session are refused by the views themselves (401, 403)."""
    return current_user() is None


def init_app(app: Flask) -> Limiter:
    settings = app.config["SETTINGS"]
    writes = ApplicationLimit(f"{settings.user_writes_per_minute} per minute",
                              key_function=writer, scope="writes", methods=WRITE_METHODS,
                              exempt_when=anonymous)
    limiter = Limiter(
        get_remote_address,
        app=app,
        storage_uri=settings.redis_url or "memory://",
        application_limits=[writes],
        headers_enabled=True,
        # A broken Redis must not take the app down: count in memory meanwhile.
        in_memory_fallback_enabled=True,
        swallow_errors=True,
        key_prefix="ratelimit",
    )

    @limiter.request_filter
    def unlimited() -> bool:
        return request.method in SAFE_METHODS and request.blueprint != jssdk_bp.name

    limiter.limit(SIGNATURE_LIMIT, key_func=session_or_address)(jssdk_bp)
    app.extensions["rate_limiter"] = limiter
    return limiter
