"""The Redis cache (cache = redis): REDIS_URL is required, the stores use it, /healthz PINGs it."""

from __future__ import annotations

import pytest

from {{ cookiecutter.__package_name }} import config as config_module
from {{ cookiecutter.__package_name }} import create_app
from {{ cookiecutter.__package_name }}.auth.redis_session_cache import RedisSessionCache
from {{ cookiecutter.__package_name }}.config import Config, ConfigError
from {{ cookiecutter.__package_name }}.platform.redis_token_store import RedisTokenStore

from .contracts import KEY, CountingFetch
from .fixtures import PRODUCTION_ENV, tables_created


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"REDIS_URL": None}, "REDIS_URL 未设置（本应用按 Redis 缓存生成"),
        ({"REDIS_URL": "  "}, "REDIS_URL 未设置"),
        ({"REDIS_URL": "http://cache"}, "REDIS_URL 应以 redis://、rediss:// 或 unix:// 开头"),
    ],
)
def test_a_missing_or_bad_redis_url_is_named(tmp_path, changes, expected):
    environ = {**PRODUCTION_ENV, **changes}
    environ = {name: value for name, value in environ.items() if value is not None}
    with pytest.raises(ConfigError) as caught:
        Config.from_env(environ, instance_path=tmp_path)
    assert any(expected in problem for problem in caught.value.problems)


def test_without_the_redis_cache_redis_url_is_not_read(tmp_path, monkeypatch):
    """An embedded bake has no Redis client: REDIS_URL, even a bad one, changes nothing."""
    monkeypatch.setattr(config_module, "CACHE_KIND", "embedded")
    environ = {**PRODUCTION_ENV, "REDIS_URL": "http://not-redis"}
    assert Config.from_env(environ, instance_path=tmp_path).redis_url is None


def test_the_redis_url_is_not_in_the_repr(tmp_path):
    environ = {**PRODUCTION_ENV, "REDIS_URL": "redis://:cache-password@cache.internal:6379/0"}
    config = Config.from_env(environ, instance_path=tmp_path)
    assert config.redis_url == "redis://:cache-password@cache.internal:6379/0"
    assert "cache-password" not in repr(config)


def test_tokens_and_sessions_live_in_redis(app):
    assert isinstance(app.extensions["ywxt"].token_store, RedisTokenStore)
    assert isinstance(app.extensions["session_cache"], RedisSessionCache)


def test_another_machine_reads_the_tokens_through_redis(app, make_config, tmp_path):
    """An instance with an instance folder of its own still fetches no token of its own."""
    fetched = app.extensions["ywxt"].token_store.get(KEY, CountingFetch())
    elsewhere = create_app(make_config(), instance_path=tmp_path / "another-machine")
    unused = CountingFetch()
    assert elsewhere.extensions["ywxt"].token_store.get(KEY, unused) == fetched
    assert unused.calls == 0


def test_healthz_pings_redis(platform_client):
    body = platform_client.get("/healthz").json
    [cache] = body["checks"]["cache:responseTime"]
    assert cache["status"] == "pass"
    assert cache["componentType"] == "datastore"
    assert cache["observedUnit"] == "ms"


def test_healthz_fails_when_redis_is_down(make_config, make_app):
    config = make_config(redis_url="redis://127.0.0.1:1/0")
    with tables_created(make_app(config)) as app:
        answer = app.test_client().get("/healthz")
    assert answer.status_code == 503
    body = answer.json
    [cache] = body["checks"]["cache:responseTime"]
    assert cache["status"] == "fail"
    assert "缓存不可达" in cache["output"]
    assert "127.0.0.1:1" not in answer.get_data(as_text=True)  # never the address
