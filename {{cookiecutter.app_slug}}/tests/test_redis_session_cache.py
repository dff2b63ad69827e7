"""Sessions cached in Redis (cache = redis): fast, yet logout stays final and Redis optional."""

from __future__ import annotations

import contextlib
import json
import logging

import pytest
import redis
from sqlalchemy import event

from {{ cookiecutter.__package_name }}.auth import sessions
from {{ cookiecutter.__package_name }}.auth.models import LoginSession
from {{ cookiecutter.__package_name }}.auth.redis_session_cache import (
    PREFIX,
    RedisSessionCache,
)
from {{ cookiecutter.__package_name }}.auth.session_cache import ENDED, get_session_cache
from {{ cookiecutter.__package_name }}.extensions import db

from .contracts import DIGEST, FIELDS, SessionCacheContract
from .test_session_cache import clock_at, token_digest


class TestRedisSessionCache(SessionCacheContract):
    @pytest.fixture
    def cache(self, redis_client):
        return RedisSessionCache(redis_client)

    def test_a_session_is_served_as_put(self, cache):
        cache.put(DIGEST, FIELDS)
        assert cache.get(DIGEST) == FIELDS

    def test_an_ended_session_leaves_a_tombstone(self, cache, redis_client):
        cache.end(DIGEST)
        cache.put(DIGEST, FIELDS)
        assert cache.get(DIGEST) is ENDED
        assert 0 < redis_client.ttl(PREFIX + DIGEST) <= 60


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


def test_the_app_caches_sessions_in_redis(platform_app):
    assert isinstance(platform_app.extensions["session_cache"], RedisSessionCache)


def test_a_warm_session_costs_no_database_query(auth, platform_app, redis_client):
    auth.login("zhangwei")
    assert auth.client.get("/api/me").status_code == 200  # reads the row, caches it
    assert redis_client.get(PREFIX + token_digest(auth.client)) is not None
    with statements(platform_app) as sent:
        me = auth.client.get("/api/me")
    assert me.status_code == 200 and me.json["userid"] == "zhangwei"
    assert sent == []


def test_the_cache_holds_no_ticket(auth, redis_client):
    auth.login("zhangwei")
    auth.client.get("/api/me")
    cached = json.loads(redis_client.get(PREFIX + token_digest(auth.client)))
    assert set(cached) == {"userid", "name", "csrf_token", "created_at", "last_seen_at"}


def test_logout_leaves_a_tombstone(auth, platform_app):
    auth.login("zhangwei")
    key = token_digest(auth.client)
    csrf = auth.csrf_token()
    assert auth.client.post("/auth/logout", headers={"X-CSRF-Token": csrf}).status_code == 204
    with platform_app.app_context():
        assert get_session_cache().get(key) is ENDED


def test_a_cached_session_past_its_absolute_limit_ends(auth, platform_app):
    """Active all along, but logged in 9 hours ago: only the cached copy says so."""
    auth.login("zhangwei")
    assert auth.client.get("/api/me").status_code == 200
    key = token_digest(auth.client)
    with platform_app.app_context():
        cached = get_session_cache().get(key)
        get_session_cache().put(key, {**cached, "created_at": cached["created_at"] - 9 * 3600})
    assert auth.client.get("/api/me").status_code == 401
    with platform_app.app_context():
        assert db.session.get(LoginSession, key) is None
        assert get_session_cache().get(key) is ENDED


def test_an_unreadable_entry_falls_back_to_the_database(auth, redis_client):
    auth.login("zhangwei")
    redis_client.set(PREFIX + token_digest(auth.client), b"{not json")
    assert auth.client.get("/api/me").json["userid"] == "zhangwei"
    redis_client.set(PREFIX + token_digest(auth.client), b'{"userid": "x"}')
    assert auth.client.get("/api/me").json["userid"] == "zhangwei"


def test_without_redis_sessions_work_from_the_database(auth, platform_app, caplog):
    auth.login("zhangwei")
    good = platform_app.extensions["session_cache"]
    down = redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.2)
    platform_app.extensions["session_cache"] = RedisSessionCache(down)
    try:
        with caplog.at_level(logging.WARNING):
            assert auth.client.get("/api/me").json["userid"] == "zhangwei"
            csrf = auth.csrf_token()
            assert auth.client.post("/auth/logout",
                                    headers={"X-CSRF-Token": csrf}).status_code == 204
            assert auth.client.get("/api/me").status_code == 401
    finally:
        platform_app.extensions["session_cache"] = good
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
        assert get_session_cache().get(key) is ENDED
