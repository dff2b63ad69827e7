"""Settings are validated at start: every bad variable is named, production is strict."""

from __future__ import annotations

import pytest

from {{ cookiecutter.__package_name }}.config import SECRET_SENTINEL, Config, ConfigError

from .fixtures import PRODUCTION_ENV


def load(tmp_path, **changes) -> Config:
    environ = {**PRODUCTION_ENV, **changes}
    environ = {name: value for name, value in environ.items() if value is not None}
    return Config.from_env(environ, instance_path=tmp_path)


def problems(tmp_path, **changes) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, **changes)
    return caught.value.problems


def test_complete_production_environment_loads(tmp_path):
    config = load(tmp_path)
    assert config.is_production
    assert config.app_base_url.startswith("https://")
    assert config.ywxt_pc_agent_id == config.ywxt_agent_id  # defaults to the same agent


def test_production_is_the_default(tmp_path):
    config = load(tmp_path, APP_ENV=None)
    assert config.app_env == "production"


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"FLASK_SECRET_KEY": None}, "FLASK_SECRET_KEY 未设置"),
        ({"FLASK_SECRET_KEY": SECRET_SENTINEL}, "FLASK_SECRET_KEY 是默认值或过短"),
        ({"FLASK_SECRET_KEY": "dev"}, "FLASK_SECRET_KEY 是默认值或过短"),
        ({"FLASK_SECRET_KEY": "x" * 31}, "FLASK_SECRET_KEY 是默认值或过短"),
        ({"APP_BASE_URL": None}, "APP_BASE_URL 未设置"),
        ({"APP_BASE_URL": "http://app.example.gov.cn"}, "APP_BASE_URL 必须使用 HTTPS"),
        ({"YWXT_API_BASE": "http://api.example.gov.cn"}, "YWXT_API_BASE 必须使用 HTTPS"),
        ({"YWXT_JSSDK_URL": "not a url"}, "YWXT_JSSDK_URL='not a url' 不是有效的网址"),
        ({"YWXT_SECRET": ""}, "YWXT_SECRET 未设置"),
        ({"YWXT_AGENT_ID": "abc"}, "YWXT_AGENT_ID='abc' 应为纯数字"),
        ({"YWXT_PC_AGENT_ID": "pc-1"}, "YWXT_PC_AGENT_ID='pc-1' 应为纯数字"),
        ({"YWXT_PORTAL_ORIGINS": "http://portal.example.gov.cn"}, "必须使用 HTTPS"),
        ({"YWXT_PORTAL_ORIGINS": "https://portal.example.gov.cn/home"}, "不是来源地址"),
        ({"APP_ENV": "staging"}, "APP_ENV='staging' 无效"),
        ({"TRUSTED_PROXY_HOPS": "two"}, "TRUSTED_PROXY_HOPS='two' 应为不小于 0 的整数"),
        ({"HEALTH_CACHE_SECONDS": "-1"}, "HEALTH_CACHE_SECONDS='-1' 应为不小于 0 的数字"),
        ({"DATABASE_URL": "mysql://db/app"}, "DATABASE_URL 的类型 'mysql' 不受支持"),
{%- if cookiecutter.database == "postgresql" %}
        ({"DATABASE_URL": None}, "DATABASE_URL 未设置"),
{%- endif %}
    ],
)
def test_bad_setting_is_named(tmp_path, changes, expected):
    assert any(expected in problem for problem in problems(tmp_path, **changes))


def test_every_problem_is_reported_at_once(tmp_path):
    found = problems(tmp_path, FLASK_SECRET_KEY=None, APP_BASE_URL=None, YWXT_AGENT_ID="x")
    assert len(found) == 3
    message = str(ConfigError(found))
    assert "共 3 项" in message and "FLASK_SECRET_KEY" in message


def test_development_fills_simulator_defaults_and_allows_http(tmp_path, cache_environ):
    # Only the addresses no development default can guess: a database or cache server's.
    environ = {"APP_ENV": "development", **cache_environ}
    if "DATABASE_URL" in PRODUCTION_ENV:
        environ["DATABASE_URL"] = PRODUCTION_ENV["DATABASE_URL"]
    config = Config.from_env(environ, instance_path=tmp_path)
    assert config.ywxt_api_base == "http://127.0.0.1:5001"
    assert config.app_base_url == "http://127.0.0.1:5000"
    # A weak secret only warns in development: the process gets a random one.
    assert len(config.secret_key) >= 32


def test_plain_postgresql_url_uses_the_shipped_driver(tmp_path):
    config = load(tmp_path, DATABASE_URL="postgresql://u:p@db.internal/app")
    assert config.database_url == "postgresql+psycopg://u:p@db.internal/app"


{%- if cookiecutter.database == "sqlite" %}


def test_sqlite_is_the_embedded_default(tmp_path):
    config = load(tmp_path, DATABASE_URL=None)
    assert config.database_url == f"sqlite:///{tmp_path / 'app.db'}"
{%- endif %}


def test_secrets_are_not_in_the_repr(tmp_path):
    config = load(tmp_path)
    assert PRODUCTION_ENV["YWXT_SECRET"] not in repr(config)
