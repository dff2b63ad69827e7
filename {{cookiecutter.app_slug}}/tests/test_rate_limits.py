"""Limits keyed by what they protect (security/rate_limits.py), not by an office's address.

A government office reaches the app from one egress address: a building's logins at 9:00
all succeed from it, while flooding login states, guessing codes and spoofing
X-Forwarded-For stay bounded. Signatures are limited per session, writes per user.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from devtools.platform_sim.server import serve
from devtools.platform_sim.settings import SimSettings
from dotenv import dotenv_values
from flask import request
from flask.globals import request_ctx
from sqlalchemy import func, select, update

from {{ cookiecutter.__package_name }}.auth.models import PendingLogin
from {{ cookiecutter.__package_name }}.config import Config
from {{ cookiecutter.__package_name }}.extensions import db
from {{ cookiecutter.__package_name }}.inbox import post_message
from {{ cookiecutter.__package_name }}.platform import Identity

from .fixtures import APP_ORIGIN, BROWSER_UA, AuthActions
from .platform_sim_support import AGENT_ID

PROJECT_ROOT = Path(__file__).resolve().parent.parent
OFFICE = "198.51.100.7"  # one egress address for a whole building
ELSEWHERE = "203.0.113.50"


@pytest.fixture
def sim():
    """The simulator, with the platform's per-API limit above a building's morning (the
    platform's own limits are its business; these tests are about the app's)."""
    settings = SimSettings(trusted_hosts=("127.0.0.1", "localhost",
                                          urlsplit(APP_ORIGIN).hostname),
                           rate_limit_per_min=10_000)
    with serve(settings) as running:
        yield running


@pytest.fixture
def app_with(platform_app, make_app):
    """Another app on the same database and simulator, with some settings changed."""

    def build(**overrides):
        return make_app(dataclasses.replace(platform_app.config["SETTINGS"], **overrides))

    return build


def start_login(client, address: str = OFFICE, **headers):
    return client.get("/auth/login", environ_base={"REMOTE_ADDR": address},
                      headers={"User-Agent": BROWSER_UA, **headers})


def log_in(client, sim, userid: str, address: str = OFFICE):
    """A whole login from `address`: the platform's code is issued as its login page would."""
    started = start_login(client, address)
    assert started.status_code == 302, started.get_data(as_text=True)
    state = parse_qs(urlsplit(started.headers["Location"]).query)["state"][0]
    code = sim.state.issue_code(userid, scope="snsapi_base", agentid=AGENT_ID, source="web",
                                consent=False)
    return client.get("/auth/callback", query_string={"state": state, "code": code},
                      environ_base={"REMOTE_ADDR": address})


def live_pending_logins(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(PendingLogin))


# -- logins: a building at 9:00 --------------------------------------------------------


def test_a_building_behind_one_address_logs_in_at_nine(platform_app, sim, monkeypatch):
    """600 logins in a row from one address all succeed (a per-address limit of 30 a
    minute once refused the 31st).

    The first login goes through the simulator; for the other 599 the platform's two
    answers (code exchange, profile) are given directly, which keeps the test to seconds:
    the platform's speed is not what is tested here, the app's limits are.
    """
    client = platform_app.test_client()
    assert log_in(client, sim, "zhangwei").status_code == 302
    platform = platform_app.extensions["ywxt"]
    monkeypatch.setattr(platform, "exchange_code",
                        lambda code: Identity(sim.state.consume_code(code)["userid"]))
    monkeypatch.setattr(platform, "get_user", lambda userid: {"userid": userid, "name": userid})
    users = ("zhangwei", "lina", "wangfang", "canary")
    for number in range(1, 600):
        answer = log_in(client, sim, users[number % len(users)])
        assert answer.status_code == 302, (number, answer.get_data(as_text=True))
        assert answer.headers["Location"] == "/"
    assert client.get("/api/me").json["userid"] == users[599 % len(users)]
    assert live_pending_logins(platform_app) == 0  # each finished login freed its state


# -- logins: abuse -----------------------------------------------------------------------


def test_flooding_login_states_from_one_address_stops_at_its_share(app_with):
    app = app_with(login_pending_per_address=20, login_pending_max=50)
    client = app.test_client()
    assert [start_login(client).status_code for _ in range(20)] == [302] * 20
    refused = start_login(client, Accept="application/json")
    assert refused.status_code == 429
    assert refused.json["error"]["title"] == "登录请求太多"
    assert 290 <= int(refused.headers["Retry-After"]) <= 301  # when the oldest state expires
    assert start_login(client, ELSEWHERE).status_code == 302  # other people are not blocked
    assert live_pending_logins(app) == 21


def test_flooding_from_many_addresses_stops_at_the_total(app_with):
    app = app_with(login_pending_per_address=20, login_pending_max=50)
    client = app.test_client()
    for number in range(50):
        assert start_login(client, f"10.1.{number // 10}.{number % 10 + 1}").status_code == 302
    refused = start_login(client, ELSEWHERE, Accept="application/json")
    assert refused.status_code == 503
    assert refused.json["error"]["title"] == "登录繁忙"
    assert int(refused.headers["Retry-After"]) > 0
    assert live_pending_logins(app) == 50


def test_expired_and_finished_logins_free_their_place(app_with, sim):
    app = app_with(login_pending_per_address=3)
    client = app.test_client()
    for _ in range(3):
        start_login(client)
    assert start_login(client).status_code == 429
    with app.app_context():  # five minutes later: the abandoned states have expired
        db.session.execute(update(PendingLogin).values(expires_at=PendingLogin.expires_at - 301))
        db.session.commit()
    assert log_in(client, sim, "zhangwei").status_code == 302
    assert [start_login(client).status_code for _ in range(4)] == [302, 302, 302, 429]


def test_spoofed_forwarded_for_from_an_untrusted_peer_counts_as_that_peer(app_with):
    """X-Forwarded-For counts only from a configured proxy: a client that names a new
    address on every request is still one address."""
    app = app_with(login_pending_per_address=5)
    client = app.test_client()
    answers = [start_login(client, ELSEWHERE, **{"X-Forwarded-For": f"192.0.2.{n}"}).status_code
               for n in range(1, 8)]
    assert answers == [302] * 5 + [429] * 2


def test_guessing_codes_costs_a_login_state_per_guess(platform_client, sim):
    """A state is single use: a wrong code consumes it, so guesses are bounded by the
    login-state limits, and a replayed state never reaches the platform."""
    started = start_login(platform_client)
    state = parse_qs(urlsplit(started.headers["Location"]).query)["state"][0]
    guess = platform_client.get("/auth/callback", query_string={"state": state, "code": "guess1"})
    assert guess.status_code == 400
    asked = len(sim.calls("/cgi-bin/auth/getuserinfo"))
    assert asked == 1
    for attempt in range(20):
        again = platform_client.get("/auth/callback",
                                    query_string={"state": state, "code": f"guess{attempt}"})
        assert again.status_code == 400
        assert "登录链接已过期或已使用" in again.get_data(as_text=True)
    for attempt in range(20):  # states nobody issued
        forged = platform_client.get("/auth/callback",
                                     query_string={"state": f"forged{attempt}", "code": "x"})
        assert forged.status_code == 400
    assert len(sim.calls("/cgi-bin/auth/getuserinfo")) == asked


# -- trusted proxies -----------------------------------------------------------------------


def seen_address(app, peer: str, forwarded_for: str) -> tuple[str, str]:
    """(remote address, scheme) as a view sees them."""
    client = app.test_client()
    answer = client.get("/_test/peer", environ_base={"REMOTE_ADDR": peer},
                        base_url="http://xietong.example.gov.cn",
                        headers={"X-Forwarded-For": forwarded_for, "X-Forwarded-Proto": "https"})
    return tuple(answer.get_data(as_text=True).split())


@pytest.fixture
def echo_app(make_config, make_app):
    def build(config: Config):
        app = make_app(config)

        @app.get("/_test/peer")
        def peer():
            return f"{request.remote_addr} {request.scheme}"

        return app

    return build


def test_forwarded_headers_count_only_from_a_configured_proxy(echo_app, make_config):
    app = echo_app(make_config(app_base_url="http://xietong.example.gov.cn",
                               trusted_proxy_hops=1))
    # nginx on this host: its X-Forwarded-For and -Proto are the client's.
    assert seen_address(app, "127.0.0.1", "203.0.113.9") == ("203.0.113.9", "https")
    # Anyone else sending them: ignored.
    assert seen_address(app, "203.0.113.66", "10.0.0.1") == ("203.0.113.66", "http")


def test_make_dev_cannot_be_spoofed(echo_app, tmp_path):
    """`make dev` has no proxy in front: its settings trust no forwarded header, whether
    from a new .env (.env.example) or an old .env (the Makefile overrides it)."""
    environ = {**dotenv_values(PROJECT_ROOT / ".env.example"),
               "DATABASE_URL": f"sqlite:///{tmp_path / 'dev.db'}"}
    config = Config.from_env(environ, instance_path=tmp_path / "instance")
    assert config.trusted_proxy_hops == 0
    app = echo_app(dataclasses.replace(config, testing=True))
    assert seen_address(app, "127.0.0.1", "203.0.113.9") == ("127.0.0.1", "http")
    makefile = (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8")
    [run_line] = [line for line in makefile.splitlines() if "flask --app wsgi run" in line]
    assert "TRUSTED_PROXY_HOPS=0 $(BIN)/flask --app wsgi run" in run_line


# -- sessions and users --------------------------------------------------------------------


def test_signatures_are_limited_per_session_not_per_office(platform_app, sim):
    query = {"url": f"{APP_ORIGIN}/", "type": "corp"}
    first, second = (AuthActions(platform_app.test_client(), sim) for _ in range(2))
    first.login("zhangwei")
    second.login("lina")
    codes = [first.client.get("/api/jssdk/signature", query_string=query).status_code
             for _ in range(61)]
    assert codes[:60] == [200] * 60
    assert codes[60] == 429
    # Same address, another session: not throttled with the first.
    assert second.client.get("/api/jssdk/signature", query_string=query).status_code == 200


def test_writes_are_limited_per_user(app_with, sim):
    app = app_with(user_writes_per_minute=5)
    with app.app_context():
        for userid in ("zhangwei", "lina"):
            post_message(userid, "新的待办", "请办理", "/#/")
        db.session.commit()
    first, second = (AuthActions(app.test_client(), sim) for _ in range(2))
    first.login("zhangwei")
    second.login("lina")
    token = first.csrf_token()
    codes = [first.client.post("/api/messages/1/read", headers={"X-CSRF-Token": token}).status_code
             for _ in range(6)]
    assert codes == [204] * 5 + [429]
    refused = first.client.post("/api/messages/1/read", headers={"X-CSRF-Token": token})
    assert refused.json["error"]["title"] == "操作太频繁"
    assert int(refused.headers["Retry-After"]) > 0
    assert first.client.get("/api/messages").status_code == 200  # reading goes on
    # Another user at the same address writes on.
    assert second.client.post("/api/messages/2/read",
                              headers={"X-CSRF-Token": second.csrf_token()}).status_code == 204


def test_reads_run_none_of_the_limiters_work(auth, platform_app):
    """No limit applies to a read: flask-limiter is not asked at all (it resolved the limits of
    every GET, a tenth of /healthz's cost in `make bench`), while writes are still counted."""
    auth.login("zhangwei")
    with auth.client:
        assert auth.client.get("/api/me").status_code == 200
        assert not hasattr(request_ctx._get_current_object(), "_limiter_request_context")
    with auth.client:
        auth.client.post("/api/messages/1/read", headers={"X-CSRF-Token": auth.csrf_token()})
        assert hasattr(request_ctx._get_current_object(), "_limiter_request_context")
