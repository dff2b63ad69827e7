"""OpenID Connect login (auth/oidc.py) against the simulator's OIDC mode, over real HTTP.

The app's test client plays the browser and `requests` follows the provider's pages, as in
test_auth.py. The provider's own checks (client authentication, PKCE, single-use codes) are
tested against its endpoints directly at the end.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from joserfc import jwt
from joserfc.jwk import KeySet

from {{ cookiecutter.__package_name }}.auth.models import LoginSession, PendingLogin
from {{ cookiecutter.__package_name }}.config import Config, ConfigError
from {{ cookiecutter.__package_name }}.extensions import db

from .fixtures import APP_ORIGIN, PRODUCTION_ENV, AuthActions, tables_created
from .platform_sim_support import hidden_fields

# The simulator's registered client (SIM_OIDC_CLIENT_ID / SIM_OIDC_CLIENT_SECRET defaults).
CLIENT_ID = "ywxt-sim-oidc-client"
CLIENT_SECRET = "sim-oidc-secret-9d2e4b7c1a"
CALLBACK = f"{APP_ORIGIN}/auth/oidc/callback"
CLIENT_UA = "Mozilla/5.0 (iPhone) AppleWebKit/605.1.15 Mobile/15E148 wxwork/4.1.22 MicroMessenger"


def s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


@pytest.fixture
def make_oidc_app(make_config, make_app, sim):
    """An app whose plain browsers log in at the simulator's OIDC mode."""

    def build(**overrides):
        settings = {
            # The platform login stays for the platform client's WebView.
            "ywxt_api_base": sim.base_url,
            "ywxt_oauth_authorize_url": f"{sim.base_url}/connect/oauth2/authorize",
            "ywxt_secret": "sim-secret-5f3c2b1a0d9e8f7a",
            "oidc_issuer": sim.base_url,
            "oidc_client_id": CLIENT_ID,
            "oidc_client_secret": CLIENT_SECRET,
            **overrides,
        }
        return tables_created(make_app(make_config(**settings)))

    return build


@pytest.fixture
def oidc_app(make_oidc_app):
    with make_oidc_app() as app:
        yield app


@pytest.fixture
def auth(oidc_app, sim):
    return AuthActions(oidc_app.test_client(), sim)


def callback_for(auth, userid: str = "zhangwei", next_path: str = "/") -> str:
    """Start a login and pick `userid` on the provider's page; the callback URL it returns."""
    started = auth.start(next_path)
    assert started.status_code == 302
    return auth.pick_user(started.headers["Location"], userid)


def with_query(callback: str, **changes: str | None) -> str:
    parts = urlsplit(callback)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    query.update(changes)
    return f"{parts.path}?{urlencode({k: v for k, v in query.items() if v is not None})}"


def bad_id_token_next(sim, fault: str) -> None:
    answer = requests.post(f"{sim.base_url}/_sim/oidc/id-token-fault", json={"fault": fault},
                           timeout=5)
    assert answer.status_code == 201, answer.text


def assert_logged_out(client) -> None:
    assert client.get("/api/me").status_code == 401


def session_rows(app) -> list[LoginSession]:
    with app.app_context():
        return list(db.session.scalars(db.select(LoginSession)))


# ---- the login, end to end ---------------------------------------------------------------


def test_browser_login_goes_to_the_provider_with_pkce_and_nonce(auth, oidc_app, sim):
    started = auth.start("/#/items/7")
    location = started.headers["Location"]
    assert location.startswith(f"{sim.base_url}/oidc/authorize?")
    query = {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}
    assert query["response_type"] == "code"
    assert query["client_id"] == CLIENT_ID
    assert query["redirect_uri"] == CALLBACK
    assert query["scope"] == "openid profile"
    assert query["code_challenge_method"] == "S256"
    assert len(query["state"]) >= 22 and query["state"].isalnum()  # ≥ 128 bits
    assert len(query["nonce"]) >= 20
    assert "code_verifier" not in location
    assert started.headers["Cache-Control"] == "no-store"
    # State, nonce and verifier are kept on the server; the browser holds only its binding.
    with oidc_app.app_context():
        pending = db.session.get(PendingLogin, query["state"])
        assert pending.nonce == query["nonce"]
        assert s256(pending.code_verifier) == query["code_challenge"]
        assert pending.next_path == "/#/items/7"
    binding = auth.client.get_cookie("__Host-ywxt_login")
    assert binding is not None and query["state"] not in binding.value


def test_login_lands_back_logged_in_with_userid_and_name_only(auth, oidc_app, sim):
    landed = auth.follow_callback(callback_for(auth, "zhangwei", "/#/items/7"))
    assert landed.status_code == 302
    assert landed.headers["Location"] == "/#/items/7"
    me = auth.client.get("/api/me")
    assert me.status_code == 200
    assert (me.json["userid"], me.json["name"]) == ("zhangwei", "张伟")
    [row] = session_rows(oidc_app)
    assert (row.userid, row.display_name, row.user_ticket_sealed) == ("zhangwei", "张伟", None)
    assert auth.client.get_cookie("__Host-ywxt_login") is None
    # One code exchange, client authenticated in the header: no secret in the body.
    [token_call] = sim.calls("/oidc/token")
    assert token_call.status == 200
    assert token_call.body["grant_type"] == "authorization_code"
    assert token_call.body["redirect_uri"] == CALLBACK
    assert "client_secret" not in token_call.body


def test_login_rotates_the_session(auth):
    auth.follow_callback(callback_for(auth, "zhangwei"))
    first = auth.client.get_cookie("__Host-ywxt_session").value
    auth.follow_callback(callback_for(auth, "lina"))
    assert auth.client.get_cookie("__Host-ywxt_session").value != first
    assert auth.client.get("/api/me").json["userid"] == "lina"


def test_inside_the_platform_client_the_platform_login_stays(auth, sim):
    started = auth.start(user_agent=CLIENT_UA)
    assert started.headers["Location"].startswith(f"{sim.base_url}/connect/oauth2/authorize?")
    auth.follow_callback(auth.pick_user(started.headers["Location"], "lina"))
    assert auth.client.get("/api/me").json["userid"] == "lina"


@pytest.mark.parametrize("next_path",
                         ["//evil.example", "https://evil.example", "/\\evil.example",
                          "\\/evil.example", "javascript:alert(1)"])
def test_open_redirect_attempts_land_on_the_home_page(auth, next_path):
    landed = auth.follow_callback(callback_for(auth, "zhangwei", next_path))
    assert landed.status_code == 302
    assert landed.headers["Location"] == "/"


def test_userid_claim_is_configurable(make_oidc_app, sim):
    with make_oidc_app(oidc_userid_claim="preferred_username") as app:
        auth = AuthActions(app.test_client(), sim)
        assert auth.follow_callback(callback_for(auth, "lina")).status_code == 302
        assert auth.client.get("/api/me").json["userid"] == "lina"


def test_missing_userid_claim_is_refused(make_oidc_app, sim):
    with make_oidc_app(oidc_userid_claim="employee_number") as app:
        auth = AuthActions(app.test_client(), sim)
        answer = auth.follow_callback(callback_for(auth))
        assert answer.status_code == 401
        assert_logged_out(auth.client)


# ---- state: missing, unknown, reused, expired, elsewhere ---------------------------------


@pytest.mark.parametrize("state", [None, "unknown0000state", "x" * 200],
                         ids=["missing", "unknown", "oversized"])
def test_bad_state_is_refused_in_chinese(auth, sim, state):
    callback = with_query(callback_for(auth), state=state)
    answer = auth.client.get(callback, headers={"Accept": "text/html"})
    assert answer.status_code == 400
    assert "登录已失效" in answer.get_data(as_text=True)
    assert_logged_out(auth.client)
    assert sim.calls("/oidc/token") == []


def test_state_is_single_use(auth, sim):
    callback = callback_for(auth)
    assert auth.follow_callback(callback).status_code == 302
    replayed = auth.follow_callback(callback)
    assert replayed.status_code == 400
    assert "登录已失效" in replayed.get_data(as_text=True)
    assert len(sim.calls("/oidc/token")) == 1


def test_expired_state_is_refused(auth, oidc_app, sim):
    callback = callback_for(auth)
    with oidc_app.app_context():
        for pending in db.session.scalars(db.select(PendingLogin)):
            pending.expires_at = int(time.time()) - 1
        db.session.commit()
    answer = auth.follow_callback(callback)
    assert answer.status_code == 400
    assert "登录已失效" in answer.get_data(as_text=True)
    assert_logged_out(auth.client)
    assert sim.calls("/oidc/token") == []


def test_state_from_another_browser_is_refused(auth, oidc_app):
    callback = callback_for(auth)
    other_browser = oidc_app.test_client()
    assert other_browser.get(with_query(callback)).status_code == 400
    assert_logged_out(other_browser)


def test_a_platform_login_state_is_refused_at_the_oidc_callback(auth):
    started = auth.start(user_agent=CLIENT_UA)
    state = parse_qs(urlsplit(started.headers["Location"]).query)["state"][0]
    answer = auth.client.get("/auth/oidc/callback", query_string={"code": "x", "state": state})
    assert answer.status_code == 400
    assert_logged_out(auth.client)


def test_cancelled_login_is_a_chinese_400(auth):
    callback = with_query(callback_for(auth), code=None, error="access_denied")
    answer = auth.client.get(callback, headers={"Accept": "text/html"})
    assert answer.status_code == 400
    assert "未完成登录" in answer.get_data(as_text=True)
    assert_logged_out(auth.client)


# ---- the code exchange -------------------------------------------------------------------


def test_pkce_verifier_mismatch_is_refused_by_the_provider(auth, oidc_app, sim):
    callback = callback_for(auth)
    with oidc_app.app_context():
        for pending in db.session.scalars(db.select(PendingLogin)):
            pending.code_verifier = secrets.token_urlsafe(48)  # well formed, not the one sent
        db.session.commit()
    answer = auth.follow_callback(callback)
    assert answer.status_code == 400
    assert "登录码已过期或已使用" in answer.get_data(as_text=True)
    assert_logged_out(auth.client)
    [token_call] = sim.calls("/oidc/token")
    assert token_call.status == 400  # the provider said no, not the app


def test_reused_code_is_refused(auth, sim):
    first = callback_for(auth)
    code = parse_qs(urlsplit(first).query)["code"][0]
    auth.follow_callback(first)
    auth.client.post("/auth/logout", headers={"X-CSRF-Token": auth.csrf_token()})
    # A fresh state of this browser, replaying the old code.
    second = callback_for(auth)
    answer = auth.follow_callback(with_query(second, code=code))
    assert answer.status_code == 400
    assert "登录码已过期或已使用" in answer.get_data(as_text=True)
    assert_logged_out(auth.client)


def test_expired_code_is_refused(auth, sim):
    callback = callback_for(auth)
    sim.advance(301)  # codes live 5 minutes on the provider
    assert auth.follow_callback(callback).status_code == 400
    assert_logged_out(auth.client)


def test_provider_down_at_the_token_endpoint_is_a_friendly_503(auth, sim):
    callback = callback_for(auth)
    sim.fail_next("/oidc/token", "http500")
    answer = auth.client.get(with_query(callback), headers={"Accept": "text/html"})
    assert answer.status_code == 503
    assert "统一身份认证暂时无法访问" in answer.get_data(as_text=True)
    assert_logged_out(auth.client)


def test_provider_down_at_login_is_a_friendly_503(auth, sim):
    sim.fail_next("/.well-known/openid-configuration", "http503")
    answer = auth.client.get("/auth/login", headers={"Accept": "text/html"})
    assert answer.status_code == 503
    assert "统一身份认证暂时无法访问" in answer.get_data(as_text=True)


def test_discovery_naming_another_issuer_is_refused(make_oidc_app, sim):
    """Discovery §4.3: the document must name exactly OIDC_ISSUER (here: with a slash)."""
    with make_oidc_app(oidc_issuer=sim.base_url + "/") as app:
        answer = app.test_client().get("/auth/login", headers={"Accept": "text/html"})
        assert answer.status_code == 503
        assert "统一身份认证暂时无法完成登录" in answer.get_data(as_text=True)


# ---- the ID token ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fault",
    ["wrong_nonce", "wrong_audience", "wrong_issuer", "expired", "bad_signature", "alg_none"],
)
def test_bad_id_token_is_refused_without_a_session(auth, oidc_app, sim, fault):
    callback = callback_for(auth)
    bad_id_token_next(sim, fault)
    answer = auth.client.get(with_query(callback), headers={"Accept": "text/html"})
    assert answer.status_code == 401
    assert "登录未通过校验" in answer.get_data(as_text=True)
    assert_logged_out(auth.client)
    assert session_rows(oidc_app) == []
    assert len(sim.calls("/oidc/token")) == 1  # the token was issued, and refused by the app


def test_a_good_id_token_after_a_refused_one_logs_in(auth, sim):
    bad_id_token_next(sim, "bad_signature")
    assert auth.follow_callback(callback_for(auth)).status_code == 401
    assert auth.follow_callback(callback_for(auth)).status_code == 302
    assert auth.client.get("/api/me").json["userid"] == "zhangwei"


# ---- settings ----------------------------------------------------------------------------


def load(tmp_path, **changes) -> Config:
    environ = {**PRODUCTION_ENV, "DATABASE_URL": f"sqlite:///{tmp_path / 'db'}", **changes}
    return Config.from_env(environ, instance_path=tmp_path)


OIDC_ENV = {
    "OIDC_ISSUER": "https://idp.example.gov.cn",
    "OIDC_CLIENT_ID": "xietong",
    "OIDC_CLIENT_SECRET": "a-secret-from-the-idp",
}


def test_oidc_settings_are_read(tmp_path):
    config = load(tmp_path, **OIDC_ENV, OIDC_SCOPE="openid  profile")
    assert config.oidc_issuer == "https://idp.example.gov.cn"
    assert (config.oidc_scope, config.oidc_userid_claim) == ("openid profile", "sub")
    assert "a-secret-from-the-idp" not in repr(config)


def test_without_an_issuer_the_platform_login_is_used(tmp_path, make_config, make_app):
    assert load(tmp_path).oidc_issuer == ""
    app = make_app(make_config())
    assert "oidc" not in app.extensions
    assert app.test_client().get("/auth/oidc/callback?state=x&code=y").status_code == 404


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"OIDC_ISSUER": "http://idp.example.gov.cn"}, "OIDC_ISSUER 必须使用 HTTPS"),
        ({"OIDC_ISSUER": "https://idp.example.gov.cn?tenant=1"}, "不应包含查询参数或片段"),
        ({"OIDC_CLIENT_ID": ""}, "OIDC_CLIENT_ID 未设置"),
        ({"OIDC_CLIENT_SECRET": ""}, "OIDC_CLIENT_SECRET 未设置"),
        ({"OIDC_SCOPE": "profile email"}, "必须包含 openid"),
    ],
)
def test_bad_oidc_setting_is_named(tmp_path, changes, expected):
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, **{**OIDC_ENV, **changes})
    assert any(expected in problem for problem in caught.value.problems), caught.value.problems


# ---- the simulator's provider, checked directly ------------------------------------------


class ProviderFlow:
    """The authorization code flow against the simulator, by hand (no Authlib)."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.verifier = secrets.token_urlsafe(48)
        self.nonce = secrets.token_urlsafe(16)

    def authorize_params(self, **overrides: str | None) -> dict[str, str]:
        params = {
            "response_type": "code",
            "client_id": CLIENT_ID,
            "redirect_uri": CALLBACK,
            "scope": "openid profile",
            "state": "St4te",
            "nonce": self.nonce,
            "code_challenge": s256(self.verifier),
            "code_challenge_method": "S256",
            **overrides,
        }
        return {key: value for key, value in params.items() if value is not None}

    def authorize(self, **overrides: str | None) -> requests.Response:
        return requests.get(f"{self.base_url}/oidc/authorize", allow_redirects=False,
                            params=self.authorize_params(**overrides), timeout=5)

    def code(self, userid: str = "zhangwei") -> str:
        page = self.authorize()
        assert page.status_code == 200, page.text
        picked = requests.post(f"{self.base_url}/oidc/authorize", allow_redirects=False,
                               data={**hidden_fields(page.text), "userid": userid}, timeout=5)
        assert picked.status_code == 302, picked.text
        return parse_qs(urlsplit(picked.headers["Location"]).query)["code"][0]

    def token(self, code: str, *, verifier: str | None = None, redirect_uri: str = CALLBACK,
              auth: tuple[str, str] | None = (CLIENT_ID, CLIENT_SECRET),
              **extra: str) -> requests.Response:
        body = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
                "code_verifier": verifier or self.verifier, **extra}
        return requests.post(f"{self.base_url}/oidc/token", data=body, auth=auth, timeout=5)


@pytest.fixture
def provider(sim) -> ProviderFlow:
    return ProviderFlow(sim.base_url)


def test_discovery_document_describes_the_provider(sim):
    document = requests.get(f"{sim.base_url}/.well-known/openid-configuration", timeout=5).json()
    assert document["issuer"] == sim.base_url
    assert document["authorization_endpoint"] == f"{sim.base_url}/oidc/authorize"
    assert document["code_challenge_methods_supported"] == ["S256"]
    assert document["token_endpoint_auth_methods_supported"] == ["client_secret_basic"]


def test_provider_id_token_verifies_against_its_jwks(provider, sim):
    answer = provider.token(provider.code("lina"))
    assert answer.status_code == 200, answer.text
    assert answer.headers["Cache-Control"] == "no-store"
    keys = KeySet.import_key_set(requests.get(f"{sim.base_url}/oidc/jwks", timeout=5).json())
    token = jwt.decode(answer.json()["id_token"], keys, algorithms=["ES256"])
    claims = token.claims
    assert (claims["iss"], claims["aud"], claims["sub"]) == (sim.base_url, CLIENT_ID, "lina")
    assert (claims["nonce"], claims["name"]) == (provider.nonce, "李娜")
    assert claims["iat"] <= time.time() < claims["exp"]


def test_provider_refuses_a_wrong_verifier_and_burns_the_code(provider):
    code = provider.code()
    wrong = provider.token(code, verifier=secrets.token_urlsafe(48))
    assert wrong.status_code == 400
    assert wrong.json()["error"] == "invalid_grant"
    again = provider.token(code)  # the right verifier, too late: codes are single use
    assert again.json()["error"] == "invalid_grant"


@pytest.mark.parametrize(
    ("call", "status", "error"),
    [
        (lambda p, code: p.token(code, auth=(CLIENT_ID, "wrong")), 401, "invalid_client"),
        (lambda p, code: p.token(code, auth=None, client_id=CLIENT_ID,
                                 client_secret=CLIENT_SECRET), 401, "invalid_client"),
        (lambda p, code: p.token(code, redirect_uri=f"{APP_ORIGIN}/elsewhere"), 400,
         "invalid_grant"),
        (lambda p, code: p.token(code, grant_type="password"), 400, "unsupported_grant_type"),
        (lambda p, code: p.token("not-a-code"), 400, "invalid_grant"),
    ],
    ids=["wrong-secret", "secret-in-body", "other-redirect-uri", "other-grant", "unknown-code"],
)
def test_provider_token_endpoint_refusals(provider, call, status, error):
    answer = call(provider, provider.code())
    assert answer.status_code == status
    assert answer.json()["error"] == error


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"code_challenge": None}, "invalid_request"),
        ({"code_challenge_method": "plain"}, "invalid_request"),
        ({"nonce": None}, "invalid_request"),
        ({"scope": "profile"}, "invalid_scope"),
        ({"response_type": "token"}, "unsupported_response_type"),
    ],
)
def test_provider_sends_request_errors_back_to_the_app(provider, overrides, error):
    answer = provider.authorize(**overrides)
    assert answer.status_code == 302
    query = parse_qs(urlsplit(answer.headers["Location"]).query)
    assert answer.headers["Location"].startswith(CALLBACK + "?")
    assert (query["error"], query["state"]) == ([error], ["St4te"])


@pytest.mark.parametrize(
    "overrides",
    [{"client_id": "someone-else"}, {"redirect_uri": "https://evil.example/cb"}],
    ids=["unknown-client", "untrusted-redirect-uri"],
)
def test_provider_never_redirects_to_an_unregistered_place(provider, overrides):
    answer = provider.authorize(**overrides)
    assert answer.status_code == 400
    assert "Location" not in answer.headers
