"""Shared fixtures: `app`, `client`, `runner` built from a test `Config` (flaskr's shape)."""

from __future__ import annotations

import dataclasses
import os

import pytest

from {{ cookiecutter.__package_name }} import create_app
from {{ cookiecutter.__package_name }}.config import Config
from {{ cookiecutter.__package_name }}.extensions import db

# A complete, valid production environment; tests change one thing at a time.
PRODUCTION_ENV = {
    "APP_ENV": "production",
    "FLASK_SECRET_KEY": "k" * 48,
    "APP_BASE_URL": "https://{{ cookiecutter.app_domain.split('://')[-1] }}",
    "YWXT_API_BASE": "https://api.platform.example.gov.cn",
    "YWXT_OAUTH_AUTHORIZE_URL": "https://open.platform.example.gov.cn/connect/oauth2/authorize",
    "YWXT_WEB_LOGIN_URL": "https://login.platform.example.gov.cn/wwlogin/sso/login",
    "YWXT_JSSDK_URL": "https://res.platform.example.gov.cn/jweixin.js",
    "YWXT_CORP_ID": "ww5f3c2b1a0d9e8f7a",
    "YWXT_AGENT_ID": "1000002",
    "YWXT_SECRET": "production-secret-from-the-platform",
{%- if cookiecutter.database == "postgresql" %}
    "DATABASE_URL": "postgresql+psycopg://app:app@127.0.0.1:5432/app",
{%- endif %}
{%- if cookiecutter.cache == "redis" %}
    "REDIS_URL": "redis://127.0.0.1:6379/0",
{%- endif %}
}


def test_database_url(tmp_path) -> str:
    """TEST_DATABASE_URL (e.g. a throwaway PostgreSQL) or a fresh SQLite file."""
    return os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'test.db'}"


test_database_url.__test__ = False  # a helper, not a test


@pytest.fixture
def make_config(tmp_path):
    """Build a valid development-like Config with `overrides` applied."""

    def build(**overrides) -> Config:
        environ = {**PRODUCTION_ENV, "DATABASE_URL": test_database_url(tmp_path)}
        config = Config.from_env(environ, instance_path=tmp_path / "instance")
        return dataclasses.replace(config, testing=True, **overrides)

    return build


@pytest.fixture
def app(make_config):
    app = create_app(make_config())
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()
