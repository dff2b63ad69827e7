"""Health endpoints: /livez for the process, /healthz for the real state of the app.

DB31DSJ/Z 003 §6.2.4 d asks for a monitoring address that reports the real status
after checking. The body follows the IETF health-check draft
(application/health+json): status pass|warn|fail, checks keyed
"component:measurement". A failed dependency the app cannot work without (the
database) is `fail` with HTTP 503; results are cached a few seconds so a monitor
polling hard cannot turn the health check into load.

What each status means, and after how long (README 健康检查 lists the same):

- platform:responseTime: a real, light, authenticated call to the platform
  (`PlatformClient.probe`), made at most once every HEALTH_PLATFORM_PROBE_SECONDS
  (default 10) per process and remembered, never one per /healthz request. Unreachable,
  or refusing the app, is `warn` (HTTP 200): pages that need no platform call work and
  deliveries wait in the outbox. A platform outage shows within about the probe interval
  plus HEALTH_CACHE_SECONDS.
- outbox:backlog: the age of the oldest undelivered row and the last delivery error.
  Older than OUTBOX_WARN_SECONDS (default 600), or any row given up, is `warn`.
- database:responseTime: a round trip; unreachable is `fail`, HTTP 503.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import threading
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Flask, Response, current_app
from sqlalchemy import select, text

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
from .outbox import OutboxMessage
from .outbox.relay import backlog
from .platform import PlatformError, PlatformUnavailable

log = logging.getLogger(__name__)

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
        log.warning("health check %s failed: %s", key, type(exc).__name__)
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


# A request that finds the first probe under way waits for it, at most this long (the
# client's connect and read timeouts together).
FIRST_PROBE_WAIT_SECONDS = 9.0


def start_in_background(work: Callable[[], None]) -> None:
    threading.Thread(target=work, name="platform-probe", daemon=True).start()


class PlatformProbe:
    """Asks the platform whether it serves this app, at most once per `interval` seconds.

    The answer is remembered and read by every /healthz in between. The first one is waited
    for (a fresh app reports the truth from its first answer); later ones run in the
    background (`start`) while the previous answer is served, so a platform that hangs
    never makes /healthz hang. `on_change` is told when the status changes, so that the
    health report's own short cache does not hide it.

    Down is `warn`, not `fail`: pages that need no platform call keep working and
    deliveries wait in the outbox, so taking the app out of rotation would only hurt.
    """

    KEY = "platform:responseTime"

    def __init__(self, probe: Callable[[], None], interval: float, *,
                 clock: Callable[[], float] = time.monotonic,
                 start: Callable[[Callable[[], None]], None] = start_in_background,
                 on_change: Callable[[], None] | None = None):
        self.probe = probe
        self.interval = interval
        self.clock = clock
        self.start = start
        self.on_change = on_change
        self._lock = threading.Lock()
        self._result: CheckResult | None = None
        self._checked_at = 0.0
        self._running = False
        self._answered = threading.Event()

    def result(self) -> CheckResult:
        with self._lock:
            due = self._result is None or self.clock() - self._checked_at >= self.interval
            run = due and not self._running
            first = self._result is None
            if run:
                self._running = True
        if run and first:
            self._refresh()
        elif run:
            self.start(self._refresh)
        elif first:
            self._answered.wait(FIRST_PROBE_WAIT_SECONDS)  # another request runs the first
        with self._lock:
            return self._stale_or(self._result)

    def _refresh(self) -> None:
        try:
            result = timed_check(self.KEY, "system", self.probe, "一网协同平台不可达",
                                 errors=(PlatformUnavailable, PlatformError),
                                 status_on_error="warn")
        except BaseException:
            with self._lock:
                self._running = False
            raise
        with self._lock:
            self._running = False
            changed = self._result is not None and self._result.status != result.status
            self._result, self._checked_at = result, self.clock()
        self._answered.set()
        if changed and self.on_change is not None:
            self.on_change()

    def _stale_or(self, result: CheckResult | None) -> CheckResult:
        """A probe that has not answered for three intervals is itself news."""
        if result is None:
            return CheckResult(self.KEY, "system", "warn",
                               output="平台探测尚无结果（一网协同平台无响应）")
        age = self.clock() - self._checked_at
        if self._running and age > 3 * self.interval:
            return CheckResult(self.KEY, "system", "warn",
                               output=f"平台探测已 {int(age)} 秒没有结果（一网协同平台无响应）")
        return result


def check_platform() -> CheckResult:
    """The platform's last probe (see PlatformProbe): remembered, not fetched per request."""
    probe: PlatformProbe = current_app.extensions["platform_probe"]
    return probe.result()


def last_delivery_error() -> str | None:
    """The error of the most recently retried undelivered row, e.g. "errcode 45009"."""
    row = db.session.execute(
        select(OutboxMessage.last_error, OutboxMessage.kind)
        .where(OutboxMessage.last_error.is_not(None))
        .order_by(OutboxMessage.next_attempt_at.desc()).limit(1)).first()
    return f"{row.last_error}（{row.kind}）" if row else None


def check_outbox() -> CheckResult:
    """How long the oldest undelivered todo or message has waited, the last delivery error,
    and rows given up.

    A stuck queue is `warn`: the app works, but the platform has not heard yet.
    """
    settings = current_app.config["SETTINGS"]
    try:
        waiting = backlog()
        error = last_delivery_error() if waiting.pending or waiting.dead else None
    except Exception as exc:  # noqa: BLE001 - the database check reports the cause
        db.session.rollback()
        return CheckResult("outbox:backlog", "component", "fail",
                           output=f"无法读取待发送队列（{type(exc).__name__}）")
    status, notes = "pass", []
    if waiting.dead:
        status = "warn"
        notes.append(f"{waiting.dead} 条投递已放弃，需人工处理（flask outbox replay）")
    if waiting.oldest_age_seconds > settings.outbox_warn_seconds:
        status = "warn"
        notes.append(f"最早一条已等待 {waiting.oldest_age_seconds} 秒"
                     f"（超过 {settings.outbox_warn_seconds} 秒），投递停滞")
    if error:
        notes.append(f"最近一次投递错误：{error}")
    return CheckResult("outbox:backlog", "component", status, waiting.oldest_age_seconds, "s",
                       "；".join(notes) or None)


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


@dataclasses.dataclass(frozen=True)
class HealthReport:
    """The answer to /healthz, rendered: its JSON body and HTTP status."""

    body: str
    http_status: int


class HealthMonitor:
    """Runs the checks and caches the results for `ttl` seconds (per process), and the
    report rendered from them: a monitor polling hard gets the same bytes until they change.
    """

    def __init__(self, checks: Sequence[Callable[[], CheckResult]], ttl: float,
                 clock: Callable[[], float] = time.monotonic):
        self.checks = tuple(checks)
        self.ttl = ttl
        self.clock = clock
        # Reentrant: a probe that changes status invalidates the report from within
        # `results()` when it runs in the caller's thread.
        self._lock = threading.RLock()
        self._cached: tuple[float, list[CheckResult]] | None = None
        self._report: tuple[list[CheckResult], HealthReport] | None = None

    def results(self) -> list[CheckResult]:
        with self._lock:
            now = self.clock()
            if self._cached is None or now - self._cached[0] >= self.ttl:
                self._cached = (now, [check() for check in self.checks])
            return self._cached[1]

    def report(self, render: Callable[[list[CheckResult]], HealthReport]) -> HealthReport:
        """`render(results())`, rendered again only when the results are new."""
        with self._lock:
            results = self.results()
            if self._report is None or self._report[0] is not results:
                self._report = (results, render(results))
            return self._report[1]

    def invalidate(self) -> None:
        """Forget the cached report: the next request runs the checks."""
        with self._lock:
            self._cached = None
            self._report = None


def register_check(app: Flask, check: Callable[[], CheckResult]) -> None:
    """Run `check` too (a cache server's round trip, say); call it before `init_app`."""
    app.extensions.setdefault("health_checks", []).append(check)


def init_app(app: Flask) -> None:
    settings = app.config["SETTINGS"]
    checks = (*CHECKS, *app.extensions.get("health_checks", ()))
    monitor = HealthMonitor(checks, settings.health_cache_seconds)

    def probe() -> None:
        # Background threads have no app context of their own (the token store and the
        # call events it records need one).
        with app.app_context():
            app.extensions["ywxt"].probe()

    app.extensions["health"] = monitor
    app.extensions["platform_probe"] = PlatformProbe(
        probe, settings.health_platform_probe_seconds, on_change=monitor.invalidate)
    app.register_blueprint(bp)


def _health_response(body: str, http_status: int) -> Response:
    response = Response(body, http_status, mimetype=HEALTH_JSON)
    response.headers["Cache-Control"] = "no-store"
    return response


LIVE = json.dumps({"status": "pass"})
SERVICE_ID = "{{ cookiecutter.app_slug }}"
DESCRIPTION = "{{ cookiecutter.app_name }}"


@bp.get("/livez")
@documented(Operation(TAG, "存活检查（进程）", {200: answer("进程在运行", HEALTH, HEALTH_JSON)},
                      login=False))
def livez() -> Response:
    """The process answers; no dependency is touched (a liveness probe restarts on failure)."""
    return _health_response(LIVE, 200)


@bp.get("/healthz")
@documented(Operation(
    TAG, "健康检查（数据库、平台、待发送队列）",
    {200: answer("pass 或 warn", HEALTH, HEALTH_JSON),
     503: answer("fail：应用无法工作（如数据库不可达）", HEALTH, HEALTH_JSON)},
    login=False))
def healthz() -> Response:
    """The real state: database round trip and the other registered checks."""
    report: HealthReport = current_app.extensions["health"].report(render_report)
    return _health_response(report.body, report.http_status)


def render_report(results: list[CheckResult]) -> HealthReport:
    """The health-check draft's JSON for `results`, and its HTTP status."""
    settings = current_app.config["SETTINGS"]
    status = overall_status(results)
    checks: dict[str, list[dict[str, Any]]] = {}
    for result in results:
        checks.setdefault(result.key, []).append(result.as_json())
    body = {
        "status": status,
        "version": settings.app_version,
        "serviceId": SERVICE_ID,
        "description": DESCRIPTION,
        "checks": checks,
    }
    # pass/warn answer 2xx, fail answers 5xx (health-check draft §3.1).
    return HealthReport(json.dumps(body, ensure_ascii=False), 503 if status == "fail" else 200)
