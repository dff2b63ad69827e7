"""Sessions behind the app's session cache: logout stays final and timeouts still apply.

The app-level tests run against the cache this project was generated with; the embedded
caches (no copies: auth/session_cache.py; copies in each worker:
auth/worker_session_cache.py, tested in test_worker_session_cache.py) also pass the
contract every cache shares.
"""

from __future__ import annotations

import contextlib
import time
import types

import pytest

from {{ cookiecutter.__package_name }}.auth import sessions
from {{ cookiecutter.__package_name }}.auth.models import LoginSession, digest
from {{ cookiecutter.__package_name }}.auth.session_cache import (
    NoSessionCache,
    get_session_cache,
)
from {{ cookiecutter.__package_name }}.extensions import db

from .contracts import SessionCacheContract

COOKIE = "__Host-ywxt_session"


def token_digest(client) -> str:
    return digest(client.get_cookie(COOKIE).value)


@contextlib.contextmanager
def clock_at(monkeypatch, seconds_from_now: int):
    """The session code sees a later time; nothing else does."""
    later = time.time() + seconds_from_now
    monkeypatch.setattr(sessions, "time", types.SimpleNamespace(time=lambda: later))
    yield int(later)
    monkeypatch.undo()


def cached_fields(app, key: str) -> dict:
    """What a request that read the session row would put into the cache."""
    with app.app_context():
        row = db.session.get(LoginSession, key)
        return {"userid": row.userid, "name": row.display_name, "csrf_token": row.csrf_token,
                "created_at": row.created_at, "last_seen_at": row.last_seen_at}


class TestNoSessionCache(SessionCacheContract):
    @pytest.fixture
    def cache(self):
        return NoSessionCache()


def test_logout_is_final_even_if_a_slow_request_caches_the_session_again(auth, platform_app):
    auth.login("zhangwei")
    old_cookie = auth.client.get_cookie(COOKIE).value
    key = digest(old_cookie)
    csrf = auth.csrf_token()  # GET /api/me: cached, where the cache keeps copies
    fields = cached_fields(platform_app, key)
    assert auth.client.post("/auth/logout", headers={"X-CSRF-Token": csrf}).status_code == 204
    # A request that read the row just before the logout now writes it back.
    with platform_app.app_context():
        get_session_cache().put(key, fields)
    auth.client.set_cookie(COOKIE, old_cookie)
    assert auth.client.get("/api/me").status_code == 401


def test_an_idle_session_times_out_however_it_is_cached(auth, platform_app, monkeypatch):
    auth.login("zhangwei")
    assert auth.client.get("/api/me").status_code == 200
    key = token_digest(auth.client)
    with clock_at(monkeypatch, 31 * 60):
        assert auth.client.get("/api/me").status_code == 401
    with platform_app.app_context():
        assert db.session.get(LoginSession, key) is None
        assert not isinstance(get_session_cache().get(key), dict)


def test_activity_is_recorded_in_the_database_and_any_cached_copy(auth, platform_app,
                                                                  monkeypatch):
    auth.login("zhangwei")
    auth.client.get("/api/me")
    key = token_digest(auth.client)
    with clock_at(monkeypatch, sessions.TOUCH_INTERVAL_SECONDS + 5) as now:
        assert auth.client.get("/api/me").status_code == 200
        with platform_app.app_context():
            assert db.session.get(LoginSession, key).last_seen_at == now
            cached = get_session_cache().get(key)
            assert cached is None or cached["last_seen_at"] == now  # a stale copy would lie
