"""Rate limits on the endpoints an attacker would hammer: login and JS-SDK signatures.

Login (/auth/…) is limited per client address: it is reached before any session
exists. Signatures are limited per session, falling back to the address, so that a
whole office behind one NAT address is not throttled as one user. The counters live
in memory per process, or in Redis when REDIS_URL is set (shared by every worker).
Every other request skips the limiter at once: resolving which limits apply costs more
than a whole bare Flask request, on every API call (`make bench`).
"""

from __future__ import annotations

import hashlib

from flask import Flask, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from ..api.jssdk import bp as jssdk_bp
from ..auth.sessions import SESSION_COOKIE, cookie_name
from ..auth.views import bp as auth_bp

LOGIN_LIMIT = "30 per minute"
SIGNATURE_LIMIT = "60 per minute"


def session_or_address() -> str:
    token = request.cookies.get(cookie_name(SESSION_COOKIE))
    if token:
        return "session:" + hashlib.sha256(token.encode()).hexdigest()[:32]
    return "address:" + get_remote_address()


def init_app(app: Flask) -> Limiter:
    settings = app.config["SETTINGS"]
    limiter = Limiter(
        get_remote_address,
        app=app,
        storage_uri=settings.redis_url or "memory://",
        headers_enabled=True,
        # A broken Redis must not take the login down: count in memory meanwhile.
        in_memory_fallback_enabled=True,
        swallow_errors=True,
        key_prefix="ratelimit",
    )
    limited = frozenset({auth_bp.name, jssdk_bp.name})

    @limiter.request_filter
    def unlimited() -> bool:
        return request.blueprint not in limited

    limiter.limit(LOGIN_LIMIT)(auth_bp)
    limiter.limit(SIGNATURE_LIMIT, key_func=session_or_address)(jssdk_bp)
    app.extensions["rate_limiter"] = limiter
    return limiter
