"""Shared fixtures (flaskr's shape): `app`, `client`, `runner` built from a test `Config`.

Loaded for every test by the project's conftest.py: tests/ and each feature's own tests.
A generation option that needs fixtures of its own (a cache server, say) brings a
tests/<option>_fixtures.py, loaded after this module so that its fixtures override these.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
from urllib.parse import urljoin, urlsplit

import pytest
import requests
from devtools.platform_sim.server import serve
from devtools.platform_sim.settings import SimSettings
from sqlalchemy import event
from sqlalchemy.orm import Session

from {{ cookiecutter.__package_name }} import create_app, extensions
from {{ cookiecutter.__package_name }}.config import Config
from {{ cookiecutter.__package_name }}.extensions import db

from .platform_sim_support import hidden_fields

APP_ORIGIN = "https://{{ cookiecutter.app_domain.split('://')[-1] }}"
BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0 Safari/537.36"

# A complete, valid production environment; tests change one thing at a time.
PRODUCTION_ENV = {
    "APP_ENV": "production",
    "FLASK_SECRET_KEY": "k" * 48,
    "APP_BASE_URL": APP_ORIGIN,
    # No platform for plain unit tests: a closed loopback port fails fast. Tests that
    # need the platform use `platform_app`, wired to the simulator.
    "YWXT_API_BASE": "https://127.0.0.1:9",
    "YWXT_OAUTH_AUTHORIZE_URL": "https://open.platform.example.gov.cn/connect/oauth2/authorize",
    "YWXT_WEB_LOGIN_URL": "https://login.platform.example.gov.cn/wwlogin/sso/login",
    "YWXT_JSSDK_URL": "https://res.platform.example.gov.cn/jweixin.js",
    "YWXT_CORP_ID": "ww5f3c2b1a0d9e8f7a",
    "YWXT_AGENT_ID": "1000002",
    "YWXT_SECRET": "production-secret-from-the-platform",
{%- if cookiecutter.database == "postgresql" %}
    "DATABASE_URL": "postgresql+psycopg://app:app@127.0.0.1:5432/app",
{%- endif %}
}


def test_database_url(tmp_path) -> str:
    """TEST_DATABASE_URL (e.g. a throwaway PostgreSQL) or a fresh SQLite file."""
    return os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'test.db'}"


test_database_url.__test__ = False  # a helper, not a test


@pytest.fixture(scope="session")
def cache_environ() -> dict[str, str]:
    """The settings the app's cache needs: none for the embedded one.

    A cache server's fixture module overrides this with the address of a server it runs.
    """
    return {}


@pytest.fixture
def empty_cache() -> None:
    """Each test starts with empty caches and counters: the embedded ones live in tmp_path.

    A cache server's fixture module overrides this to empty its server.
    """


@pytest.fixture
def make_config(tmp_path, cache_environ, empty_cache):
    """Build a valid production Config with `overrides` applied."""

    def build(**overrides) -> Config:
        environ = {**PRODUCTION_ENV, **cache_environ, "DATABASE_URL": test_database_url(tmp_path)}
        config = Config.from_env(environ, instance_path=tmp_path / "instance")
        # Independent of whether this checkout's front end happens to be built.
        overrides = {"frontend_dist": tmp_path / "frontend-not-built", **overrides}
        return dataclasses.replace(config, testing=True, **overrides)

    return build


@pytest.fixture
def make_app(tmp_path):
    """create_app with this test's own instance folder (database file, token cache)."""

    def build(config: Config, **options):
        return create_app(config, instance_path=tmp_path / "instance", **options)

    return build


@contextlib.contextmanager
def tables_created(app):
    """The app with its tables created for the test, and dropped afterwards."""
    with app.app_context():
        db.create_all()
    try:
        yield app
    finally:
        with app.app_context():
            db.session.remove()
            db.drop_all()
            db.engine.dispose()


@dataclasses.dataclass
class RecordedSQL:
    """What a block of code asked of the database."""

    statements: list[str] = dataclasses.field(default_factory=list)
    orm_transactions: int = 0  # ORM sessions that began a transaction
    checkouts: int = 0  # connections taken from the pool

    @property
    def writes(self) -> list[str]:
        return [sql for sql in self.statements if not sql.lstrip().upper().startswith("SELECT")]


@contextlib.contextmanager
def sql_recorded(app):
    """Record every statement the app runs, every ORM session transaction and every
    connection taken from the pool while the block runs (a request's cost in queries, as
    `make bench` pays it). Statements come from the engine's events and from `read_rows`,
    which sends its reads to the DB-API cursor where those events do not see them."""
    recorded = RecordedSQL()
    with app.app_context():
        engine = db.engine

    def statement(_connection, _cursor, sql, *_args):
        recorded.statements.append(sql)

    prepare = extensions.prepare

    def read(statement, dialect):
        prepared = prepare(statement, dialect)
        recorded.statements.append(prepared.sql)
        return prepared

    def transaction(*_args):
        recorded.orm_transactions += 1

    def checkout(*_args):
        recorded.checkouts += 1

    event.listen(engine, "before_cursor_execute", statement)
    event.listen(Session, "after_begin", transaction)
    event.listen(engine, "checkout", checkout)
    extensions.prepare = read
    try:
        yield recorded
    finally:
        extensions.prepare = prepare
        event.remove(engine, "before_cursor_execute", statement)
        event.remove(Session, "after_begin", transaction)
        event.remove(engine, "checkout", checkout)


@pytest.fixture
def app(make_config, make_app):
    with tables_created(make_app(make_config())) as app:
        yield app


@pytest.fixture
def client(app):
    # APP_BASE_URL is https, so the test client speaks https (PREFERRED_URL_SCHEME).
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def sim():
    """The platform simulator over real HTTP on 127.0.0.1, stopped after the test."""
    settings = SimSettings(trusted_hosts=("127.0.0.1", "localhost", urlsplit(APP_ORIGIN).hostname))
    with serve(settings) as running:
        yield running


@pytest.fixture
def platform_app(make_config, make_app, sim):
    """An app talking to the simulator, as `make dev` runs it."""
    config = make_config(
        ywxt_api_base=sim.base_url,
        ywxt_oauth_authorize_url=f"{sim.base_url}/connect/oauth2/authorize",
        ywxt_web_login_url=f"{sim.base_url}/wwlogin/sso/login",
        ywxt_jssdk_url=f"{sim.base_url}/jssdk/jweixin.js",
        ywxt_secret="sim-secret-5f3c2b1a0d9e8f7a",
        ywxt_pc_agent_id="1000003",  # the simulator's PC agent (Appendix C pcAgentId)
    )
    with tables_created(make_app(config)) as app:
        yield app


class AuthActions:
    """Log in through the simulator's pages the way a person would (flaskr's `auth`)."""

    def __init__(self, client, sim):
        self.client = client
        self.sim = sim

    def start(self, next_path: str = "/", user_agent: str = BROWSER_UA):
        return self.client.get("/auth/login", query_string={"next": next_path},
                               headers={"User-Agent": user_agent})

    def pick_user(self, platform_url: str, userid: str) -> str:
        """On the platform's page, pick `userid`; return the callback URL it redirects to."""
        page = requests.get(platform_url.split("#")[0], timeout=5)
        assert page.status_code == 200, page.text
        action = urljoin(platform_url, urlsplit(platform_url).path)
        fields = {**hidden_fields(page.text), "userid": userid}
        picked = requests.post(action, data=fields, allow_redirects=False, timeout=5)
        assert picked.status_code == 302, picked.text
        return picked.headers["Location"]

    def follow_callback(self, callback_url: str):
        parts = urlsplit(callback_url)
        return self.client.get(f"{parts.path}?{parts.query}")

    def login(self, userid: str = "zhangwei", next_path: str = "/"):
        started = self.start(next_path)
        return self.follow_callback(self.pick_user(started.headers["Location"], userid))

    def csrf_token(self) -> str:
        return self.client.get("/api/me").json["csrf_token"]


@pytest.fixture
def platform_client(platform_app):
    return platform_app.test_client()


@pytest.fixture
def auth(platform_client, sim):
    return AuthActions(platform_client, sim)
