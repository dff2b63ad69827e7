"""/livez and /healthz (DB31DSJ/Z 003 §6.2.4 d): real checks, honest status, cached."""

from __future__ import annotations

import pytest
import requests

from {{ cookiecutter.__package_name }}.health import (
    CheckResult,
    HealthMonitor,
    overall_status,
)

HEALTH_JSON = "application/health+json"


def test_livez_answers_without_touching_dependencies(client):
    answer = client.get("/livez")
    assert answer.status_code == 200
    assert answer.mimetype == HEALTH_JSON
    assert answer.json == {"status": "pass"}


def test_healthz_passes_with_a_real_database_round_trip(platform_client):
    answer = platform_client.get("/healthz")
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


def test_a_fresh_app_fetches_its_first_token_and_passes(platform_client, sim):
    body = platform_client.get("/healthz").json
    [platform] = body["checks"]["platform:responseTime"]
    assert platform["status"] == "pass"
    assert platform["observedUnit"] == "ms"
    assert len(sim.calls("/cgi-bin/gettoken")) == 1


def test_platform_down_is_a_warning_not_a_failure(platform_client, sim):
    requests.post(f"{sim.base_url}/_sim/down", json={"mode": "503"}, timeout=5)
    answer = platform_client.get("/healthz")
    assert answer.status_code == 200
    body = answer.json
    assert body["status"] == "warn"
    [platform] = body["checks"]["platform:responseTime"]
    assert platform["status"] == "warn"
    assert "一网协同平台不可达" in platform["output"]
    assert body["checks"]["database:responseTime"][0]["status"] == "pass"


def test_an_unexpected_error_in_a_check_is_a_fail_not_a_crash(platform_app, monkeypatch):
    """E.g. the token cache's server is down under the platform check: 503 fail, no 500."""
    client = platform_app.extensions["ywxt"]

    def broken_cache():
        raise ConnectionError("cache down")

    monkeypatch.setattr(client, "ensure_access_token", broken_cache)
    answer = platform_app.test_client().get("/healthz")
    assert answer.status_code == 503
    assert answer.mimetype == HEALTH_JSON
    [platform] = answer.json["checks"]["platform:responseTime"]
    assert platform["status"] == "fail"
    assert "ConnectionError" in platform["output"]


def test_polling_does_not_hammer_the_platform(platform_client, sim):
    for _ in range(20):
        platform_client.get("/healthz")
    assert len(sim.calls("/cgi-bin/gettoken")) == 1


# Databases that cannot be reached: a missing directory for SQLite, a closed port
# for PostgreSQL (psycopg is installed only in the postgresql bake).
DOWN_DATABASES = ["sqlite:////nonexistent-dir/for-health-test/app.db"]
{%- if cookiecutter.database == "postgresql" %}
DOWN_DATABASES.append("postgresql+psycopg://nobody:nothing@127.0.0.1:1/none")
{%- endif %}


@pytest.mark.parametrize("database_url", DOWN_DATABASES)
def test_healthz_fails_with_503_when_the_database_is_down(make_config, make_app, database_url):
    app = make_app(make_config(database_url=database_url))
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
