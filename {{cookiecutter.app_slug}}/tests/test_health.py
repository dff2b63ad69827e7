"""/livez and /healthz (DB31DSJ/Z 003 §6.2.4 d): real checks, honest status, cached."""

from __future__ import annotations

import pytest
import requests

from {{ cookiecutter.__package_name }}.extensions import db
from {{ cookiecutter.__package_name }}.health import (
    CheckResult,
    HealthMonitor,
    HealthReport,
    PlatformProbe,
    overall_status,
)
from {{ cookiecutter.__package_name }}.outbox import enqueue
from {{ cookiecutter.__package_name }}.platform import PlatformUnavailable

HEALTH_JSON = "application/health+json"
PROBE = "/cgi-bin/get_api_domain_ip"  # the light, authenticated call of the platform probe


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
    # A real call with that token, not only a look at the cache.
    [probe] = sim.calls(PROBE)
    assert probe.errcode == 0


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


@pytest.fixture
def clock(platform_app):
    """The health report's and the platform probe's clock, moved by the test; the probe's
    background runs happen in the test's own thread, so the timeline is exact."""
    now = [1000.0]
    probe = platform_app.extensions["platform_probe"]
    probe.clock = platform_app.extensions["health"].clock = lambda: now[0]
    probe.start = lambda work: work()
    return now


def platform_status(client) -> str:
    answer = client.get("/healthz")
    assert answer.status_code == 200
    [platform] = answer.json["checks"]["platform:responseTime"]
    assert answer.json["status"] == platform["status"]
    return platform["status"]


def test_an_outage_shows_within_one_probe_interval_and_its_end_too(platform_app, sim, clock):
    """The repro: with the token cached (valid 2 h), the platform going down once showed
    `pass` for as long as the token lived. Polled every second, the probe calls the platform
    once per interval (10 s), never per request."""
    client = platform_app.test_client()
    timeline = []
    for second in range(41):
        if second == 1:
            requests.post(f"{sim.base_url}/_sim/down", json={"mode": "503"}, timeout=5)
        if second == 21:
            requests.post(f"{sim.base_url}/_sim/up", timeout=5)
        clock[0] = 1000.0 + second
        timeline.append(platform_status(client))
    warned = timeline.index("warn")
    recovered = timeline.index("pass", warned)
    interval = platform_app.config["SETTINGS"].health_platform_probe_seconds
    assert 1 < warned <= 1 + interval  # the first probe after the outage began
    assert 21 < recovered <= 21 + interval
    assert set(timeline[warned:recovered]) == {"warn"}
    assert len(sim.calls(PROBE)) == 5  # at 0, 10, 20, 30 and 40 s: 5 calls for 41 polls


def test_a_slow_platform_never_holds_up_the_health_report():
    """After the first answer, probes run in the background: /healthz answers at once
    with the last answer meanwhile, and starts no second probe while one runs."""
    now = [0.0]
    started = []
    changes = []
    probe = PlatformProbe(lambda: None, interval=10, clock=lambda: now[0],
                          start=started.append, on_change=lambda: changes.append(now[0]))
    assert probe.result().status == "pass"  # the first one runs right away
    now[0] = 10.0
    assert probe.result().status == "pass"
    assert probe.result().status == "pass"
    assert len(started) == 1  # one probe in flight, however many reports ask

    def unreachable():
        raise PlatformUnavailable("timeout", "/cgi-bin/get_api_domain_ip")

    probe.probe = unreachable
    started.pop()()  # the background probe finishes
    assert probe.result().status == "warn"
    assert "一网协同平台不可达" in probe.result().output
    assert changes == [10.0]  # the report's cache is told, so it shows at once


def test_a_probe_that_never_answers_is_reported():
    now = [0.0]
    started = []
    probe = PlatformProbe(lambda: None, interval=10, clock=lambda: now[0], start=started.append)
    probe.result()
    now[0] = 10.0
    probe.result()  # starts a probe that hangs
    now[0] = 40.5
    late = probe.result()
    assert late.status == "warn"
    assert "平台探测已 40 秒没有结果" in late.output


def test_an_unexpected_error_in_a_check_is_a_fail_not_a_crash(platform_app, monkeypatch):
    """E.g. the token cache's server is down under the platform check: 503 fail, no 500."""
    client = platform_app.extensions["ywxt"]

    def broken_cache():
        raise ConnectionError("cache down")

    monkeypatch.setattr(client, "probe", broken_cache)
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
    assert len(sim.calls(PROBE)) == 1


def waiting_delivery(app, age_seconds: int, error: str | None) -> None:
    with app.app_context():
        row = enqueue("items.todo_add", "item:7", f"todo-add-{age_seconds}", item_id=7)
        row.created_at -= age_seconds
        row.attempts, row.last_error = (3, error) if error else (0, None)
        db.session.commit()


def test_a_stuck_outbox_is_a_warning_with_its_age_and_last_error(platform_app):
    waiting_delivery(platform_app, 700, "errcode 45009")
    answer = platform_app.test_client().get("/healthz")
    assert answer.status_code == 200  # the app still serves and queues
    assert answer.json["status"] == "warn"
    [outbox] = answer.json["checks"]["outbox:backlog"]
    assert outbox["status"] == "warn"
    assert outbox["observedValue"] >= 700
    assert "投递停滞" in outbox["output"]
    assert "最近一次投递错误：errcode 45009（items.todo_add）" in outbox["output"]


def test_a_young_retry_is_reported_but_still_passes(platform_app):
    waiting_delivery(platform_app, 30, "HTTP 503")
    [outbox] = platform_app.test_client().get("/healthz").json["checks"]["outbox:backlog"]
    assert outbox["status"] == "pass"
    assert outbox["output"] == "最近一次投递错误：HTTP 503（items.todo_add）"


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


def test_the_report_is_rendered_once_per_result():
    """A monitor polling hard gets the same rendered report until the results change: after
    the cache time, or when the platform probe's status changes (invalidate)."""
    now = [100.0]
    rendered = []

    def check() -> CheckResult:
        return CheckResult("database:responseTime", "datastore", "pass", now[0], "ms")

    def render(results: list[CheckResult]) -> HealthReport:
        rendered.append(results)
        return HealthReport(f"{results[0].observed_value}", 200)

    monitor = HealthMonitor([check], ttl=5, clock=lambda: now[0])
    assert [monitor.report(render).body for _ in range(3)] == ["100.0"] * 3
    assert len(rendered) == 1
    now[0] += 5
    assert monitor.report(render).body == "105.0"
    monitor.invalidate()
    now[0] += 1
    assert monitor.report(render).body == "106.0"
    assert len(rendered) == 3


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
