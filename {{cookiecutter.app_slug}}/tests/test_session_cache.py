"""Sessions cached in Redis (cache = redis): fast, yet logout stays final and Redis optional."""

from __future__ import annotations

import contextlib
import json
import logging
import time
import types

import pytest
import redis
from sqlalchemy import event

from {{ cookiecutter.__package_name }}.auth import session_cache, sessions
from {{ cookiecutter.__package_name }}.auth.models import LoginSession, digest
from {{ cookiecutter.__package_name }}.extensions import db

COOKIE = "__Host-ywxt_session"


def token_digest(client) -> str:
    return digest(client.get_cookie(COOKIE).value)


@contextlib.contextmanager
def statements(app):
    """The SQL statements the app sends while the block runs."""
    sent: list[str] = []

    def record(conn, cursor, statement, *args):
        sent.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", record)


@contextlib.contextmanager
def clock_at(monkeypatch, seconds_from_now: int):
    """The session code sees a later time; nothing else does."""
    later = time.time() + seconds_from_now
    monkeypatch.setattr(sessions, "time", types.SimpleNamespace(time=lambda: later))
    yield int(later)
    monkeypatch.undo()


def test_a_warm_session_costs_no_database_query(auth, platform_app, redis_client):
    auth.login("zhangwei")
    assert auth.client.get("/api/me").status_code == 200  # reads the row, caches it
    assert redis_client.get(session_cache.PREFIX + token_digest(auth.client)) is not None
    with statements(platform_app) as sent:
        me = auth.client.get("/api/me")
    assert me.status_code == 200 and me.json["userid"] == "zhangwei"
    assert sent == []


def test_the_cache_holds_no_ticket(auth, redis_client):
    auth.login("zhangwei")
    auth.client.get("/api/me")
    cached = json.loads(redis_client.get(session_cache.PREFIX + token_digest(auth.client)))
    assert set(cached) == {"userid", "name", "csrf_token", "created_at", "last_seen_at"}


def test_logout_is_final_even_if_a_slow_request_caches_the_session_again(auth, platform_app):
    auth.login("zhangwei")
    old_cookie = auth.client.get_cookie(COOKIE).value
    csrf = auth.csrf_token()  # GET /api/me: now cached
    with platform_app.app_context():
        fields = session_cache.get(digest(old_cookie))
    assert fields["userid"] == "zhangwei"
    assert auth.client.post("/auth/logout", headers={"X-CSRF-Token": csrf}).status_code == 204
    # A request that read the row just before the logout now writes it back.
    with platform_app.app_context():
        session_cache.put(digest(old_cookie), fields)
        assert session_cache.get(digest(old_cookie)) is False
    auth.client.set_cookie(COOKIE, old_cookie)
    assert auth.client.get("/api/me").status_code == 401


@pytest.mark.parametrize("limit", ["idle", "absolute"])
def test_cached_sessions_still_time_out(auth, platform_app, monkeypatch, limit):
    auth.login("zhangwei")
    assert auth.client.get("/api/me").status_code == 200
    key = token_digest(auth.client)
    if limit == "idle":
        with clock_at(monkeypatch, 31 * 60):
            assert auth.client.get("/api/me").status_code == 401
    else:  # active all along, but logged in 9 hours ago: only the cached copy says so
        with platform_app.app_context():
            cached = session_cache.get(key)
            session_cache.put(key, {**cached, "created_at": cached["created_at"] - 9 * 3600})
        assert auth.client.get("/api/me").status_code == 401
    with platform_app.app_context():
        assert db.session.get(LoginSession, key) is None
        assert session_cache.get(key) is False


def test_activity_is_recorded_in_the_database_and_the_cache(auth, platform_app, monkeypatch):
    auth.login("zhangwei")
    auth.client.get("/api/me")
    key = token_digest(auth.client)
    with clock_at(monkeypatch, sessions.TOUCH_INTERVAL_SECONDS + 5) as now:
        assert auth.client.get("/api/me").status_code == 200
        with platform_app.app_context():
            assert db.session.get(LoginSession, key).last_seen_at == now
            assert session_cache.get(key)["last_seen_at"] == now


def test_an_unreadable_entry_falls_back_to_the_database(auth, redis_client):
    auth.login("zhangwei")
    redis_client.set(session_cache.PREFIX + token_digest(auth.client), b"{not json")
    assert auth.client.get("/api/me").json["userid"] == "zhangwei"
    redis_client.set(session_cache.PREFIX + token_digest(auth.client), b'{"userid": "x"}')
    assert auth.client.get("/api/me").json["userid"] == "zhangwei"


def test_without_redis_sessions_work_from_the_database(auth, platform_app, caplog):
    auth.login("zhangwei")
    good = platform_app.extensions["redis"]
    platform_app.extensions["redis"] = redis.Redis(host="127.0.0.1", port=1,
                                                   socket_connect_timeout=0.2)
    try:
        with caplog.at_level(logging.WARNING):
            assert auth.client.get("/api/me").json["userid"] == "zhangwei"
            csrf = auth.csrf_token()
            assert auth.client.post("/auth/logout",
                                    headers={"X-CSRF-Token": csrf}).status_code == 204
            assert auth.client.get("/api/me").status_code == 401
    finally:
        platform_app.extensions["redis"] = good
    assert "session cache unavailable" in caplog.text


def test_a_purged_row_ends_its_cached_copy_at_the_next_check(auth, platform_app, monkeypatch):
    auth.login("zhangwei")
    auth.client.get("/api/me")
    key = token_digest(auth.client)
    with platform_app.app_context():  # purge_expired or an administrator removed the row
        db.session.delete(db.session.get(LoginSession, key))
        db.session.commit()
    assert auth.client.get("/api/me").status_code == 200  # the cached copy, for now
    with clock_at(monkeypatch, sessions.TOUCH_INTERVAL_SECONDS + 5):
        assert auth.client.get("/api/me").status_code == 401
    with platform_app.app_context():
        assert session_cache.get(key) is False
