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
set (shared by every worker). Reads skip the limiter entirely: its three hooks (check,
headers, context) resolved on every GET that no limit applies, costing a tenth of /healthz's
worker time (`make bench`); `only_for_limited_requests` runs them for limited requests only.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from typing import Any

from flask import Flask, Request, Response, after_this_request, request
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


def limited(incoming: Request) -> bool:
    """Whether a limit can apply: writes (the per-user limit) and the JS-SDK signatures."""
    return incoming.method not in SAFE_METHODS or incoming.blueprint == jssdk_bp.name


def owned_by(hook: Callable[..., Any], limiter: Limiter) -> bool:
    """A hook flask-limiter registered: a method of `limiter` or a partial over it."""
    return getattr(hook, "__self__", None) is limiter or (
        isinstance(hook, functools.partial) and limiter in hook.args)


def only_for_limited_requests(app: Flask, limiter: Limiter) -> None:
    """Run flask-limiter's before, after and teardown hooks only for `limited` requests.

    Its own request filter is asked inside its before hook, after the hooks have begun
    their work, and its other two hooks run regardless. So its three app-wide hooks are
    taken out, and one before hook decides once per request: for a limited request it runs
    the check and leaves the other two to run after this request. A read pays one cheap
    hook, not three guarded ones (`make bench`).
    """
    taken: list[list[Callable[..., Any]]] = []
    for hooks in (app.before_request_funcs, app.after_request_funcs, app.teardown_request_funcs):
        app_wide: list[Any] = hooks.get(None, [])
        taken.append([hook for hook in app_wide if owned_by(hook, limiter)])
        app_wide[:] = [hook for hook in app_wide if not owned_by(hook, limiter)]
    if [len(kind) for kind in taken] != [1, 1, 1]:
        # flask-limiter changed how it hooks in: look again before upgrading.
        raise RuntimeError("flask-limiter 的请求钩子应为 before、after、teardown 各 1 个，实为 "
                           f"{[len(kind) for kind in taken]}")
    [check], [add_headers], [release] = taken

    def after_limited(response: Response) -> Response:
        try:
            answer: Response = add_headers(response)
            return answer
        finally:
            release(None)

    @app.before_request
    def limit_if_limited() -> Any:
        if limited(request):
            after_this_request(after_limited)  # also on the 429 the check raises
            return check()
        return None


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

    only_for_limited_requests(app, limiter)
    limiter.limit(SIGNATURE_LIMIT, key_func=session_or_address)(jssdk_bp)
    app.extensions["rate_limiter"] = limiter
    return limiter
