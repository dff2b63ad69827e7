"""{{ cookiecutter.app_name }}: an H5 application for the 一网协同 platform."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from importlib import import_module
from pathlib import Path
from types import TracebackType
from typing import Any

from alembic.config import Config as AlembicConfig
from flask import Flask
from flask.json.provider import DefaultJSONProvider
from sqlalchemy import event

from . import (
    api,
    auth,
    cli,
    errors,
    features,
    frontend,
    health,
    inbox,
    openapi,
    pages,
    platform,
    reports,
    security,
)
from .config import Config
from .extensions import close_read_connection, db, migrate
from .features import Feature
from .privacy import log_filter
from .security.files import protect_files_at_rest

APP_NAME = "{{ cookiecutter.app_name }}"


class ReadableJSONProvider(DefaultJSONProvider):
    """JSON answers keep Chinese messages readable instead of \\uXXXX escapes, and their
    keys in the order the code writes them (Flask sorts them by default: a tenth of a
    20-item list's encoding, on every request, for an order no client relies on)."""

    ensure_ascii = False
    sort_keys = False


def create_app(config: Config | None = None, *, instance_path: str | None = None,
               installed_features: Sequence[Feature] | None = None) -> Flask:
    """Build the app; settings come from the environment unless a `Config` is given.

    `instance_path` moves the instance folder (embedded database, token cache); tests
    give each app its own. `installed_features` replaces features.INSTALLED_FEATURES
    (tests of the core's mechanisms plug in a feature of their own).
    """
    app = Flask(__name__, instance_relative_config=True,
                instance_path=str(instance_path) if instance_path else None)
    if config is None:
        config = Config.from_env(os.environ, instance_path=app.instance_path)
    configure(app, config)
    report_unreachable_services(config)
    register_extensions(app)
    register_blueprints(app, features.load() if installed_features is None
                        else installed_features)
    errors.register_error_handlers(app)
    cli.register_commands(app)
    return app


def configure(app: Flask, config: Config) -> None:
    # DB31DSJ/Z 003 §8.2 c: no log line carries personal data or a credential.
    log_filter.install()
    app.config["SETTINGS"] = config
    app.config.update(
        SECRET_KEY=config.secret_key,
        TESTING=config.testing,
        SQLALCHEMY_DATABASE_URI=config.database_url,
        SQLALCHEMY_ENGINE_OPTIONS=engine_options(config.database_url),
        MAX_CONTENT_LENGTH=1024 * 1024,
        PREFERRED_URL_SCHEME="https" if config.app_base_url.startswith("https") else "http",
    )
    app.json = ReadableJSONProvider(app)
    app.jinja_env.globals["app_name"] = APP_NAME
    # The instance folder holds the embedded database and the platform token cache:
    # owner-only, as is every file the process writes from here on (§8.2).
    protect_files_at_rest(app.instance_path, config.database_url)


def report_unreachable_services(config: Config) -> None:
    """A command (`flask db upgrade`, `flask contacts sync`, ...) that cannot reach the
    database or the cache server ends with one Chinese line naming the setting, not a
    traceback.

    Only exceptions nothing else caught reach sys.excepthook: requests are answered by
    Flask's error handlers, and every other error keeps its traceback.
    """
    previous = sys.excepthook

    def hook(kind: type[BaseException], error: BaseException,
             traceback: TracebackType | None) -> None:
        line = unreachable_service_line(error, config)
        if line is None:
            previous(kind, error, traceback)
        else:
            print(line, file=sys.stderr)

    if not getattr(sys.excepthook, "reports_services", False):
        hook.reports_services = True  # type: ignore[attr-defined]
        sys.excepthook = hook


def unreachable_service_line(error: BaseException, config: Config) -> str | None:
    """One line for a database (here) or cache server (its `<cache>_store.py`) out of reach."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import OperationalError

    if isinstance(error, OperationalError):
        url = make_url(config.database_url).render_as_string(hide_password=True)
        reason = str(error.orig).strip().splitlines()[0].rstrip("。.") if error.orig else ""
        return (f"无法连接数据库（DATABASE_URL={url}）：{reason}。开发时 make dev 会启动本机"
                "开发数据库；否则请检查 .env 中的 DATABASE_URL 和数据库服务")
    store = import_module(f"{__name__}.{config.cache}_store")
    line: str | None = getattr(store, "unreachable_line", lambda error: None)(error)
    return line


# How long a write waits for another worker's commit on the embedded database (SQLite) before
# it fails with "database is locked" (a 500). SQLite has no connection to time out: this is
# the lock wait alone. 3 s was too short: a burst of writes from threads sharing a busy CPU
# made some writes wait longer, and fail. Below gunicorn's 30 s.
SQLITE_LOCK_WAIT_SECONDS = 15


def engine_options(database_url: str) -> dict[str, Any]:
    """PostgreSQL: a short connect timeout, so a dead database makes /healthz fail fast
    instead of hang. SQLite: a lock wait long enough for a burst of writes; /healthz only
    reads, and a reader never waits for a writer (WAL)."""
    if database_url.startswith("postgresql"):
        return {"pool_pre_ping": True, "connect_args": {"connect_timeout": 3}}
    return {"connect_args": {"timeout": SQLITE_LOCK_WAIT_SECONDS}}


def use_write_ahead_log(app: Flask) -> None:
    """The embedded database (SQLite) in WAL mode: readers no longer wait for a writer's
    commit, nor a writer for readers, so one worker's write (a new item, a session's
    activity) does not stall every other worker's reads. `make bench` measured it. The mode
    is kept in the database file; the connect hook sets it on databases made before."""
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _write_ahead_log)


def _write_ahead_log(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.execute("PRAGMA journal_mode=WAL")


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    app.teardown_appcontext(close_read_connection)
    use_write_ahead_log(app)
    migrate.init_app(app, db, directory=str(Path(app.root_path).parent.parent / "migrations"))
    bind_cache(app)
    security.init_app(app)
    platform.init_app(app, on_event=reports.event_recorder(app))
    health.init_app(app)


def bind_cache(app: Flask) -> None:
    """Bind the token store and session cache every worker shares: the one place that picks.

    The cache was chosen at generation (`Config.cache`); its module `<cache>_store.py`
    beside this file binds both. embedded_store.py is in every bake; a cache server's
    module only in the bakes generated with it (post_gen_project deletes it otherwise).
    """
    import_module(f"{__name__}.{app.config['SETTINGS'].cache}_store").init_app(app)


def with_feature_migrations(alembic_config: AlembicConfig) -> AlembicConfig:
    """Alembic reads the core's migrations and each feature's own branch (Flask-Migrate
    calls this for every `flask db` command)."""
    core = Path(alembic_config.get_main_option("script_location", "migrations")) / "versions"
    folders = [core, *features.migration_folders()]
    alembic_config.set_main_option("path_separator", "os")
    alembic_config.set_main_option("version_locations",
                                   os.pathsep.join(str(folder) for folder in folders))
    return alembic_config


migrate.configure(with_feature_migrations)


def register_blueprints(app: Flask, installed_features: Sequence[Feature]) -> None:
    auth.init_app(app)
    api.init_app(app)
    inbox.init_app(app)
    app.register_blueprint(openapi.bp)  # GET /openapi.json, `flask openapi`
    features.init_app(app, installed_features)
    # Without a built front end (an API-only team, or before `make setup`), a small
    # server-rendered home page still shows who is logged in.
    app.register_blueprint(frontend.bp if frontend.is_built(app) else pages.bp)
