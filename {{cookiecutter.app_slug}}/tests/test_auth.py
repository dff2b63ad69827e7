"""SSO from the platform (§6.2.4 b, §6.3.2 c), sessions and CSRF.

The end-to-end tests drive the real login flow over HTTP against the platform
simulator: the app's test client plays the browser, `requests` follows the
simulator's pages.
"""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import flask
import pytest

from {{ cookiecutter.__package_name }}.auth.models import LoginSession, PendingLogin
from {{ cookiecutter.__package_name }}.auth.views import (
    authorize_url,
    in_platform_client,
    safe_next,
)
from {{ cookiecutter.__package_name }}.extensions import db

from .fixtures import sql_recorded

CLIENT_UA = "Mozilla/5.0 (iPhone) AppleWebKit/605.1.15 Mobile/15E148 wxwork/4.1.22 MicroMessenger"
BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0 Safari/537.36"


@pytest.mark.parametrize(
    ("candidate", "expected"),
    [
        ("/items/3?tab=todo", "/items/3?tab=todo"),
        ("/#/items/3", "/#/items/3"),
        (None, "/"),
        ("", "/"),
        ("items", "/"),
        ("//evil.example", "/"),
        ("https://evil.example", "/"),
        ("/\\evil.example", "/"),
        ("\\\\evil.example", "/"),
        ("/%0d%0aSet-Cookie:x", "/%0d%0aSet-Cookie:x"),
        ("/\r\nLocation: https://evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("///evil.example", "/"),
    ],
)
def test_next_is_a_same_origin_path(candidate, expected):
    assert safe_next(candidate) == expected


@pytest.mark.parametrize(
    ("user_agent", "expected"),
    [(CLIENT_UA, True), ("Mozilla/5.0 wxwork/3.1 (PC)", True), (BROWSER_UA, False), ("", False)],
)
def test_platform_client_is_recognised_by_user_agent(user_agent, expected):
    assert in_platform_client(user_agent) is expected


def test_in_client_login_goes_to_oauth_authorize_with_wechat_redirect(app):
    with app.test_request_context():
        url = authorize_url("Abc123", in_client=True)
    settings = app.config["SETTINGS"]
    assert url.startswith(settings.ywxt_oauth_authorize_url + "?")
    assert url.endswith("#wechat_redirect")
    query = parse_qs(urlsplit(url).query)
    assert query == {
        "appid": [settings.ywxt_corp_id],
        "redirect_uri": [f"{settings.app_base_url}/auth/callback"],
        "response_type": ["code"],
        "scope": ["snsapi_base"],
        "state": ["Abc123"],
        "agentid": [settings.ywxt_agent_id],
    }


def test_browser_login_goes_to_web_login(app):
    with app.test_request_context():
        url = authorize_url("Abc123", in_client=False)
    settings = app.config["SETTINGS"]
    assert url.startswith(settings.ywxt_web_login_url + "?")
    query = parse_qs(urlsplit(url).query)
    assert query["login_type"] == ["CorpApp"]
    assert query["state"] == ["Abc123"]
    assert "#" not in url


# ---- end to end, over HTTP against the platform simulator ------------------------------


def test_browser_login_lands_back_logged_in(auth, platform_client, sim):
    started = auth.start("/#/items/7")
    assert started.status_code == 302
    assert started.headers["Location"].startswith(f"{sim.base_url}/wwlogin/sso/login?")
    landed = auth.follow_callback(auth.pick_user(started.headers["Location"], "zhangwei"))
    assert landed.status_code == 302
    assert landed.headers["Location"] == "/#/items/7"
    me = platform_client.get("/api/me")
    assert me.status_code == 200
    assert me.json["userid"] == "zhangwei"
    assert me.json["name"] == "张伟"
    assert len(me.json["csrf_token"]) >= 32
    assert me.headers["Cache-Control"] == "no-store"


def test_in_client_login_uses_the_oauth_page(auth, platform_client, sim):
    started = auth.start(user_agent=CLIENT_UA)
    location = started.headers["Location"]
    assert location.startswith(f"{sim.base_url}/connect/oauth2/authorize?")
    assert location.endswith("#wechat_redirect")
    auth.follow_callback(auth.pick_user(location, "lina"))
    assert platform_client.get("/api/me").json["userid"] == "lina"


def test_the_code_is_exchanged_exactly_once(auth, sim):
    auth.login("zhangwei")
    assert len(sim.calls("/cgi-bin/auth/getuserinfo")) == 1


def test_me_without_login_is_401_json(platform_client):
    answer = platform_client.get("/api/me")
    assert answer.status_code == 401
    assert answer.json["error"]["title"] == "请先登录"


def test_pages_send_the_browser_to_login_and_back(platform_client):
    answer = platform_client.get("/", headers={"Accept": "text/html"})
    assert answer.status_code == 302
    assert answer.headers["Location"] == "/auth/login?next=%2F"


@pytest.mark.parametrize(
    "state_change",
    [
        lambda query: {**query, "state": ["unknown0000state"]},
        lambda query: {key: value for key, value in query.items() if key != "state"},
        lambda query: {**query, "state": ["x" * 200]},
    ],
    ids=["unknown", "missing", "oversized"],
)
def test_bad_state_is_refused_in_chinese(auth, state_change):
    started = auth.start()
    callback = urlsplit(auth.pick_user(started.headers["Location"], "zhangwei"))
    query = state_change(parse_qs(callback.query))
    answer = auth.client.get(callback.path, query_string=query, headers={"Accept": "text/html"})
    assert answer.status_code == 400
    assert "登录已失效" in answer.get_data(as_text=True)
    assert auth.client.get("/api/me").status_code == 401


def test_state_is_single_use(auth):
    started = auth.start()
    callback = auth.pick_user(started.headers["Location"], "zhangwei")
    assert auth.follow_callback(callback).status_code == 302
    replayed = auth.follow_callback(callback)
    assert replayed.status_code == 400
    assert "登录已失效" in replayed.get_data(as_text=True)


def test_expired_state_is_refused(auth, platform_app):
    started = auth.start()
    callback = auth.pick_user(started.headers["Location"], "zhangwei")
    with platform_app.app_context():
        for pending in db.session.scalars(db.select(PendingLogin)):
            pending.expires_at = int(time.time()) - 1
        db.session.commit()
    assert auth.follow_callback(callback).status_code == 400


def test_state_from_another_browser_is_refused(auth, platform_app):
    """A login link carried to a different browser (login CSRF) does not log it in."""
    started = auth.start()
    callback = urlsplit(auth.pick_user(started.headers["Location"], "zhangwei"))
    other_browser = platform_app.test_client()
    answer = other_browser.get(f"{callback.path}?{callback.query}")
    assert answer.status_code == 400
    assert other_browser.get("/api/me").status_code == 401


def test_reused_code_is_refused(auth, sim):
    """A code the platform already consumed (40029) ends in a Chinese 400, no login."""
    first = auth.start()
    callback = urlsplit(auth.pick_user(first.headers["Location"], "zhangwei"))
    code = parse_qs(callback.query)["code"][0]
    auth.follow_callback(f"{callback.path}?{callback.query}")
    auth.client.post("/auth/logout", headers={"X-CSRF-Token": "irrelevant"})
    # A fresh state of this browser, replaying the old code.
    second = auth.start()
    state = parse_qs(urlsplit(second.headers["Location"]).query)["state"][0]
    answer = auth.client.get("/auth/callback", query_string={"code": code, "state": state},
                             headers={"Accept": "text/html"})
    assert answer.status_code == 400
    assert "登录码已过期或已使用" in answer.get_data(as_text=True)


@pytest.mark.parametrize(
    "next_path", ["//evil.example", "https://evil.example", "/\\evil.example", "\\/evil.example"]
)
def test_open_redirect_attempts_land_on_the_home_page(auth, next_path):
    landed = auth.login("zhangwei", next_path=next_path)
    assert landed.status_code == 302
    assert landed.headers["Location"] == "/"


def session_cookie(client) -> str | None:
    cookie = client.get_cookie("__Host-ywxt_session")
    return cookie.value if cookie else None


def test_login_issues_a_new_session_id(auth, platform_app):
    auth.login("zhangwei")
    first = session_cookie(auth.client)
    auth.login("lina")
    second = session_cookie(auth.client)
    assert first and second and first != second
    with platform_app.app_context():
        sessions = db.session.scalars(db.select(LoginSession)).all()
    assert [row.userid for row in sessions] == ["lina"]  # the old session ended on the server


def test_a_planted_session_id_is_never_adopted(auth, platform_app):
    """Session fixation: a cookie set before login is replaced, not promoted."""
    auth.client.set_cookie("__Host-ywxt_session", "attacker-chosen-value", domain=None)
    auth.login("zhangwei")
    assert session_cookie(auth.client) != "attacker-chosen-value"


def test_session_cookie_is_host_prefixed_secure_httponly_lax(auth):
    landed = auth.login("zhangwei")
    header = next(value for value in landed.headers.getlist("Set-Cookie")
                  if value.startswith("__Host-ywxt_session="))
    assert "Secure" in header and "HttpOnly" in header and "SameSite=Lax" in header
    assert "Path=/" in header and "Domain" not in header


def test_logout_needs_csrf_and_ends_the_session_on_the_server(auth, platform_app):
    auth.login("zhangwei")
    token_before = session_cookie(auth.client)
    refused = auth.client.post("/auth/logout")
    assert refused.status_code == 403
    assert "安全校验失败" in refused.get_data(as_text=True)
    assert auth.client.get("/api/me").status_code == 200
    csrf = auth.csrf_token()
    assert auth.client.post("/auth/logout", headers={"X-CSRF-Token": csrf}).status_code == 204
    assert auth.client.get("/api/me").status_code == 401
    # Replaying the old cookie after logout does not bring the session back.
    auth.client.set_cookie("__Host-ywxt_session", token_before)
    assert auth.client.get("/api/me").status_code == 401
    with platform_app.app_context():
        assert db.session.scalars(db.select(LoginSession)).all() == []


def test_a_logged_in_read_costs_one_select_and_no_transaction(auth, platform_app):
    """GET /api/me reads the session row once, on one pooled connection: no ORM session,
    no transaction to commit, nothing written (`make bench`)."""
    auth.login("zhangwei")
    with sql_recorded(platform_app) as recorded:
        assert auth.client.get("/api/me").json["userid"] == "zhangwei"
    assert len(recorded.statements) == 1
    assert "login_session" in recorded.statements[0]
    assert recorded.writes == []
    assert recorded.orm_transactions == 0
    assert recorded.checkouts == 1


@pytest.mark.parametrize(("idle", "age"), [(31 * 60, 60), (60, 9 * 3600)],
                         ids=["idle-timeout", "absolute-timeout"])
def test_sessions_expire(auth, platform_app, idle, age):
    auth.login("zhangwei")
    now = int(time.time())
    with platform_app.app_context():
        row = db.session.scalars(db.select(LoginSession)).one()
        row.last_seen_at = now - idle
        row.created_at = now - age
        db.session.commit()
    assert auth.client.get("/api/me").status_code == 401


def test_session_holds_no_personal_data_beyond_id_and_name(auth, platform_app):
    auth.login("canary")
    with platform_app.app_context():
        row = db.session.scalars(db.select(LoginSession)).one()
    stored = " ".join(str(value) for value in vars(row).values())
    for raw in ("13812345678", "canary.test@example.gov.cn", "人民大道", "11010519491231002X"):
        assert raw not in stored


def test_flask_cookie_session_is_off(auth, platform_app):
    """Logins live in server-side sessions; nothing may ride in Flask's signed cookie."""
    landed = auth.login("zhangwei")
    me = auth.client.get("/api/me")
    for response in (landed, me):
        assert not any(value.startswith("session=")
                       for value in response.headers.getlist("Set-Cookie"))
    with platform_app.test_request_context("/"):
        assert not flask.session
        with pytest.raises(RuntimeError, match="服务器端"):
            flask.session["userid"] = "zhangwei"
