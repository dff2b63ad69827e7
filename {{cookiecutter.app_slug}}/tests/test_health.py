"""/livez and /healthz (DB31DSJ/Z 003 §6.2.4 d): real checks, honest status, cached."""

from __future__ import annotations

import pytest

from {{ cookiecutter.__package_name }} import create_app
from {{ cookiecutter.__package_name }}.health import CheckResult, HealthMonitor, overall_status

HEALTH_JSON = "application/health+json"


def test_livez_answers_without_touching_dependencies(client):
    answer = client.get("/livez")
    assert answer.status_code == 200
    assert answer.mimetype == HEALTH_JSON
    assert answer.json == {"status": "pass"}


def test_healthz_passes_with_a_real_database_round_trip(client):
    answer = client.get("/healthz")
    assert answer.status_code == 200
    assert answer.mimetype == HEALTH_JSON
    assert answer.headers["Cache-Control"] == "no-store"
    body = answer.json
    assert body["status"] == "pass"
    assert body["version"]
    [database] = body["checks"]["database:responseTime"]
    assert database["status"] == "pass"
    assert database["componentType"] == "datastore"
    assert database["observedUnit"] == "ms"
    assert database["observedValue"] >= 0


# Databases that cannot be reached: a missing directory for SQLite, a closed port
# for PostgreSQL (psycopg is installed only in the postgresql bake).
DOWN_DATABASES = ["sqlite:////nonexistent-dir/for-health-test/app.db"]
{%- if cookiecutter.database == "postgresql" %}
DOWN_DATABASES.append("postgresql+psycopg://nobody:nothing@127.0.0.1:1/none")
{%- endif %}


@pytest.mark.parametrize("database_url", DOWN_DATABASES)
def test_healthz_fails_with_503_when_the_database_is_down(make_config, database_url):
    app = create_app(make_config(database_url=database_url))
    answer = app.test_client().get("/healthz")
    assert answer.status_code == 503
    assert answer.mimetype == HEALTH_JSON
    body = answer.json
    assert body["status"] == "fail"
    [database] = body["checks"]["database:responseTime"]
    assert database["status"] == "fail"
    # The monitor learns what failed, never the connection string.
    assert "数据库不可达" in database["output"]
    assert "nonexistent-dir" not in answer.get_data(as_text=True)
    assert "nothing@" not in answer.get_data(as_text=True)


def test_results_are_cached_for_the_configured_time():
    calls = []
    now = [100.0]

    def check() -> CheckResult:
        calls.append(now[0])
        return CheckResult("database:responseTime", "datastore", "pass", 1.0, "ms")

    monitor = HealthMonitor([check], ttl=5, clock=lambda: now[0])
    monitor.results()
    now[0] += 4.9
    monitor.results()
    assert len(calls) == 1  # a monitor polling hard does not hit the database each time
    now[0] += 0.1
    monitor.results()
    assert len(calls) == 2


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ([], "pass"),
        (["pass", "pass"], "pass"),
        (["pass", "warn"], "warn"),
        (["warn", "fail", "pass"], "fail"),
    ],
)
def test_overall_status_is_the_worst_check(statuses, expected):
    results = [CheckResult(f"c{i}:x", "component", status) for i, status in enumerate(statuses)]
    assert overall_status(results) == expected
