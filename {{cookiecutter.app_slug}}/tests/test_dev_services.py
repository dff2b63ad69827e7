"""`make dev`'s services: which URLs get a private server, and the one-line errors.

The servers themselves are started by the template's slow test (a bake with both services
running `make dev` to a passing /healthz); here, the decisions and the messages.
"""

from __future__ import annotations

import dataclasses
import socket

from devtools import dev_services
from sqlalchemy.exc import OperationalError

from {{ cookiecutter.__package_name }} import unreachable_service_line


def test_dotenv_is_read_as_the_app_reads_it_and_the_environment_wins(tmp_path, monkeypatch):
    env = tmp_path / ".env"
    env.write_text("# comment\nDATABASE_URL='postgresql://a:b@127.0.0.1:5432/c'\nAPP_ENV=\n",
                   encoding="utf-8")
    values = dev_services.read_dotenv(env)
    assert values["DATABASE_URL"] == "postgresql://a:b@127.0.0.1:5432/c"
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert dev_services.setting("DATABASE_URL", values) == values["DATABASE_URL"]
    monkeypatch.setenv("DATABASE_URL", "postgresql://x@db.internal/y")
    assert dev_services.setting("DATABASE_URL", values) == "postgresql://x@db.internal/y"


def test_other_hosts_and_answering_ports_are_left_alone():
    assert dev_services.start_postgresql("postgresql+psycopg://u:p@db.internal:5432/app") is None
    assert dev_services.start_postgresql("sqlite:///instance/app.db") is None
    with socket.socket() as busy:  # something already answers there: use it as configured
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert dev_services.start_postgresql(f"postgresql://u:p@127.0.0.1:{port}/app") is None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_missing_packages_get_one_chinese_line_naming_the_setting(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text(
        f"DATABASE_URL=postgresql+psycopg://u:p@127.0.0.1:{free_port()}/app\n", encoding="utf-8")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setattr(dev_services, "postgres_bin", lambda name: None)
    monkeypatch.setattr(dev_services.shutil, "which", lambda name: None)
    assert dev_services.run(["true"], postgresql=True) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "DATABASE_URL" in err and "sudo apt-get install postgresql" in err


def test_unreachable_database_is_one_line_without_the_password(make_config):
    config = dataclasses.replace(make_config(),
                                 database_url="postgresql+psycopg://app:s3cret@127.0.0.1:1/app")
    error = OperationalError("SELECT 1", {}, Exception(
        'connection to server at "127.0.0.1", port 1 failed: Connection refused\nIs it running?'))
    line = unreachable_service_line(error, config)
    assert line.startswith("无法连接数据库（DATABASE_URL=postgresql+psycopg://app:***@127.0.0.1:1/app）")
    assert "Connection refused" in line and "\n" not in line and "s3cret" not in line
    assert unreachable_service_line(ValueError("x"), config) is None
