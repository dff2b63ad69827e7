"""The app factory, the WSGI entry point and the operator commands."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from flask import request
from sqlalchemy import text

from .fixtures import PRODUCTION_ENV

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def test_config_comes_from_the_argument(make_config, make_app):
    app = make_app(make_config())
    assert app.testing
    assert app.config["SETTINGS"].ywxt_corp_id == PRODUCTION_ENV["YWXT_CORP_ID"]


def test_proxy_fix_trusts_the_configured_hops(make_config, make_app):
    app = make_app(make_config(trusted_proxy_hops=1))

    @app.get("/scheme")
    def scheme():
        return {"scheme": request.scheme, "remote": request.remote_addr}

    answer = app.test_client().get(
        "/scheme", headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    )
    assert answer.json == {"scheme": "https", "remote": "203.0.113.9"}


def test_no_proxy_hops_ignores_forwarded_headers(make_config, make_app):
    app = make_app(make_config(trusted_proxy_hops=0))

    @app.get("/scheme")
    def scheme():
        return {"scheme": request.scheme}

    answer = app.test_client().get("/scheme", base_url="http://localhost",
                                   headers={"X-Forwarded-Proto": "https"})
    # Not believed: the request stays plain HTTP, which the HTTPS app sends to HTTPS, on its
    # own origin (APP_BASE_URL), not the Host the request named.
    assert answer.status_code == 301
    assert answer.headers["Location"] == "https://xietong.example.gov.cn/scheme"


def test_a_write_commits_while_another_worker_holds_a_read_open(app):
    """The embedded database is in WAL mode: in SQLite's default mode this commit would wait
    for the reader (3 s), then fail with "database is locked"."""
    with app.app_context():
        from {{ cookiecutter.__package_name }}.extensions import db

        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite only (TEST_DATABASE_URL names another database)")
        db.session.execute(text("CREATE TABLE wal_probe (n INTEGER)"))
        db.session.commit()
        reader = sqlite3.connect(db.engine.url.database, isolation_level=None)
        try:
            reader.execute("BEGIN")
            assert reader.execute("SELECT count(*) FROM wal_probe").fetchone() == (0,)
            db.session.execute(text("INSERT INTO wal_probe VALUES (1)"))
            db.session.commit()
            # The reader keeps its snapshot until its transaction ends.
            assert reader.execute("SELECT count(*) FROM wal_probe").fetchone() == (0,)
            reader.execute("COMMIT")
            assert reader.execute("SELECT count(*) FROM wal_probe").fetchone() == (1,)
            mode = db.session.execute(text("PRAGMA journal_mode")).scalar()
            assert mode == "wal"
        finally:
            reader.close()


def test_json_answers_keep_chinese_and_the_order_the_code_writes(app):
    """Readable answers: Chinese as is, keys in the order the view wrote them (not sorted,
    which Flask does by default at a cost on every list)."""
    with app.test_request_context("/"):
        text = app.json.response({"userid": "zhangwei", "name": "张伟", "csrf_token": "c"}
                                 ).get_data(as_text=True)
    assert text.startswith('{"userid":"zhangwei","name":"张伟","csrf_token"')


def test_settings_command_hides_secrets(runner):
    result = runner.invoke(args=["settings"])
    assert result.exit_code == 0
    assert "YWXT_CORP_ID" in result.output
    assert PRODUCTION_ENV["YWXT_SECRET"] not in result.output
    assert PRODUCTION_ENV["FLASK_SECRET_KEY"] not in result.output


def test_wsgi_refuses_to_start_with_a_message_naming_the_setting(tmp_path):
    environ = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("YWXT_", "APP_", "FLASK_", "DATABASE_"))
    }
    result = subprocess.run(
        [sys.executable, "-c", "import wsgi"],
        cwd=PROJECT_ROOT, env=environ, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 1
    assert "FLASK_SECRET_KEY 未设置" in result.stderr
    assert "Traceback" not in result.stderr
