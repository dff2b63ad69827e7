"""Health endpoints: /livez for the process, /healthz for the real state of the app.

DB31DSJ/Z 003 §6.2.4 d asks for a monitoring address that reports the real status
after checking. The body follows the IETF health-check draft
(application/health+json): status pass|warn|fail, checks keyed
"component:measurement". A failed dependency the app cannot work without (the
database) is `fail` with HTTP 503; results are cached a few seconds so a monitor
polling hard cannot turn the health check into load.
"""

from __future__ import annotations

import dataclasses
import json
import threading
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Flask, Response, current_app
from sqlalchemy import text

from .extensions import db
from .openapi import (
    HEALTH_JSON,
    TEXT,
    TIME,
    Component,
    Operation,
    Tag,
    answer,
    array,
    documented,
    obj,
)
from .outbox.relay import backlog
from .platform import PlatformError, PlatformUnavailable, get_client

STATUS_ORDER = ("pass", "warn", "fail")

bp = Blueprint("health", __name__)

TAG = Tag("监控", "健康检查（§6.2.4 d）")
HEALTH_STATUS = {"enum": list(STATUS_ORDER)}
HEALTH = Component("Health", obj({
    "status": HEALTH_STATUS,
    "version": TEXT,
    "serviceId": TEXT,
    "description": TEXT,
    "checks": {"type": "object", "additionalProperties": array(obj({
        "componentType": TEXT,
        "status": HEALTH_STATUS,
        "time": TIME,
        "observedValue": {"type": "number"},
        "observedUnit": TEXT,
        "output": TEXT,
    }, required=["componentType", "status", "time"]))},
}, required=["status"], description="IETF health-check 草案（application/health+json）"))


@dataclasses.dataclass(frozen=True)
class CheckResult:
    """One measurement of one component, as the health-check draft names its fields."""

    key: str
    component_type: str
    status: str
    observed_value: float | None = None
    observed_unit: str | None = None
    output: str | None = None
    time: str = dataclasses.field(default_factory=lambda: datetime.now(UTC).isoformat())

    def as_json(self) -> dict[str, Any]:
        item: dict[str, Any] = {"componentType": self.component_type, "status": self.status,
                                "time": self.time}
        if self.observed_value is not None:
            item["observedValue"] = self.observed_value
            item["observedUnit"] = self.observed_unit
        if self.output:
            item["output"] = self.output
        return item


def timed_check(key: str, component_type: str, probe: Callable[[], object], failure: str,
                *, errors: tuple[type[Exception], ...] = (Exception,),
                status_on_error: str = "fail") -> CheckResult:
    """Run `probe`, measuring its round trip; an error gives `status_on_error`."""
    started = time.perf_counter()
    try:
        probe()
    except Exception as exc:  # noqa: BLE001 - a health check must answer, never raise
        # Expected failures give `status_on_error`; anything else (a cache that is down
        # under the token store, say) is a `fail` of this component, not a 500.
        status = status_on_error if isinstance(exc, errors) else "fail"
        current_app.logger.warning("health check %s failed: %s", key, type(exc).__name__)
        # The output names the failure, never the connection string or the stack.
        return CheckResult(key, component_type, status,
                           output=f"{failure}（{type(exc).__name__}）")
    elapsed_ms = round((time.perf_counter() - started) * 1000, 2)
    return CheckResult(key, component_type, "pass", elapsed_ms, "ms")


def check_database() -> CheckResult:
    """A real round trip to the database."""

    def probe() -> None:
        try:
            db.session.execute(text("SELECT 1")).scalar_one()
        finally:
            db.session.rollback()

    return timed_check("database:responseTime", "datastore", probe, "数据库不可达")


def check_platform() -> CheckResult:
    """The platform answers and this app holds a valid access token.

    Down is `warn`, not `fail`: pages that need no platform call keep working and
    deliveries wait in the outbox, so taking the app out of rotation would only hurt.
    """
    return timed_check("platform:responseTime", "system",
                       lambda: get_client().ensure_access_token(), "一网协同平台不可达",
                       errors=(PlatformUnavailable, PlatformError), status_on_error="warn")


def check_outbox() -> CheckResult:
    """How long the oldest undelivered todo or message has waited, and dead rows.

    Waiting deliveries are `warn`: the app works, but the platform has not heard yet.
    """
    settings = current_app.config["SETTINGS"]
    try:
        waiting = backlog()
    except Exception as exc:  # noqa: BLE001 - the database check reports the cause
        db.session.rollback()
        return CheckResult("outbox:backlog", "component", "fail",
                           output=f"无法读取待发送队列（{type(exc).__name__}）")
    status, output = "pass", None
    if waiting.dead:
        status, output = "warn", f"{waiting.dead} 条投递已放弃，需人工处理（flask outbox replay）"
    elif waiting.oldest_age_seconds > settings.outbox_warn_seconds:
        status, output = "warn", f"最早一条已等待 {waiting.oldest_age_seconds} 秒"
    return CheckResult("outbox:backlog", "component", status, waiting.oldest_age_seconds, "s",
                       output)


# The checks every app runs; `register_check` adds those of what a generation option brings.
CHECKS: tuple[Callable[[], CheckResult], ...] = (
    check_database,
    check_platform,
    check_outbox,
)


def overall_status(results: Sequence[CheckResult]) -> str:
    """The worst status among the checks."""
    worst = max((STATUS_ORDER.index(result.status) for result in results), default=0)
    return STATUS_ORDER[worst]


class HealthMonitor:
    """Runs the checks and caches the report for `ttl` seconds (per process)."""

    def __init__(self, checks: Sequence[Callable[[], CheckResult]], ttl: float,
                 clock: Callable[[], float] = time.monotonic):
        self.checks = tuple(checks)
        self.ttl = ttl
        self.clock = clock
        self._lock = threading.Lock()
        self._cached: tuple[float, list[CheckResult]] | None = None

    def results(self) -> list[CheckResult]:
        with self._lock:
            now = self.clock()
            if self._cached is None or now - self._cached[0] >= self.ttl:
                self._cached = (now, [check() for check in self.checks])
            return self._cached[1]


def register_check(app: Flask, check: Callable[[], CheckResult]) -> None:
    """Run `check` too (a cache server's round trip, say); call it before `init_app`."""
    app.extensions.setdefault("health_checks", []).append(check)


def init_app(app: Flask) -> None:
    settings = app.config["SETTINGS"]
    checks = (*CHECKS, *app.extensions.get("health_checks", ()))
    app.extensions["health"] = HealthMonitor(checks, settings.health_cache_seconds)
    app.register_blueprint(bp)


def _health_response(body: dict[str, Any], http_status: int) -> Response:
    response = Response(json.dumps(body, ensure_ascii=False), http_status, mimetype=HEALTH_JSON)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/livez")
@documented(Operation(TAG, "存活检查（进程）", {200: answer("进程在运行", HEALTH, HEALTH_JSON)},
                      login=False))
def livez() -> Response:
    """The process answers; no dependency is touched (a liveness probe restarts on failure)."""
    return _health_response({"status": "pass"}, 200)


@bp.get("/healthz")
@documented(Operation(
    TAG, "健康检查（数据库、平台、待发送队列）",
    {200: answer("pass 或 warn", HEALTH, HEALTH_JSON),
     503: answer("fail：应用无法工作（如数据库不可达）", HEALTH, HEALTH_JSON)},
    login=False))
def healthz() -> Response:
    """The real state: database round trip and the other registered checks."""
    settings = current_app.config["SETTINGS"]
    results = current_app.extensions["health"].results()
    status = overall_status(results)
    checks: dict[str, list[dict[str, Any]]] = {}
    for result in results:
        checks.setdefault(result.key, []).append(result.as_json())
    body = {
        "status": status,
        "version": settings.app_version,
        "serviceId": "{{ cookiecutter.app_slug }}",
        "description": "{{ cookiecutter.app_name }}",
        "checks": checks,
    }
    # pass/warn answer 2xx, fail answers 5xx (health-check draft §3.1).
    return _health_response(body, 503 if status == "fail" else 200)
