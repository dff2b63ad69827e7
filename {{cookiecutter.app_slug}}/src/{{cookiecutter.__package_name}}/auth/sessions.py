"""Session lifecycle: start (with a new id), load with idle and absolute timeouts, end.

The cookie carries only a random token; everything else stays on the server, so
logout really ends the session (ASVS 7.4.1) and nothing personal travels in a cookie.
"""

from __future__ import annotations

import dataclasses
import functools
import hmac
import secrets
import time
from collections.abc import Callable
from typing import Any, NoReturn, ParamSpec, TypeVar
from urllib.parse import quote

from flask import Flask, Request, Response, abort, current_app, g, redirect, request
from flask.sessions import NullSession, SessionInterface, SessionMixin
from sqlalchemy import bindparam, delete, or_, select
from werkzeug.wrappers import Response as BaseResponse

from ..errors import FriendlyError
from ..extensions import db, read_rows
from .models import LoginSession, PendingLogin, digest
from .session_cache import ENDED, get_session_cache

SESSION_COOKIE = "ywxt_session"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Writing last_seen_at on every request would turn reads into writes.
TOUCH_INTERVAL_SECONDS = 60

Params = ParamSpec("Params")
Answer = TypeVar("Answer")


@dataclasses.dataclass(frozen=True)
class CurrentUser:
    userid: str
    name: str
    csrf_token: str


@dataclasses.dataclass(frozen=True)
class SessionState:
    """What a request needs to know about its session (the row also holds the ticket)."""

    userid: str
    name: str
    csrf_token: str
    created_at: int
    last_seen_at: int

    def fields(self) -> dict[str, Any]:
        """The fields by name, for a session cache (a flat copy: `dataclasses.asdict`
        deep-copies, at a cost every logged-in request paid)."""
        return dict(vars(self))


def secure_cookies() -> bool:
    """Secure cookies whenever the app is served over HTTPS (always in production)."""
    base_url: str = current_app.config["SETTINGS"].app_base_url
    return base_url.startswith("https://")


def cookie_name(base: str) -> str:
    # The __Host- prefix pins the cookie to this exact origin (Secure, Path=/, no Domain).
    return f"__Host-{base}" if secure_cookies() else base


def set_cookie(response: Response, base: str, value: str, max_age: int | None = None) -> None:
    response.set_cookie(cookie_name(base), value, max_age=max_age, path="/",
                        secure=secure_cookies(), httponly=True, samesite="Lax")


def clear_cookie(response: Response, base: str) -> None:
    response.delete_cookie(cookie_name(base), path="/", secure=secure_cookies(),
                           httponly=True, samesite="Lax")


def _limits() -> tuple[int, int]:
    settings = current_app.config["SETTINGS"]
    return settings.session_idle_minutes * 60, settings.session_max_hours * 3600


def start_session(response: Response, userid: str, display_name: str) -> CurrentUser:
    """Log the browser in with a brand-new session id; any session it held ends."""
    now = int(time.time())
    end_session(response)  # session rotation: never keep an id from before login
    purge_expired(now)
    token = secrets.token_urlsafe(32)
    row = LoginSession(token_digest=digest(token), userid=userid, display_name=display_name,
                       csrf_token=secrets.token_urlsafe(32), created_at=now, last_seen_at=now)
    db.session.add(row)
    db.session.commit()
    set_cookie(response, SESSION_COOKIE, token)
    user = CurrentUser(row.userid, row.display_name, row.csrf_token)
    g.current_user = user
    return user


def current_user() -> CurrentUser | None:
    """The logged-in user of this request, or None (expired sessions are removed)."""
    if "current_user" in g:
        known: CurrentUser | None = g.current_user
        return known
    g.current_user = None
    token = request.cookies.get(cookie_name(SESSION_COOKIE))
    if not token:
        return None
    token_digest = digest(token)
    cached = get_session_cache().get(token_digest)
    if cached is ENDED:
        return None  # logout is final even while a cache is warm
    session = _from_cache(cached)
    now = int(time.time())
    if session is None or now - session.last_seen_at >= TOUCH_INTERVAL_SECONDS:
        # No copy, or one old enough to miss another worker's touch (a copy kept in one
        # worker's memory): the row decides the timeouts, never a stale copy.
        session = _load(token_digest)
    if session is None:
        return None
    idle, absolute = _limits()
    if now - session.last_seen_at > idle or now - session.created_at > absolute:
        _end(token_digest)
        return None
    if now - session.last_seen_at >= TOUCH_INTERVAL_SECONDS:
        session = _touch(token_digest, now)
        if session is None:  # purged meanwhile; a cached copy must not outlive the row
            _end(token_digest)
            return None
    user = CurrentUser(session.userid, session.name, session.csrf_token)
    g.current_user = user
    return user


# The read every logged-in request makes, as one statement built once: its SQL and cache key
# are computed on first use and reused. `db.session.get` rebuilt both, made an ORM object
# and opened a session transaction to close at teardown, each time: three quarters of the
# read's cost (`make bench`). The columns only; the ticket stays in the database.
_SESSION_COLUMNS = LoginSession.__table__.c
READ_SESSION = select(
    _SESSION_COLUMNS.userid, _SESSION_COLUMNS.display_name, _SESSION_COLUMNS.csrf_token,
    _SESSION_COLUMNS.created_at, _SESSION_COLUMNS.last_seen_at,
).where(_SESSION_COLUMNS.token_digest == bindparam("token_digest"))


def _load(token_digest: str) -> SessionState | None:
    """The session's row as the database has it now, shared by every worker: a logout or
    an expiry handled by any of them counts at once.

    Read with `read_rows` (the request's read connection): a request that writes nothing
    opens no ORM session.
    """
    rows = read_rows(READ_SESSION, token_digest=token_digest)
    if not rows:
        return None
    session = SessionState(*rows[0])
    get_session_cache().put(token_digest, session.fields())
    return session


def _from_cache(cached: dict[str, Any] | None) -> SessionState | None:
    try:
        return SessionState(**cached) if cached else None
    except TypeError:
        return None  # cached by another version of the app: the database decides


def _touch(token_digest: str, now: int) -> SessionState | None:
    """Record activity (the idle timeout counts from it); None if the session is gone."""
    row = db.session.get(LoginSession, token_digest)
    if row is None:
        return None
    row.last_seen_at = now
    db.session.commit()
    session = SessionState(row.userid, row.display_name, row.csrf_token, row.created_at, now)
    get_session_cache().put(token_digest, session.fields())
    return session


def _end(token_digest: str) -> None:
    db.session.execute(delete(LoginSession).where(LoginSession.token_digest == token_digest))
    db.session.commit()
    get_session_cache().end(token_digest)


def session_row() -> LoginSession | None:
    """The current session's row (for the user_ticket); None when not logged in."""
    token = request.cookies.get(cookie_name(SESSION_COOKIE))
    if not token or current_user() is None:
        return None
    return db.session.get(LoginSession, digest(token))


def end_session(response: Response) -> None:
    """Delete this browser's session on the server and clear its cookie."""
    token = request.cookies.get(cookie_name(SESSION_COOKIE))
    if token:
        _end(digest(token))
        clear_cookie(response, SESSION_COOKIE)
    g.current_user = None


def purge_expired(now: int) -> None:
    """用完清除 (§8.2 b): drop finished login attempts and sessions past their limits."""
    idle, absolute = _limits()
    db.session.execute(delete(PendingLogin).where(PendingLogin.expires_at < now))
    db.session.execute(delete(LoginSession).where(or_(
        LoginSession.last_seen_at < now - idle, LoginSession.created_at < now - absolute)))


class CookieSessionUnused(NullSession):
    """What `flask.session` is here: sessions live on the server, never in a cookie."""

    def _refuse(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise RuntimeError("本应用不使用 Flask 的 cookie 会话（flask.session）："
                           "登录状态保存在服务器端，见 auth/sessions.py。")

    __setitem__ = __delitem__ = clear = pop = popitem = update = setdefault = _refuse


class NoCookieSession(SessionInterface):
    """Switches Flask's signed-cookie session off. Opening it costs every request a signing
    serializer (`make bench`), and a stray write would put data in a cookie (§8.2 c)."""

    null_session_class = CookieSessionUnused

    def open_session(self, app: Flask, request: Request) -> None:
        return None  # Flask then uses null_session_class

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        pass


def login_required(
        view: Callable[Params, Answer]) -> Callable[Params, Answer | BaseResponse]:
    """API calls answer 401 JSON; pages send the browser to log in and come back."""

    @functools.wraps(view)
    def wrapped(*args: Params.args, **kwargs: Params.kwargs) -> Answer | BaseResponse:
        if current_user() is None:
            if request.path.startswith("/api/"):
                abort(401)
            path = request.full_path.rstrip("?")
            return redirect(f"/auth/login?next={quote(path, safe='')}")
        return view(*args, **kwargs)

    return wrapped


def check_csrf() -> None:
    """Every state-changing request of a logged-in user must carry X-CSRF-Token."""
    if request.method in SAFE_METHODS:
        return
    user = current_user()
    if user is None:
        return  # nothing to ride on; the view's login_required answers 401
    sent = request.headers.get(CSRF_HEADER, "")
    if not hmac.compare_digest(sent.encode(), user.csrf_token.encode()):
        raise FriendlyError(403, "安全校验失败", "页面已过期或来源不明，请刷新页面后重试。")
