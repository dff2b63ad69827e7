"""SSO from the platform (DB31DSJ/Z 003 §6.2.4 b, §6.3.2 c): login, callback, logout.

Inside the platform client (mobile or PC WebView) the browser goes to the OAuth
authorize page; in a plain browser (网页端) to the web login page. Both come back
to /auth/callback with `code` and `state`. The state is random, stored on the
server, bound to this browser and to `next`, single use and short-lived; the code
is exchanged exactly once.
{%- if cookiecutter.oidc %}

When OIDC_ISSUER is set, a plain browser logs in at that OpenID Connect provider instead
and comes back to /auth/oidc/callback (auth/oidc.py), through the same pending logins.
{%- endif %}
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import string
import time
from urllib.parse import urlencode, urlsplit

from flask import Blueprint, Response, current_app, make_response, redirect, request
from sqlalchemy import delete, func, select

from ..errors import FriendlyError, request_id
from ..extensions import db
from ..openapi import (
    CSRF,
    PLATFORM_ERRORS,
    REDIRECT,
    SESSION,
    Operation,
    Tag,
    answer,
    documented,
    query,
)
from ..platform import Identity, InvalidCode, NotAMember, get_client
from ..privacy.consent import record_consent
from .models import PendingLogin, digest
from .sessions import (
    clear_cookie,
    cookie_name,
    current_user,
    end_session,
    set_cookie,
    start_session,
)
from .user_ticket import keep_user_ticket

bp = Blueprint("auth", __name__, url_prefix="/auth")
# app.extensions key of a login provider for plain browsers: `begin_login(next) -> (url, browser)`.
BROWSER_LOGIN = "browser_login"

TAG = Tag("登录", "经一网协同的单点登录（§6.2.4 b）；浏览器页面，出错时回答 HTML")
STATE = query("state", "登录开始时本应用生成的 state（一次有效，5 分钟内）",
              {"type": "string", "pattern": r"^[A-Za-z0-9]{1,128}(?![\s\S])"}, required=True)

LOGIN_COOKIE = "ywxt_login"
STATE_ALPHABET = string.ascii_letters + string.digits
STATE_LENGTH = 32  # 32 × log2(62) ≈ 190 bits; the platform allows [A-Za-z0-9]{1,128}
STATE_LIFETIME_SECONDS = 300  # the platform's OAuth code lives 5 minutes too
NEXT_MAX_LENGTH = 2048  # PendingLogin.next_path
# WeCom-family clients put "wxwork" in their user agent (政务微信 builds included).
PLATFORM_CLIENT_UA = re.compile(r"wxwork", re.IGNORECASE)

BAD_STATE = FriendlyError(400, "登录已失效", "登录链接已过期或已使用，请重新从一网协同进入应用。")
BAD_CODE = FriendlyError(400, "登录已失效", "平台登录码已过期或已使用，请重新从一网协同进入应用。")


def safe_next(candidate: str | None) -> str:
    """A same-origin relative path, or "/" (no open redirect: //host, /\\host, schemes)."""
    if not candidate or not candidate.startswith("/") or candidate.startswith("//"):
        return "/"
    if len(candidate) > NEXT_MAX_LENGTH:
        return "/"  # longer than the database keeps (PostgreSQL would refuse it: a 500)
    if "\\" in candidate or any(ord(char) < 0x20 or ord(char) == 0x7F for char in candidate):
        return "/"
    parts = urlsplit(candidate)
    if parts.scheme or parts.netloc:
        return "/"
    return candidate


def in_platform_client(user_agent: str) -> bool:
    return bool(PLATFORM_CLIENT_UA.search(user_agent or ""))


def authorize_url(state: str, *, in_client: bool, scope: str = "snsapi_base") -> str:
    """Where the browser goes to log in: the client's OAuth page or the web login page."""
    settings = current_app.config["SETTINGS"]
    redirect_uri = f"{settings.app_base_url}/auth/callback"
    if in_client:
        query = urlencode({
            "appid": settings.ywxt_corp_id,
            "redirect_uri": redirect_uri,
            "response_type": "code",
            "scope": scope,
            "state": state,
            "agentid": settings.ywxt_agent_id,
        })
        return f"{settings.ywxt_oauth_authorize_url}?{query}#wechat_redirect"
    query = urlencode({
        "login_type": "CorpApp",
        "appid": settings.ywxt_corp_id,
        "agentid": settings.ywxt_agent_id,
        "redirect_uri": redirect_uri,
        "state": state,
        "lang": "zh",
    })
    return f"{settings.ywxt_web_login_url}?{query}"


SCOPE_BASE = "snsapi_base"
# DB31DSJ/Z 003 §8.2 d: the platform's own consent screen for the sensitive profile.
SCOPE_PRIVATEINFO = "snsapi_privateinfo"


def address_digest(address: str) -> str:
    """The client address as a keyed digest: countable, not kept (§8.2 b 按应获得)."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, address.encode(), hashlib.sha256).hexdigest()[:32]


def admit_pending_login(now: int) -> str:
    """The origin to record for a new login in progress, or a 429 / 503 past the caps.

    What a flood of /auth/login fills is this table, so the limit counts its live rows:
    LOGIN_PENDING_PER_ADDRESS from one client address (a whole building behind one
    egress address logs in fine: a completed login frees its row at once) and
    LOGIN_PENDING_MAX in all (security/rate_limits.py explains the limits).
    """
    settings = current_app.config["SETTINGS"]
    origin = address_digest(request.remote_addr or "")
    live = PendingLogin.expires_at >= now
    mine, soonest = db.session.execute(
        select(func.count(), func.min(PendingLogin.expires_at))
        .where(PendingLogin.origin == origin, live)).one()
    if mine >= settings.login_pending_per_address:
        raise FriendlyError(429, "登录请求太多", "从您所在网络发起、尚未完成的登录太多，"
                            "请稍后再试。", retry_after=max(1, soonest - now + 1))
    total = db.session.scalar(select(func.count()).select_from(PendingLogin).where(live))
    if total >= settings.login_pending_max:
        raise FriendlyError(503, "登录繁忙", "同时进行中的登录太多，请稍后再试。",
                            retry_after=60)
    return origin


def save_pending_login(state: str, next_path: str, *, scope: str,
                       code_verifier: str | None = None, nonce: str | None = None) -> str:
    """Keep a login in progress on the server; return the token that binds it to this browser."""
    now = int(time.time())
    origin = admit_pending_login(now)
    browser = secrets.token_urlsafe(32)
    db.session.add(PendingLogin(
        state=state,
        browser_digest=digest(browser),
        next_path=safe_next(next_path),
        scope=scope,
        code_verifier=code_verifier,
        nonce=nonce,
        origin=origin,
        expires_at=now + STATE_LIFETIME_SECONDS,
    ))
    db.session.commit()
    return browser


def begin_login(next_path: str, *, scope: str, in_client: bool) -> tuple[str, str]:
    """Store a new pending login; return (where to send the browser, its binding token)."""
    state = "".join(secrets.choice(STATE_ALPHABET) for _ in range(STATE_LENGTH))
    browser = save_pending_login(state, next_path, scope=scope)
    return authorize_url(state, in_client=in_client, scope=scope), browser


def bind_browser(response: Response, browser: str) -> Response:
    """Bind the pending login to this browser: a state carried elsewhere is refused."""
    set_cookie(response, LOGIN_COOKIE, browser, max_age=STATE_LIFETIME_SECONDS)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/login")
@documented(Operation(
    TAG, "开始登录",
    {302: REDIRECT | {"description": "前往平台的授权页（平台客户端内）或网页登录页"}},
    errors=(429, 503), login=False, page=True,
    parameters=(query("next", "登录后回到的本站路径；不是本站路径时回到首页",
                      {"type": "string"}),)))
def login() -> Response:
    next_path = request.args.get("next") or "/"
    in_client = in_platform_client(request.user_agent.string)
    provider = current_app.extensions.get(BROWSER_LOGIN)
    if provider is not None and not in_client:
        # Another way in is configured for plain browsers (auth/__init__.py LOGIN_PROVIDERS).
        target, browser = provider.begin_login(next_path)
        return bind_browser(make_response(redirect(target)), browser)
    target, browser = begin_login(next_path, scope=SCOPE_BASE, in_client=in_client)
    return bind_browser(make_response(redirect(target)), browser)


def take_pending_login(state: str | None) -> PendingLogin:
    """Consume the pending login for `state` (single use) or refuse with 400."""
    # Printable only: a NUL would make PostgreSQL refuse the lookup (a 500).
    if not state or len(state) > 128 or not state.isprintable():
        raise BAD_STATE
    pending = db.session.get(PendingLogin, state)
    if pending is None:
        raise BAD_STATE
    # Delete first: a replayed callback finds nothing, even if the exchange below fails.
    db.session.execute(delete(PendingLogin).where(PendingLogin.state == state))
    db.session.commit()
    browser = request.cookies.get(cookie_name(LOGIN_COOKIE), "")
    if pending.expires_at < time.time() or digest(browser) != pending.browser_digest:
        raise BAD_STATE
    return pending


@bp.get("/callback")
@documented(Operation(
    TAG, "平台登录后的回调",
    {302: REDIRECT | {"description": "已登录（或已授权），回到 next"}},
    errors=(400, 401, 403, *PLATFORM_ERRORS), login=False, page=True,
    business_rule="state 须是本应用在本浏览器发出、5 分钟内未用过的；"
                  "授权（snsapi_privateinfo）的回调须属于当前会话的用户",
    parameters=(STATE, query("code", "平台的一次性登录码；缺少表示用户取消了授权",
                             {"type": "string"}))))
def callback() -> Response:
    pending = take_pending_login(request.args.get("state"))
    code = request.args.get("code")
    if not code:
        # The user declined on the platform's page: it comes back with state only.
        raise FriendlyError(400, "未完成登录", "您取消了授权，请重新从一网协同进入应用。")
    client = get_client()
    try:
        identity = client.exchange_code(code)
    except InvalidCode:
        raise BAD_CODE from None
    except NotAMember:
        raise FriendlyError(403, "无法登录", "只有本单位成员可以使用本应用。") from None
    if pending.scope == SCOPE_PRIVATEINFO:
        return finish_consent(pending, identity)
    profile = client.get_user(identity.userid)
    response = make_response(redirect(pending.next_path))
    start_session(response, identity.userid, str(profile.get("name") or identity.userid))
    return finished(response)


def finish_consent(pending: PendingLogin, identity: Identity) -> Response:
    """The platform's consent page answered (§8.2 d): the ticket joins THIS session.

    Consent is not a login. It belongs to the user already logged in here: an answer for
    anyone else (another user picked on the platform's page) is refused and logged, and
    the session stays as it was.
    """
    user = current_user()
    if user is None:
        raise FriendlyError(401, "登录已失效", "请重新从一网协同进入应用，再到“我的”页面授权。")
    if identity.userid != user.userid:
        current_app.logger.warning(
            "consent refused: answered for %s, the session belongs to %s request_id=%s",
            identity.userid, user.userid, request_id())
        raise FriendlyError(403, "授权未生效", "授权页上确认的不是当前登录的用户，"
                            "本次授权没有生效；您仍以原来的身份登录。")
    # No ticket: the user is outside the app's visible range, or the platform gave none.
    if identity.user_ticket and keep_user_ticket(identity.user_ticket):
        record_consent(user.userid)
    return finished(make_response(redirect(pending.next_path)))


def finished(response: Response) -> Response:
    """The login (or consent) is over: its browser binding goes, nothing is cached."""
    clear_cookie(response, LOGIN_COOKIE)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/logout")
@documented(Operation(
    TAG, "退出登录", {204: answer("会话已在服务器上结束，Cookie 已清除")},
    errors=(403, 429), login=False, page=True,
    # Without a session there is nothing to end (204); with one, X-CSRF-Token is required.
    security=({}, {SESSION: [], CSRF: []})))
def logout() -> Response:
    response = make_response("", 204)
    end_session(response)
    return response
